// Tests for src/plugin/core/watch-loop.ts with fake timers: a change triggers a sync; failures back off; stop ends it.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SyncError } from '../../../src/shared/sync-error';
import { WatchLoop } from '../../../src/plugin/core/watch-loop';
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
      sync: (prefetched) => Promise.resolve((synced.push(prefetched), version++)),
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

  it('backs off after failures and records the state with a sync each time', async () => {
    const polls: number[] = [];
    let syncs = 0;
    const loop = new WatchLoop({
      waitForChange: () => {
        polls.push(Date.now());
        return Promise.reject(new SyncError('unreachable', 'down', { retryable: true }));
      },
      currentVersion: () => 1,
      sync: () => Promise.resolve(syncs++),
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
});
