// The plugin inside a real Node-RED runtime: its admin API, the manager's fleet view, and leaks through Node-RED itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { canary } from '../../helpers/manager';
import { REPO_ROOT, eventually } from '../../helpers/node-red';
import { useSyncRuntime } from '../../helpers/sync-runtime';
import type { Status } from '../../helpers/sync-runtime';

describe('integration: the plugin\'s admin API and leak guards in a real Node-RED runtime', function () {
  this.timeout(30_000);
  const rt = useSyncRuntime();

  describe('admin API', () => {
    it('reschedules on an interval change and refuses bad values with 400', async () => {
      const five = (await rt.admin('PUT', '/secret-sync/preferences', { interval: '5m' })).body as Status;
      assert.equal(five.interval, '5m');
      const next = Date.parse(five.nextSyncAt ?? '');
      assert.ok(next > Date.now() && next <= Date.now() + 5 * 60_000 + 1000, five.nextSyncAt ?? 'null');
      const off = (await rt.admin('PUT', '/secret-sync/preferences', { interval: 'off' })).body as Status;
      assert.equal(off.nextSyncAt, null);
      const bad = await rt.admin('PUT', '/secret-sync/preferences', { interval: '2m' });
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body as object).sort(), ['code', 'field', 'message']);
      assert.match((bad.body as { message: string }).message, /interval must be one of: off, watch, 1m, 5m/);
      assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { syncOnDeploy: 'yes' })).status, 400);
      assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { other: 1 })).status, 400);
    });

    it('lists keys masked and filtered, never with values', async () => {
      const all = await rt.admin('GET', '/secret-sync/keys');
      assert.deepEqual(
        (all.body as { keys: unknown[] }).keys,
        [
          { key: 'MQTT', masked: '••••••••', fields: ['username', 'password'] },
          { key: 'my_api_token', masked: '••••••••' },
        ],
      );
      const twice = await rt.admin('GET', '/secret-sync/keys?q=a&q=b');
      assert.deepEqual([twice.status, (twice.body as { code: string }).code], [400, 'invalid_query']);
      const filtered = await rt.admin('GET', '/secret-sync/keys?q=API');
      assert.deepEqual((filtered.body as { keys: { key: string }[] }).keys.map((k) => k.key), ['my_api_token']);
      for (const value of rt.seen) assert.ok(!all.text.includes(value));
    });

    it('audits Sync now and preference changes with the user, as Node-RED audits its own admin API', async () => {
      rt.nr.logs.length = 0;
      await rt.admin('POST', '/secret-sync/sync');
      await rt.admin('PUT', '/secret-sync/preferences', { syncOnDeploy: true });
      await rt.admin('PUT', '/secret-sync/preferences', { interval: 'sometimes' });
      const audits = rt.nr.logs.filter((l) => l.msg.startsWith('audit ') && l.msg.includes('secret-sync.')).map((l) => JSON.parse(l.msg.slice(6)) as Record<string, unknown>);
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
        rt.nr.admin(method, path, { token, ...(body === undefined ? {} : { body }) });
      const reader = as(rt.readerToken);
      const anonymous = as(undefined);
      assert.equal((await reader('GET', '/secret-sync/status')).status, 200);
      assert.equal((await reader('GET', '/secret-sync/keys')).status, 200);
      assert.equal((await reader('POST', '/secret-sync/sync')).status, 401);
      assert.equal((await reader('PUT', '/secret-sync/preferences', { interval: '1m' })).status, 401);
      for (const [method, path] of [['GET', '/secret-sync/status'], ['GET', '/secret-sync/keys'], ['POST', '/secret-sync/sync'], ['PUT', '/secret-sync/preferences']] as const) {
        assert.equal((await anonymous(method, path, method === 'GET' ? undefined : {})).status, 401, `${method} ${path}`);
      }
      assert.equal((await rt.status()).interval, 'off', 'the refused change did not happen');
    });

    it('pushes the status over comms on secret-sync/status, retained for new editors', async () => {
      const ws = new WebSocket(rt.nr.url.replace('http', 'ws') + '/comms');
      const messages: { topic?: string; auth?: string; data?: { state?: string } }[] = [];
      ws.addEventListener('message', (e) => {
        const data = JSON.parse(String(e.data)) as (typeof messages)[number] | typeof messages;
        messages.push(...(Array.isArray(data) ? data : [data]));
      });
      try {
        await new Promise((r) => ws.addEventListener('open', r));
        ws.send(JSON.stringify({ auth: rt.adminToken }));
        await eventually(() => messages.find((m) => m.auth === 'ok'), 3_000, 'comms auth');
        ws.send(JSON.stringify({ subscribe: 'secret-sync/#' }));
        const retained = await eventually(() => messages.find((m) => m.topic === 'secret-sync/status'), 3_000, 'retained status');
        assert.ok(['ok', 'syncing'].includes(retained?.data?.state ?? ''));
        messages.length = 0;
        await rt.admin('POST', '/secret-sync/sync');
        await eventually(() => messages.find((m) => m.topic === 'secret-sync/status' && m.data?.state === 'ok'), 3_000, 'pushed status');
        for (const value of rt.seen) assert.ok(!JSON.stringify(messages).includes(value));
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
    const fleet = async (): Promise<Fleet> => (await rt.manager.api('GET', '/v1/spaces/demo/instances')).body as Fleet;

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
      for (const value of rt.seen) assert.ok(!JSON.stringify(current).includes(value));
    });

    it('shows the instance behind after a change, and current again after Sync now', async () => {
      await rt.setValue(canary('fleet-rotation'));
      const behind = await fleet();
      assert.ok((behind.instances[0]?.syncedVersion ?? 0) < behind.version, 'behind');
      await rt.admin('POST', '/secret-sync/sync');
      const after = await fleet();
      assert.equal(after.instances[0]?.syncedVersion, after.version, 'current');
    });
  });

  describe('after the manager forgot this instance', () => {
    it('reports its usage again at its next read, with no deploy', async () => {
      const instances = async (): Promise<{ id: string; usage: { key: string; nodes: number }[] }[]> =>
        ((await rt.manager.api('GET', '/v1/spaces/demo/instances')).body as { instances: { id: string; usage: { key: string; nodes: number }[] }[] }).instances;
      const [me] = await instances();
      assert.ok(me?.usage.length, 'it had reported');
      assert.equal((await rt.manager.api('DELETE', `/v1/spaces/demo/instances/${me.id}`)).status, 204);
      assert.deepEqual(await instances(), []);
      await rt.admin('POST', '/secret-sync/sync');
      const back = await eventually(async () => (await instances()).find((i) => i.id === me.id && i.usage.length > 0), 5_000, 'the usage report after the read');
      assert.deepEqual(back.usage, me.usage);
    });
  });

  describe('leaks through Node-RED itself', () => {
    it('answers GET /context/global/SECRETS… with masks, to readers and admins alike', async () => {
      for (const token of [rt.readerToken, rt.adminToken]) {
        const whole = await rt.nr.admin('GET', '/context/global/SECRETS', { token });
        assert.equal(whole.status, 200);
        assert.deepEqual(JSON.parse((whole.body as { msg: string }).msg), {
          MQTT: { username: '••••••••', password: '••••••••' },
          my_api_token: '••••••••',
        });
        for (const path of ['SECRETS.my_api_token', 'SECRETS%2Emy_api_token', 'SECRETS["my_api_token"]', 'SECRETS.MQTT.username']) {
          const one = await rt.nr.admin('GET', `/context/global/${path}`, { token });
          assert.equal(one.status, 200, path);
          assert.equal((one.body as { msg: string }).msg, '••••••••', path);
          for (const value of rt.seen) assert.ok(!one.text.includes(value), path);
        }
        for (const value of rt.seen) assert.ok(!whole.text.includes(value));
      }
      const other = await rt.nr.admin('GET', '/context/global/probeStarted', { token: rt.readerToken });
      assert.equal(other.status, 200, 'other keys are still served by Node-RED');
    });

    it('lists global.SECRETS in the global context listing (the Context Data sidebar), masked, under the default store only', async () => {
      const listing = (await rt.nr.admin('GET', '/context/global', { token: rt.readerToken })).body as Record<string, Record<string, { msg: string; format: string }>>;
      // This runtime's default store is localfilesystem ("default"); Node-RED lists settings.js globals there.
      assert.deepEqual(JSON.parse(listing.default?.SECRETS?.msg ?? 'null'), { MQTT: { username: '••••••••', password: '••••••••' }, my_api_token: '••••••••' });
      assert.equal(listing.memory?.SECRETS, undefined);
      const names = (await rt.nr.admin('GET', '/context/global?keysOnly', { token: rt.readerToken })).body as Record<string, { keys: { key: string }[] }>;
      assert.ok(names.default?.keys.some((k) => k.key === 'SECRETS'));
    });

    it('undoes a flow that overwrites global.SECRETS at the next sync, with a warning', async () => {
      const real = (await rt.probe()).viaPath;
      assert.equal((await rt.admin('POST', '/inject/hijack-inject')).status, 200);
      await eventually(async () => (await rt.probe()).viaPath === 'hijacked-by-a-flow', 3_000, 'the overwrite');
      await rt.admin('POST', '/secret-sync/sync');
      assert.equal((await rt.probe()).viaPath, real);
      assert.ok(rt.nr.logs.some((l) => l.msg.includes('a flow overwrote global.SECRETS (context store: default)')));
    });

    it('keeps values out of /settings and the exported flows', async () => {
      for (const path of ['/settings', '/flows', '/secret-sync/status']) {
        const res = await rt.admin('GET', path);
        assert.equal(res.status, 200, path);
        for (const value of rt.seen) assert.ok(!res.text.includes(value), `${path} holds a secret value`);
      }
    });

    it('masks secret values in messages to debug nodes, on by default', async () => {
      const ws = new WebSocket(rt.nr.url.replace('http', 'ws') + '/comms');
      const frames: string[] = [];
      ws.addEventListener('message', (e) => frames.push(String(e.data)));
      try {
        await new Promise((r) => ws.addEventListener('open', r));
        ws.send(JSON.stringify({ auth: rt.adminToken }));
        await eventually(() => frames.some((f) => f.includes('"auth":"ok"')), 3_000, 'comms auth');
        ws.send(JSON.stringify({ subscribe: 'debug' }));
        await new Promise((r) => setTimeout(r, 100));
        const res = await rt.nr.admin('POST', '/inject/leak-inject', { token: rt.adminToken });
        assert.equal(res.status, 200);
        await eventually(() => frames.some((f) => f.includes('leak-debug')), 3_000, 'debug message');
        const all = frames.join('\n');
        assert.ok(all.includes('••••••••'), 'the mask is shown instead');
        for (const value of rt.seen) assert.ok(!all.includes(value), 'a debug frame holds a secret value');
      } finally {
        ws.close();
      }
    });
  });

  describe('at the end', () => {
    it('never writes a value to a file, even with localfilesystem as the default context store', async () => {
      await rt.assertNothingWritten();
    });
  });
});
