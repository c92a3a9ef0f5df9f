// Tests for src/plugin/core/watch-loop.ts with fake timers: a change triggers a sync; failures back off; a refused long poll degrades the watch; stop ends it.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SyncError } from '../../../src/shared/sync-error';
import { WatchLoop } from '../../../src/plugin/core/watch-loop';
import { delay } from '../../../src/shared/delay';
import type { WatchStatus } from '../../../src/shared/contract';
import type { FetchResult } from '../../../src/providers/provider';
import { memoryLogger } from '../../helpers/logger';

describe('plugin/watch-loop', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => clock.restore());

  it("applies the long poll's answer as the sync (no second request), and syncs only on a change", async () => {
    const changedAnswer: FetchResult = { status: 'changed', version: 2, etag: '"x.2"', secrets: { A: 'a-value' } };
    const answers: (FetchResult | undefined | 'hang')[] = [undefined, changedAnswer, undefined, 'hang'];
    let version = 1;
    const synced: (FetchResult | undefined)[] = [];
    const loop = new WatchLoop({
      waitForChange: async (_v, seconds, signal) => {
        const answer = answers.shift();
        // Like the real provider: a poll in flight ends when the loop is stopped.
        if (answer === 'hang' || answers.length === 0) return new Promise<FetchResult | undefined>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
        await new Promise((r) => setTimeout(r, answer ? 10 : seconds * 1000));
        return answer;
      },
      currentVersion: () => version,
      sync: (prefetched) => Promise.resolve((synced.push(prefetched), version++, { ok: true })),
      logger: memoryLogger(),
      pollSeconds: 30,
    });
    loop.start();
    await clock.tickAsync(30_000 + 10 + 30_000);
    assert.deepEqual(synced, [changedAnswer], 'one sync, with the answer the long poll brought');
    const stopping = loop.stop();
    await clock.tickAsync(1);
    await stopping;
    assert.equal(loop.running, false);
  });

  it('backs off when an answer is refused, instead of asking again at once for the same broken answer', async () => {
    // A manager that answers every long poll at once with a payload the sync refuses (the version stays behind it).
    const broken: FetchResult = { status: 'changed', version: 3, etag: '"x.3"', secrets: { A: null } };
    const polls: number[] = [];
    const loop = new WatchLoop({
      waitForChange: (_v, _s, signal) => {
        polls.push(Date.now());
        // Bounded, so a loop that asks again at once fails this test instead of spinning forever: after 100 polls, no answer until stopped.
        if (polls.length > 100) return new Promise<FetchResult | undefined>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
        return Promise.resolve(broken);
      },
      currentVersion: () => 2,
      sync: () => Promise.resolve({ ok: false }),
      logger: memoryLogger(),
      minDelayMs: 1_000,
      maxDelayMs: 8_000,
    });
    loop.start();
    await clock.tickAsync(30_000);
    const stopping = loop.stop();
    await clock.tickAsync(1);
    await stopping;
    // The backoff's curve (with its jitter), not a poll per turn of the event loop.
    assert.ok(polls.length >= 3 && polls.length <= 8, `polls in 30 s: ${polls.length}`);
    const gaps = polls.slice(1).map((at, i) => at - polls[i]!);
    assert.ok(gaps.every((gap) => gap >= 1_000), `gaps: ${gaps.join(', ')}`);
    assert.ok(gaps[gaps.length - 1]! > gaps[0]!, `growing: ${gaps.join(', ')}`);
    assert.equal(loop.status.state, 'live', 'the long polls themselves were answered: the watch is not degraded');
  });

  it('backs off after failures and records the state with a sync each time', async () => {
    const polls: number[] = [];
    let syncs = 0;
    const loop = new WatchLoop({
      waitForChange: () => {
        polls.push(Date.now());
        return Promise.reject(new SyncError('unreachable', 'down', { retryable: true }));
      },
      currentVersion: () => 1,
      sync: () => Promise.resolve((syncs++, { ok: true })),
      logger: memoryLogger(),
      minDelayMs: 1_000,
      maxDelayMs: 8_000,
    });
    loop.start();
    await clock.tickAsync(60_000);
    const stopping = loop.stop();
    await clock.tickAsync(1);
    await stopping;
    const gaps = polls.slice(1).map((t, i) => t - (polls[i] as number));
    assert.ok(gaps.length >= 5, `${gaps.length} polls`);
    // The shared curve (test/shared/backoff.test.ts): at least the minimum, never above the cap.
    assert.ok(gaps.every((g) => g >= 1_000 && g <= 8_000), String(gaps));
    assert.ok((gaps[gaps.length - 1] as number) >= 4_000, 'the wait grows');
    assert.equal(syncs, polls.length);
    assert.equal(clock.countTimers(), 0);
  });

  describe('a refused long poll (every slot taken, a share used up)', () => {
    const refused = (retryAfterMs?: number): SyncError =>
      new SyncError('server_error', 'the Secret Manager at http://m refused the long poll (HTTP 503, too_many_waiters)', {
        retryable: true,
        httpStatus: 503,
        reason: 'too_many_waiters',
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });

    /** A loop whose server refuses `refusals` long polls, then holds each one for its full length; records what was asked when. */
    function refusing(refusals: SyncError[], options: { maxRetryAfterMs?: number } = {}) {
      const polls: { at: number; seconds: number }[] = [];
      const notified: WatchStatus[] = [];
      let syncs = 0;
      const loop: WatchLoop = new WatchLoop({
        waitForChange: async (_v, seconds, signal) => {
          polls.push({ at: Date.now(), seconds });
          const refusal = refusals.shift();
          if (refusal) throw refusal;
          await delay(seconds * 1000, signal);
          return undefined;
        },
        currentVersion: () => 1,
        sync: () => Promise.resolve((syncs++, { ok: true })),
        logger: memoryLogger(),
        onStatus: () => notified.push(loop.status),
        minDelayMs: 1_000,
        maxDelayMs: 8_000,
        ...options,
      });
      return { loop, polls, notified, syncs: () => syncs };
    }

    async function stop(loop: WatchLoop): Promise<void> {
      const stopping = loop.stop();
      await clock.tickAsync(1);
      await stopping;
    }

    it('shows the watch degraded with the reason and the next try, syncs meanwhile, and is live again once a poll is accepted', async () => {
      const { loop, polls, notified, syncs } = refusing([refused(), refused()]);
      assert.equal(loop.status.state, 'live');
      loop.start();
      await clock.tickAsync(0);
      const degraded = loop.status;
      assert.equal(degraded.state, 'degraded');
      assert.equal(degraded.code, 'too_many_waiters', "the manager's own code");
      assert.match(degraded.message ?? '', /refused the long poll \(HTTP 503, too_many_waiters\)/);
      assert.equal(degraded.since, new Date(0).toISOString());
      assert.ok(degraded.nextRetryAt !== null && Date.parse(degraded.nextRetryAt) >= 1_000, String(degraded.nextRetryAt));
      assert.equal(syncs(), 1, 'a refused poll syncs at once, so secrets stay fresh while degraded');

      // The second refusal keeps the first one's `since` and counts on.
      await clock.tickAsync(2_000);
      assert.equal(loop.status.state, 'degraded');
      assert.equal(loop.status.since, degraded.since);
      assert.equal(loop.status.failures, 2);

      // The next try is a short poll: once the server takes it, the watch is live again, and then polls at full length.
      await clock.tickAsync(10_000);
      assert.equal(loop.status.state, 'live');
      assert.deepEqual(
        { code: loop.status.code, message: loop.status.message, nextRetryAt: loop.status.nextRetryAt, failures: loop.status.failures },
        { code: null, message: null, nextRetryAt: null, failures: 0 },
      );
      assert.deepEqual(
        polls.map((p) => p.seconds),
        [55, 1, 1, 55],
        'full poll, refused; short polls until one is accepted; full polls again',
      );
      assert.deepEqual(
        notified.map((n) => n.state),
        ['degraded', 'degraded', 'live'],
      );
      await stop(loop);
    });

    it('stays degraded when a probe is answered at once with a change (no slot was needed), applies it, and probes again at once', async () => {
      const change: FetchResult = { status: 'changed', version: 2, etag: '"x.2"', secrets: { A: 'a-2' } };
      // Refused, then a change that was already there (answered before any slot), then a probe that waits: a slot.
      const script: (SyncError | FetchResult | undefined)[] = [refused(), change, undefined];
      const polls: { at: number; seconds: number }[] = [];
      const synced: (FetchResult | undefined)[] = [];
      const states: string[] = [];
      const loop: WatchLoop = new WatchLoop({
        waitForChange: async (_v, seconds, signal) => {
          polls.push({ at: Date.now(), seconds });
          const next = script.shift();
          if (next instanceof SyncError) throw next;
          if (next) return next;
          await delay(seconds * 1000, signal);
          return undefined;
        },
        currentVersion: () => (synced.some((a) => a === change) ? 2 : 1),
        sync: (prefetched) => Promise.resolve((synced.push(prefetched), { ok: true })),
        logger: memoryLogger(),
        onStatus: () => states.push(loop.status.state),
        minDelayMs: 1_000,
        maxDelayMs: 8_000,
      });
      loop.start();
      await clock.tickAsync(0);
      assert.equal(loop.status.state, 'degraded');
      await clock.tickAsync(2_000);
      assert.ok(synced.includes(change), 'the change is applied');
      assert.equal(loop.status.state, 'degraded', 'a change answered at once proves no slot');
      assert.equal(polls.length, 3, 'the next probe follows at once');
      await clock.tickAsync(1_000);
      assert.equal(loop.status.state, 'live', 'a probe that waited its second held a slot');
      assert.deepEqual(polls.map((p) => p.seconds).slice(0, 3), [55, 1, 1]);
      assert.deepEqual(states, ['degraded', 'live']);
      const stopping = loop.stop();
      await clock.tickAsync(1);
      await stopping;
    });

    it("waits as long as the server's Retry-After asks, up to the bound", async () => {
      const { loop, polls } = refusing([refused(20_000), refused(3_600_000), refused(3_600_000)], { maxRetryAfterMs: 30_000 });
      loop.start();
      await clock.tickAsync(0);
      assert.equal(loop.status.nextRetryAt, new Date(20_000).toISOString());
      await clock.tickAsync(20_000);
      assert.equal(polls.length, 2, 'retried after the 20 s asked, not the 1 to 2 s of the backoff');
      assert.equal(loop.status.nextRetryAt, new Date(20_000 + 30_000).toISOString(), 'an hour asked is cut to the bound');
      await clock.tickAsync(29_999);
      assert.equal(polls.length, 2);
      await clock.tickAsync(1);
      assert.equal(polls.length, 3);
      await stop(loop);
    });
  });
});
