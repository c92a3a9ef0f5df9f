// The plugin inside a real Node-RED runtime against the real Secret Manager (through a fault proxy): what flows see, triggers, polling, failures, single flight.
import assert from 'node:assert/strict';
import type { FaultProxy } from '../../helpers/fault-proxy';
import { canary } from '../../helpers/manager';
import { eventually } from '../../helpers/node-red';
import { useSyncRuntime } from '../../helpers/sync-runtime';
import type { Status } from '../../helpers/sync-runtime';

describe('integration: plugin in a real Node-RED runtime', function () {
  this.timeout(30_000);
  const rt = useSyncRuntime();

  describe('what flows see', () => {
    it('has global.SECRETS before the flows start', async () => {
      const p = await rt.probe();
      assert.equal(p.atStart, rt.first);
    });

    it('serves function nodes (object and path) and change nodes the same frozen, null-prototype object', async () => {
      const p = await rt.probe();
      assert.deepEqual(
        { viaObject: p.viaObject, viaPath: p.viaPath, viaChange: p.viaChange, pair: p.pair, frozen: p.frozen, nullPrototype: p.nullPrototype },
        { viaObject: rt.first, viaPath: rt.first, viaChange: rt.first, pair: rt.pairValue, frozen: true, nullPrototype: true },
      );
      assert.equal(p.afterWrite, rt.first, 'a flow cannot change a value in place');
    });
  });

  describe('triggers', () => {
    it('"Sync now" picks up a change and answers the new status', async () => {
      const next = canary('manual');
      await rt.setValue(next);
      assert.equal((await rt.probe()).viaPath !== next, true, 'nothing changes before a sync');
      const res = await rt.admin('POST', '/secret-sync/sync');
      assert.equal(res.status, 200);
      assert.equal((res.body as Status).state, 'ok');
      assert.equal((await rt.probe()).viaPath, next);
    });

    it('syncs on deploy when Sync on Save is on, and not when it is off', async () => {
      const onDeploy = canary('deploy');
      await rt.setValue(onDeploy);
      await rt.deploy();
      await eventually(async () => (await rt.probe()).viaPath === onDeploy, 5_000, 'deploy sync');

      assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { syncOnDeploy: false })).status, 200);
      // Reads only: a deploy also sends the fleet usage report (a PUT), which is not a sync.
      const reads = (): number => rt.proxy.requests.filter((r) => r.method === 'GET').length;
      const before = reads();
      await rt.setValue(canary('not-on-deploy'));
      await rt.deploy();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(reads(), before, 'no read after the deploy');
      assert.equal((await rt.probe()).viaPath, onDeploy);
      await rt.admin('PUT', '/secret-sync/preferences', { syncOnDeploy: true });
      await rt.admin('POST', '/secret-sync/sync');
    });

    it('watch: a change reaches flows without any trigger', async () => {
      assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { interval: 'watch' })).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      const watched = canary('watched');
      const before = rt.proxy.requests.length;
      await rt.setValue(watched);
      await eventually(async () => (await rt.probe()).viaPath === watched, 5_000, 'watch sync');
      // The long poll's answer is the sync: no plain read followed the change.
      const after = rt.proxy.requests.slice(before).filter((r) => r.method === 'GET');
      assert.deepEqual(after.filter((r) => !r.path.includes('wait=')), [], 'one request per change');
      assert.ok(after.length >= 1);
      assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { interval: 'off' })).status, 200);
    });

    it('watch: a server that answers every long poll at once with a broken answer is asked again on the backoff, not in a loop', async () => {
      const object = rt.nr.globalContext.SECRETS;
      const count = rt.proxy.requests.length;
      rt.proxy.setFallback({ kind: 'status', status: 200, body: '{"space":"demo","version":999,"secrets":{"A":null}}' });
      try {
        assert.equal((await rt.admin('PUT', '/secret-sync/preferences', { interval: 'watch' })).status, 200);
        await new Promise((r) => setTimeout(r, 2_500));
        const polls = rt.proxy.requests.slice(count).filter((r) => r.method === 'GET' && r.path.includes('wait='));
        // The first poll, then the backoff (1 s, then 2 s, jittered): a handful in 2.5 s where a loop would send thousands.
        assert.ok(polls.length >= 1 && polls.length <= 4, `long polls in 2.5 s: ${polls.length}`);
        const status = await rt.status();
        assert.equal(status.error?.code, 'invalid_payload');
        assert.equal(rt.nr.globalContext.SECRETS, object, 'the last good secrets stay');
      } finally {
        await rt.admin('PUT', '/secret-sync/preferences', { interval: 'off' });
        rt.proxy.setFallback({ kind: 'pass' });
      }
      assert.equal((await rt.status()).interval, 'off');
      await rt.admin('POST', '/secret-sync/sync');
      await eventually(async () => (await rt.status()).state === 'ok', 5_000, 'good again');
    });
  });

  describe('cheap polling', () => {
    it('sends If-None-Match; a 304 keeps the very same object and only moves lastSyncAt', async () => {
      await rt.admin('POST', '/secret-sync/sync');
      const object = rt.nr.globalContext.SECRETS;
      const before = await rt.status();
      await new Promise((r) => setTimeout(r, 5));
      const count = rt.proxy.requests.length;
      await rt.admin('POST', '/secret-sync/sync');
      const after = await rt.status();
      const request = rt.proxy.requests[count];
      assert.ok(request?.ifNoneMatch, 'the request was conditional');
      assert.equal(rt.nr.globalContext.SECRETS, object);
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
      { name: 'wrong shape', fault: { kind: 'status', status: 200, body: '{"space":"demo","version":9,"secrets":{"A":null}}' }, code: 'invalid_payload' },
      { name: 'another space', fault: { kind: 'status', status: 200, body: '{"space":"prod","version":9,"secrets":{"A":"x"}}' }, code: 'space_mismatch' },
      { name: 'a redirect', fault: { kind: 'status', status: 302, headers: { location: 'http://127.0.0.2:9/steal' } }, code: 'redirect_refused', requests: 1 },
      { name: 'a server that drips', fault: { kind: 'drip', body: '{"space":"demo","version":1,"secrets":{}}', intervalMs: 200 }, code: 'timeout' },
    ];
    for (const c of cases) {
      it(`${c.name}: state error (${c.code}), global.SECRETS untouched`, async () => {
        await rt.setValue(canary('unseen'));
        const object = rt.nr.globalContext.SECRETS;
        const count = rt.proxy.requests.length;
        rt.proxy.setFallback(c.fault);
        const res = await rt.admin('POST', '/secret-sync/sync');
        const s = res.body as Status;
        assert.equal(s.state, 'error');
        assert.equal(s.error?.code, c.code);
        assert.ok(s.consecutiveFailures >= 1);
        assert.equal(rt.nr.globalContext.SECRETS, object, 'the same object');
        if (c.requests !== undefined) assert.equal(rt.proxy.requests.length - count, c.requests);
        rt.proxy.setFallback({ kind: 'pass' });
        assert.equal(((await rt.admin('POST', '/secret-sync/sync')).body as Status).state, 'ok');
      });
    }

    it('HTTP 429 with Retry-After: waits as asked, then succeeds', async () => {
      const count = rt.proxy.requests.length;
      rt.proxy.queue({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{}' });
      const res = await rt.admin('POST', '/secret-sync/sync');
      assert.equal((res.body as Status).state, 'ok');
      const [limited, retried] = rt.proxy.requests.slice(count);
      assert.ok(limited && retried);
      assert.ok(retried.at - limited.at >= 900, `waited ${retried.at - limited.at} ms`);
    });
  });

  describe('single flight', () => {
    it('concurrent "Sync now" calls make one request', async () => {
      const count = rt.proxy.requests.length;
      rt.proxy.queue({ kind: 'pass', delayMs: 300 });
      const answers = await Promise.all(Array.from({ length: 5 }, () => rt.admin('POST', '/secret-sync/sync')));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
      assert.equal(rt.proxy.requests.length - count, 1);
    });

    it('rapid deploys make one request', async () => {
      // Reads only: deploys also send the fleet usage report (a PUT), which is not a sync.
      const reads = (): number => rt.proxy.requests.filter((r) => r.method === 'GET').length;
      const count = reads();
      // Below this suite's 1 s attempt limit, so the slow answer is not retried.
      rt.proxy.queue({ kind: 'pass', delayMs: 900 });
      const started = Date.now();
      for (let i = 0; i < 3; i++) await rt.deploy();
      assert.ok(Date.now() - started < 900, 'the deploys came while the first sync was still running');
      await eventually(async () => ((await rt.status()).state === 'ok' ? true : undefined), 5_000, 'sync done');
      assert.equal(reads() - count, 1);
    });
  });

  describe('at the end', () => {
    it('never writes a value to a file, even with localfilesystem as the default context store', async () => {
      await rt.assertNothingWritten();
    });
  });
});
