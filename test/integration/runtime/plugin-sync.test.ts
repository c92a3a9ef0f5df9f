// The plugin inside a real Node-RED runtime against the real Secret Manager (through a fault proxy): triggers, flows, failures, API.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { adminAuthSettings, login } from '../../helpers/admin-auth';
import { startFaultProxy } from '../../helpers/fault-proxy';
import type { FaultProxy } from '../../helpers/fault-proxy';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { REPO_ROOT, eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { debugLeakFlows, probeFlows } from '../../fixtures/probe-flows';

interface Probe {
  viaObject: string | null;
  viaPath: string | null;
  viaChange?: string | null;
  pair: string | null;
  frozen: boolean | null;
  nullPrototype: boolean | null;
  atStart: string | null;
  afterWrite: string | null;
}

interface Status {
  state: string;
  keyCount: number;
  error: { code: string; message: string } | null;
  consecutiveFailures: number;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  interval: string;
  syncOnDeploy: boolean;
  version: number | null;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('integration: plugin in a real Node-RED runtime', function () {
  this.timeout(30_000);
  const space = '/v1/spaces/demo/secrets';
  const first = canary('first-token');
  const pairValue = canary('mqtt-user');
  let manager: TestManager;
  let proxy: FaultProxy;
  let nr: TestNodeRed;
  let adminToken: string;
  let readerToken: string;
  let stopped = false;
  const seen: string[] = [];

  const admin = (method: string, path: string, body?: unknown): ReturnType<TestNodeRed['admin']> =>
    nr.admin(method, path, { token: adminToken, ...(body === undefined ? {} : { body }) });
  // During a full deploy the HTTP-in route is briefly gone: callers that poll tolerate an empty probe.
  const probe = async (): Promise<Probe> => ((await nr.endpoint('/probe')).body ?? {}) as Probe;
  const status = async (): Promise<Status> => (await admin('GET', '/secret-sync/status')).body as Status;
  const setValue = async (value: string): Promise<void> => {
    seen.push(value);
    const res = await manager.api('PATCH', `${space}/my_api_token`, { body: { value } });
    assert.equal(res.status, 200);
  };
  const deploy = async (): Promise<void> => {
    const flows = (await admin('GET', '/flows')).body as unknown[];
    const res = await nr.admin('POST', '/flows', { token: adminToken, body: flows, headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(res.status, 204, res.text);
  };

  before(async () => {
    manager = await startTestManager();
    seen.push(first, pairValue);
    await manager.api('POST', space, { body: { name: 'my_api_token', value: first } });
    const mqttPass = canary('mqtt-pass');
    seen.push(mqttPass);
    await manager.api('POST', space, { body: { name: 'MQTT', value: { username: pairValue, password: mqttPass } } });
    const token = await manager.readToken('demo');
    proxy = await startFaultProxy(manager.url);
    nr = await startNodeRed({
      flows: [...probeFlows(), ...debugLeakFlows()],
      settings: {
        adminAuth: adminAuthSettings(),
        contextStorage: { default: { module: 'localfilesystem', config: { flushInterval: 0 } }, memory: { module: 'memory' } },
        secretSync: {
          url: proxy.url,
          space: 'demo',
          token,
          interval: 'off',
          syncOnDeploy: true,
          retry: { retries: 2, minDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1_500, attemptTimeoutMs: 1_000, totalTimeoutMs: 5_000 },
        },
      },
    });
    adminToken = await login(nr.url, 'admin');
    readerToken = await login(nr.url, 'reader');
  });

  after(async () => {
    if (!stopped) await nr?.stop();
    await proxy?.close();
    await manager?.stop();
  });

  afterEach(() => proxy.setFallback({ kind: 'pass' }));

  describe('what flows see', () => {
    it('has global.SECRETS before the flows start', async () => {
      const p = await probe();
      assert.equal(p.atStart, first);
    });

    it('serves function nodes (object and path) and change nodes the same frozen, null-prototype object', async () => {
      const p = await probe();
      assert.deepEqual(
        { viaObject: p.viaObject, viaPath: p.viaPath, viaChange: p.viaChange, pair: p.pair, frozen: p.frozen, nullPrototype: p.nullPrototype },
        { viaObject: first, viaPath: first, viaChange: first, pair: pairValue, frozen: true, nullPrototype: true },
      );
      assert.equal(p.afterWrite, first, 'a flow cannot change a value in place');
    });
  });

  describe('triggers', () => {
    it('"Sync now" picks up a change and answers the new status', async () => {
      const next = canary('manual');
      await setValue(next);
      assert.equal((await probe()).viaPath !== next, true, 'nothing changes before a sync');
      const res = await admin('POST', '/secret-sync/sync');
      assert.equal(res.status, 200);
      assert.equal((res.body as Status).state, 'ok');
      assert.equal((await probe()).viaPath, next);
    });

    it('syncs on deploy when Sync on Save is on, and not when it is off', async () => {
      const onDeploy = canary('deploy');
      await setValue(onDeploy);
      await deploy();
      await eventually(async () => (await probe()).viaPath === onDeploy, 5_000, 'deploy sync');

      assert.equal((await admin('PUT', '/secret-sync/preferences', { syncOnDeploy: false })).status, 200);
      // Reads only: a deploy also sends the fleet usage report (a PUT), which is not a sync.
      const reads = (): number => proxy.requests.filter((r) => r.method === 'GET').length;
      const before = reads();
      await setValue(canary('not-on-deploy'));
      await deploy();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(reads(), before, 'no read after the deploy');
      assert.equal((await probe()).viaPath, onDeploy);
      await admin('PUT', '/secret-sync/preferences', { syncOnDeploy: true });
      await admin('POST', '/secret-sync/sync');
    });

    it('watch: a change reaches flows without any trigger', async () => {
      assert.equal((await admin('PUT', '/secret-sync/preferences', { interval: 'watch' })).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      const watched = canary('watched');
      const before = proxy.requests.length;
      await setValue(watched);
      await eventually(async () => (await probe()).viaPath === watched, 5_000, 'watch sync');
      // The long poll's answer is the sync: no plain read followed the change.
      const after = proxy.requests.slice(before).filter((r) => r.method === 'GET');
      assert.deepEqual(after.filter((r) => !r.path.includes('wait=')), [], 'one request per change');
      assert.ok(after.length >= 1);
      assert.equal((await admin('PUT', '/secret-sync/preferences', { interval: 'off' })).status, 200);
    });
  });

  describe('cheap polling', () => {
    it('sends If-None-Match; a 304 keeps the very same object and only moves lastSyncAt', async () => {
      await admin('POST', '/secret-sync/sync');
      const object = nr.globalContext.SECRETS;
      const before = await status();
      await new Promise((r) => setTimeout(r, 5));
      const count = proxy.requests.length;
      await admin('POST', '/secret-sync/sync');
      const after = await status();
      const request = proxy.requests[count];
      assert.ok(request?.ifNoneMatch, 'the request was conditional');
      assert.equal(nr.globalContext.SECRETS, object);
      assert.notEqual(after.lastSyncAt, before.lastSyncAt);
      assert.equal(after.version, before.version);
    });
  });

  describe('failures keep the last good secrets', () => {
    const cases: { name: string; fault: Parameters<FaultProxy['setFallback']>[0]; code: string; requests?: number }[] = [
      { name: 'manager down (connection reset)', fault: { kind: 'reset' }, code: 'connection_reset', requests: 3 },
      { name: 'HTTP 500', fault: { kind: 'status', status: 500, body: '{}' }, code: 'server_error', requests: 3 },
      { name: 'HTTP 401', fault: { kind: 'status', status: 401, body: '{}' }, code: 'unauthorized', requests: 1 },
      { name: 'HTTP 403', fault: { kind: 'status', status: 403, body: '{}' }, code: 'forbidden', requests: 1 },
      { name: 'HTML with 200', fault: { kind: 'status', status: 200, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' }, code: 'invalid_payload' },
      { name: 'garbage JSON', fault: { kind: 'status', status: 200, body: '{"space":"demo","secr' }, code: 'invalid_payload' },
      { name: 'wrong shape', fault: { kind: 'status', status: 200, body: '{"space":"demo","version":9,"secrets":{"A":5}}' }, code: 'invalid_payload' },
      { name: 'another space', fault: { kind: 'status', status: 200, body: '{"space":"prod","version":9,"secrets":{"A":"x"}}' }, code: 'space_mismatch' },
      { name: 'a redirect', fault: { kind: 'status', status: 302, headers: { location: 'http://127.0.0.2:9/steal' } }, code: 'redirect_refused', requests: 1 },
      { name: 'a server that drips', fault: { kind: 'drip', body: '{"space":"demo","version":1,"secrets":{}}', intervalMs: 200 }, code: 'timeout' },
    ];
    for (const c of cases) {
      it(`${c.name}: state error (${c.code}), global.SECRETS untouched`, async () => {
        await setValue(canary('unseen'));
        const object = nr.globalContext.SECRETS;
        const count = proxy.requests.length;
        proxy.setFallback(c.fault);
        const res = await admin('POST', '/secret-sync/sync');
        const s = res.body as Status;
        assert.equal(s.state, 'error');
        assert.equal(s.error?.code, c.code);
        assert.ok(s.consecutiveFailures >= 1);
        assert.equal(nr.globalContext.SECRETS, object, 'the same object');
        if (c.requests !== undefined) assert.equal(proxy.requests.length - count, c.requests);
        proxy.setFallback({ kind: 'pass' });
        assert.equal(((await admin('POST', '/secret-sync/sync')).body as Status).state, 'ok');
      });
    }

    it('HTTP 429 with Retry-After: waits as asked, then succeeds', async () => {
      const count = proxy.requests.length;
      proxy.queue({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{}' });
      const res = await admin('POST', '/secret-sync/sync');
      assert.equal((res.body as Status).state, 'ok');
      const [limited, retried] = proxy.requests.slice(count);
      assert.ok(limited && retried);
      assert.ok(retried.at - limited.at >= 900, `waited ${retried.at - limited.at} ms`);
    });
  });

  describe('single flight', () => {
    it('concurrent "Sync now" calls make one request', async () => {
      const count = proxy.requests.length;
      proxy.queue({ kind: 'pass', delayMs: 300 });
      const answers = await Promise.all(Array.from({ length: 5 }, () => admin('POST', '/secret-sync/sync')));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
      assert.equal(proxy.requests.length - count, 1);
    });

    it('rapid deploys make one request', async () => {
      // Reads only: deploys also send the fleet usage report (a PUT), which is not a sync.
      const reads = (): number => proxy.requests.filter((r) => r.method === 'GET').length;
      const count = reads();
      // Below this suite's 1 s attempt limit, so the slow answer is not retried.
      proxy.queue({ kind: 'pass', delayMs: 900 });
      const started = Date.now();
      for (let i = 0; i < 3; i++) await deploy();
      assert.ok(Date.now() - started < 900, 'the deploys came while the first sync was still running');
      await eventually(async () => ((await status()).state === 'ok' ? true : undefined), 5_000, 'sync done');
      assert.equal(reads() - count, 1);
    });
  });

  describe('admin API', () => {
    it('reschedules on an interval change and refuses bad values with 400', async () => {
      const five = (await admin('PUT', '/secret-sync/preferences', { interval: '5m' })).body as Status;
      assert.equal(five.interval, '5m');
      const next = Date.parse(five.nextSyncAt ?? '');
      assert.ok(next > Date.now() && next <= Date.now() + 5 * 60_000 + 1000, five.nextSyncAt ?? 'null');
      const off = (await admin('PUT', '/secret-sync/preferences', { interval: 'off' })).body as Status;
      assert.equal(off.nextSyncAt, null);
      const bad = await admin('PUT', '/secret-sync/preferences', { interval: '2m' });
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body as object).sort(), ['code', 'field', 'message']);
      assert.match((bad.body as { message: string }).message, /interval must be one of: off, watch, 1m, 5m/);
      assert.equal((await admin('PUT', '/secret-sync/preferences', { syncOnDeploy: 'yes' })).status, 400);
      assert.equal((await admin('PUT', '/secret-sync/preferences', { other: 1 })).status, 400);
    });

    it('lists keys masked and filtered, never with values', async () => {
      const all = await admin('GET', '/secret-sync/keys');
      assert.deepEqual(
        (all.body as { keys: unknown[] }).keys,
        [
          { key: 'MQTT', masked: '••••••••', fields: ['username', 'password'] },
          { key: 'my_api_token', masked: '••••••••' },
        ],
      );
      const twice = await admin('GET', '/secret-sync/keys?q=a&q=b');
      assert.deepEqual([twice.status, (twice.body as { code: string }).code], [400, 'invalid_query']);
      const filtered = await admin('GET', '/secret-sync/keys?q=API');
      assert.deepEqual((filtered.body as { keys: { key: string }[] }).keys.map((k) => k.key), ['my_api_token']);
      for (const value of seen) assert.ok(!all.text.includes(value));
    });

    it('audits Sync now and preference changes with the user, as Node-RED audits its own admin API', async () => {
      nr.logs.length = 0;
      await admin('POST', '/secret-sync/sync');
      await admin('PUT', '/secret-sync/preferences', { syncOnDeploy: true });
      await admin('PUT', '/secret-sync/preferences', { interval: 'sometimes' });
      const audits = nr.logs.filter((l) => l.msg.startsWith('audit ') && l.msg.includes('secret-sync.')).map((l) => JSON.parse(l.msg.slice(6)) as Record<string, unknown>);
      assert.deepEqual(
        audits.map(({ event, user, error, syncOnDeploy, path }) => ({ event, user, error, syncOnDeploy, path })),
        [
          { event: 'secret-sync.sync', user: 'admin', error: undefined, syncOnDeploy: undefined, path: '/secret-sync/sync' },
          { event: 'secret-sync.preferences', user: 'admin', error: undefined, syncOnDeploy: true, path: '/secret-sync/preferences' },
          { event: 'secret-sync.preferences', user: 'admin', error: 'invalid_preferences', syncOnDeploy: undefined, path: '/secret-sync/preferences' },
        ],
      );
    });

    it('needs secret-sync.read for GET and secret-sync.write for the rest', async () => {
      const as = (token: string | undefined) => (method: string, path: string, body?: unknown) =>
        nr.admin(method, path, { token, ...(body === undefined ? {} : { body }) });
      const reader = as(readerToken);
      const anonymous = as(undefined);
      assert.equal((await reader('GET', '/secret-sync/status')).status, 200);
      assert.equal((await reader('GET', '/secret-sync/keys')).status, 200);
      assert.equal((await reader('POST', '/secret-sync/sync')).status, 401);
      assert.equal((await reader('PUT', '/secret-sync/preferences', { interval: '1m' })).status, 401);
      for (const [method, path] of [['GET', '/secret-sync/status'], ['GET', '/secret-sync/keys'], ['POST', '/secret-sync/sync'], ['PUT', '/secret-sync/preferences']] as const) {
        assert.equal((await anonymous(method, path, method === 'GET' ? undefined : {})).status, 401, `${method} ${path}`);
      }
      assert.equal((await status()).interval, 'off', 'the refused change did not happen');
    });

    it('pushes the status over comms on secret-sync/status, retained for new editors', async () => {
      const ws = new WebSocket(nr.url.replace('http', 'ws') + '/comms');
      const messages: { topic?: string; auth?: string; data?: { state?: string } }[] = [];
      ws.addEventListener('message', (e) => {
        const data = JSON.parse(String(e.data)) as (typeof messages)[number] | typeof messages;
        messages.push(...(Array.isArray(data) ? data : [data]));
      });
      try {
        await new Promise((r) => ws.addEventListener('open', r));
        ws.send(JSON.stringify({ auth: adminToken }));
        await eventually(() => messages.find((m) => m.auth === 'ok'), 3_000, 'comms auth');
        ws.send(JSON.stringify({ subscribe: 'secret-sync/#' }));
        const retained = await eventually(() => messages.find((m) => m.topic === 'secret-sync/status'), 3_000, 'retained status');
        assert.ok(['ok', 'syncing'].includes(retained?.data?.state ?? ''));
        messages.length = 0;
        await admin('POST', '/secret-sync/sync');
        await eventually(() => messages.find((m) => m.topic === 'secret-sync/status' && m.data?.state === 'ok'), 3_000, 'pushed status');
        for (const value of seen) assert.ok(!JSON.stringify(messages).includes(value));
      } finally {
        ws.close();
      }
    });
  });

  describe("the manager's fleet view", () => {
    interface Fleet {
      version: number;
      instances: { id: string; name: string; version: string; syncedVersion: number | null; usage: { key: string; nodes: number }[] }[];
    }
    const fleet = async (): Promise<Fleet> => (await manager.api('GET', '/v1/spaces/demo/instances')).body as Fleet;

    it('shows this instance with its name, plugin version and the keys its flows use (names and counts only)', async () => {
      const current = await eventually(async () => {
        const f = await fleet();
        return f.instances[0]?.usage.length ? f : undefined;
      }, 5_000, 'the usage report');
      assert.equal(current.instances.length, 1);
      const [me] = current.instances;
      assert.equal(me?.name, hostname());
      assert.equal(me?.version, (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      // probe-fn (code and On Start), probe-change and leak-fn.
      assert.deepEqual(me?.usage.find((u) => u.key === 'my_api_token')?.nodes, 3);
      assert.ok(me?.usage.some((u) => u.key === 'MQTT'));
      for (const value of seen) assert.ok(!JSON.stringify(current).includes(value));
    });

    it('shows the instance behind after a change, and current again after Sync now', async () => {
      await setValue(canary('fleet-rotation'));
      const behind = await fleet();
      assert.ok((behind.instances[0]?.syncedVersion ?? 0) < behind.version, 'behind');
      await admin('POST', '/secret-sync/sync');
      const after = await fleet();
      assert.equal(after.instances[0]?.syncedVersion, after.version, 'current');
    });
  });

  describe('leaks through Node-RED itself', () => {
    it('answers GET /context/global/SECRETS… with masks, to readers and admins alike', async () => {
      for (const token of [readerToken, adminToken]) {
        const whole = await nr.admin('GET', '/context/global/SECRETS', { token });
        assert.equal(whole.status, 200);
        assert.deepEqual(JSON.parse((whole.body as { msg: string }).msg), {
          MQTT: { username: '••••••••', password: '••••••••' },
          my_api_token: '••••••••',
        });
        for (const path of ['SECRETS.my_api_token', 'SECRETS%2Emy_api_token', 'SECRETS["my_api_token"]', 'SECRETS.MQTT.username']) {
          const one = await nr.admin('GET', `/context/global/${path}`, { token });
          assert.equal(one.status, 200, path);
          assert.equal((one.body as { msg: string }).msg, '••••••••', path);
          for (const value of seen) assert.ok(!one.text.includes(value), path);
        }
        for (const value of seen) assert.ok(!whole.text.includes(value));
      }
      const other = await nr.admin('GET', '/context/global/probeStarted', { token: readerToken });
      assert.equal(other.status, 200, 'other keys are still served by Node-RED');
    });

    it('undoes a flow that overwrites global.SECRETS at the next sync, with a warning', async () => {
      const real = (await probe()).viaPath;
      assert.equal((await admin('POST', '/inject/hijack-inject')).status, 200);
      await eventually(async () => (await probe()).viaPath === 'hijacked-by-a-flow', 3_000, 'the overwrite');
      await admin('POST', '/secret-sync/sync');
      assert.equal((await probe()).viaPath, real);
      assert.ok(nr.logs.some((l) => l.msg.includes('a flow overwrote global.SECRETS (context store: default)')));
    });

    it('keeps values out of /settings and the exported flows', async () => {
      for (const path of ['/settings', '/flows', '/secret-sync/status']) {
        const res = await admin('GET', path);
        assert.equal(res.status, 200, path);
        for (const value of seen) assert.ok(!res.text.includes(value), `${path} holds a secret value`);
      }
    });

    it('masks secret values in messages to debug nodes, on by default', async () => {
      const ws = new WebSocket(nr.url.replace('http', 'ws') + '/comms');
      const frames: string[] = [];
      ws.addEventListener('message', (e) => frames.push(String(e.data)));
      try {
        await new Promise((r) => ws.addEventListener('open', r));
        ws.send(JSON.stringify({ auth: adminToken }));
        await eventually(() => frames.some((f) => f.includes('"auth":"ok"')), 3_000, 'comms auth');
        ws.send(JSON.stringify({ subscribe: 'debug' }));
        await new Promise((r) => setTimeout(r, 100));
        const res = await nr.admin('POST', '/inject/leak-inject', { token: adminToken });
        assert.equal(res.status, 200);
        await eventually(() => frames.some((f) => f.includes('leak-debug')), 3_000, 'debug message');
        const all = frames.join('\n');
        assert.ok(all.includes('••••••••'), 'the mask is shown instead');
        for (const value of seen) assert.ok(!all.includes(value), 'a debug frame holds a secret value');
      } finally {
        ws.close();
      }
    });
  });

  describe('at the end', () => {
   it('never writes a value to a file, even with localfilesystem as the default context store', async () => {
    await admin('POST', '/secret-sync/sync');
    await probe();
    await nr.stop();
    stopped = true;
    const all = files(nr.userDir);
    assert.ok(all.some((f) => f.includes(join('context', 'global'))), 'the flows did write to the persistent store');
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      for (const value of seen) assert.ok(!text.includes(value), `${file} holds a secret value`);
    }
    for (const line of nr.logs) for (const value of seen) assert.ok(!line.msg.includes(value), 'a log line holds a secret value');
  });
  });
});
