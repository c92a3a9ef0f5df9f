// Attacks on the plugin's watch and retries with the real manager: long-poll slots held by another token, a 429 that asks for an hour, a manager that never answers.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/plugin/core/config';
import { GlobalSecrets } from '../../src/plugin/node-red/runtime-bridge/global-secrets';
import type { RetryPolicy } from '../../src/plugin/core/retry';
import { SecretSyncService } from '../../src/plugin/core/service';
import { createProvider } from '../../src/providers/registry';
import type { SyncStatus } from '../../src/shared/contract';
import { startFaultProxy } from '../helpers/fault-proxy';
import type { FaultProxy } from '../helpers/fault-proxy';
import { holdLongPoll, untilSlotsTaken } from '../helpers/long-poll-hog';
import { memoryLogger } from '../helpers/logger';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

/** Polls `check` every 50 ms for at most `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The plugin's service (everything but Node-RED) reading space `demo` from `url`, as the entry builds it. */
function plugin(url: string, token: string, interval: string, policy: Partial<RetryPolicy> = {}) {
  const holder: Record<string, unknown> = {};
  const logs: string[] = [];
  const pushed: SyncStatus[] = [];
  const service = new SecretSyncService({
    config: resolveConfig({ url, space: 'demo', token, interval, syncOnDeploy: false }, {}, () => ''),
    createProvider: (choice) => createProvider(choice),
    onPublish: (publication) => new GlobalSecrets(holder).publish(publication.snapshot.secrets),
    preferences: { load: () => undefined, save: () => Promise.resolve() },
    logger: memoryLogger(logs),
    splay: 0,
    policy,
  });
  service.on('status', (status) => pushed.push(status));
  return { service, holder, logs, pushed, secrets: () => holder.SECRETS as Record<string, string> | undefined };
}

describe('security/degraded-watch', function () {
  this.timeout(60_000);
  const space = '/v1/spaces/demo/secrets';
  const first = canary('watched-first');
  let manager: TestManager;
  let readToken: string;

  before(async () => {
    // One long-poll slot for the whole manager: whoever holds it shuts every other watcher out.
    manager = await startTestManager({ limits: { maxWaiters: 1 } });
    await manager.api('POST', space, { body: { name: 'API_TOKEN', value: first } });
    readToken = await manager.readToken('demo');
  });
  after(() => manager?.stop());

  it("shows the watch degraded with the manager's code while another token holds the long-poll slots, keeps syncing, and clears once they free", async () => {
    // Another space's token takes the one slot, with a long poll for a version that never comes.
    const hog = new AbortController();
    const hogToken = await manager.readToken('other');
    const held = holdLongPoll(manager.url, hogToken, 'other', hog.signal);
    await untilSlotsTaken(manager.url, readToken, 'demo');

    // The manager asks a refused poll to wait 30 s (Retry-After); the plugin honours at most retry.maxRetryAfterMs, here 3 s.
    const { service, logs, pushed, secrets } = plugin(manager.url, readToken, 'watch', { maxRetryAfterMs: 3_000 });
    try {
      await service.start();
      assert.equal(secrets()?.API_TOKEN, first);
      await eventually(() => service.status().watch?.state === 'degraded', 10_000, 'a degraded watch');
      const degraded = service.status();
      assert.equal(degraded.state, 'ok', 'good secrets are still ok');
      assert.equal(degraded.error, null);
      assert.equal(degraded.watch?.code, 'too_many_waiters');
      assert.match(degraded.watch?.message ?? '', /refused the long poll \(HTTP 503, too_many_waiters\)/);
      assert.ok(degraded.watch?.nextRetryAt !== null && Date.parse(degraded.watch?.nextRetryAt ?? '') > Date.parse(degraded.watch?.since ?? ''));
      assert.ok(pushed.some((s) => s.watch?.code === 'too_many_waiters'), 'the editor is told');
      assert.ok(logs.some((l) => l.startsWith('warn: watch degraded (too_many_waiters)')), logs.join('\n'));

      // While degraded, each retry syncs: a change still arrives, later than live.
      const second = canary('watched-second');
      await manager.api('PATCH', `${space}/API_TOKEN`, { body: { value: second } });
      await eventually(() => secrets()?.API_TOKEN === second, 20_000, 'the change through a retry');
      assert.equal(service.status().watch?.state, 'degraded', 'the slot is still held');

      hog.abort();
      await held;
      await eventually(() => service.status().watch?.state === 'live', 20_000, 'the watch to be live again');
      assert.deepEqual(
        { code: service.status().watch?.code, message: service.status().watch?.message, nextRetryAt: service.status().watch?.nextRetryAt },
        { code: null, message: null, nextRetryAt: null },
      );
      assert.equal(pushed.at(-1)?.watch?.state, 'live');

      // Live again: a change arrives through the long poll.
      const third = canary('watched-third');
      await manager.api('PATCH', `${space}/API_TOKEN`, { body: { value: third } });
      await eventually(() => secrets()?.API_TOKEN === third, 5_000, 'the change through the long poll');
      for (const line of logs) for (const secret of [readToken, hogToken, first, second, third]) assert.ok(!line.includes(secret), line);
    } finally {
      hog.abort();
      await service.stop();
    }
  });

  describe('a sync that gives up names the cause', () => {
    let proxy: FaultProxy;
    beforeEach(async () => {
      proxy = await startFaultProxy(manager.url);
    });
    afterEach(() => proxy.close());

    it('a 429 asking for an hour ends as sync_timeout caused by the rate limit, with the wait asked, and keeps global.SECRETS', async () => {
      const { service, holder } = plugin(proxy.url, readToken, 'off', { retries: 20, minDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 300, attemptTimeoutMs: 1_000, totalTimeoutMs: 1_000 });
      try {
        await service.start();
        const before = holder.SECRETS;
        assert.equal(service.status().state, 'ok');
        proxy.setFallback({ kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: JSON.stringify({ error: 'rate_limited', message: 'slow down' }) });
        const status = await service.sync('manual');
        assert.equal(status.state, 'error');
        assert.equal(status.error?.code, 'sync_timeout');
        assert.equal(status.error?.cause, 'rate_limited');
        assert.match(status.error?.message ?? '', /is rate limiting \(429\); it asked to wait 3600 s, more than the 0.3 s honoured/);
        assert.ok(proxy.requests.length >= 3, 'it retried');
        assert.equal(holder.SECRETS, before, 'the very same object');
      } finally {
        await service.stop();
      }
    });

    it('a manager that never answers ends as sync_timeout caused by no answer within the attempt limit', async () => {
      const { service } = plugin(proxy.url, readToken, 'off', { retries: 20, minDelayMs: 20, maxDelayMs: 100, attemptTimeoutMs: 1_000, totalTimeoutMs: 2_500 });
      try {
        await service.start();
        proxy.setFallback({ kind: 'hang' });
        const status = await service.sync('manual');
        assert.equal(status.error?.code, 'sync_timeout');
        assert.equal(status.error?.cause, 'timeout');
        assert.match(status.error?.message ?? '', /did not finish within 2.5 s\. Last attempt: no complete answer within 1 s \(secretSync\.retry\.attemptTimeoutMs\)/);
      } finally {
        await service.stop();
      }
    });
  });
});
