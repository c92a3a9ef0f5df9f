// Tests for src/plugin/core/retry.ts with fake timers: capped jittered backoff, Retry-After, and the time limits.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SyncError } from '../../../src/shared/sync-error';
import { DEFAULT_RETRY_POLICY, runWithRetry } from '../../../src/plugin/core/retry';
import type { RetryPolicy } from '../../../src/plugin/core/retry';

const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 4, minDelayMs: 1_000, maxDelayMs: 8_000, factor: 2, maxRetryAfterMs: 30_000, attemptTimeoutMs: 5_000, totalTimeoutMs: 120_000 };

/** An attempt function that fails with the given errors in turn, then succeeds; records when each attempt started. */
function script(errors: (SyncError | 'hang')[]): { fn: (signal: AbortSignal) => Promise<string>; starts: number[] } {
  const starts: number[] = [];
  const fn = (signal: AbortSignal): Promise<string> => {
    starts.push(Date.now());
    const next = errors.shift();
    if (next === undefined) return Promise.resolve('done');
    if (next === 'hang') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    return Promise.reject(next);
  };
  return { fn, starts };
}

const transient = (): SyncError => new SyncError('server_error', 'HTTP 500', { retryable: true, httpStatus: 500 });

describe('plugin/retry', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => clock.restore());

  async function settle<T>(promise: Promise<T>): Promise<T | SyncError> {
    const caught = promise.catch((e: unknown) => e as SyncError);
    await clock.runAllAsync();
    return caught;
  }

  it('returns the first success without waiting', async () => {
    const { fn, starts } = script([]);
    assert.equal(await settle(runWithRetry(fn, policy)), 'done');
    assert.deepEqual(starts, [0]);
  });

  it('backs off exponentially with jitter, capped', async () => {
    const { fn, starts } = script([transient(), transient(), transient(), transient()]);
    const delays: number[] = [];
    const result = await settle(runWithRetry(fn, policy, (_e, ms) => delays.push(ms)));
    assert.equal(result, 'done');
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    assert.deepEqual(gaps, delays);
    // Attempt n waits min * factor^(n-1) times a random 1..2, never more than the cap.
    [1_000, 2_000, 4_000, 8_000].forEach((base, i) => {
      const gap = gaps[i] as number;
      assert.ok(gap >= base && gap <= Math.min(2 * base, policy.maxDelayMs), `gap ${i}: ${gap}`);
    });
  });

  it('gives up after the retries with the last error', async () => {
    const { fn, starts } = script(Array.from({ length: 10 }, transient));
    const result = await settle(runWithRetry(fn, policy));
    assert.equal((result as SyncError).code, 'server_error');
    assert.equal(starts.length, policy.retries + 1);
  });

  it('never retries a non-retryable error (401, 403, 404, bad payload)', async () => {
    for (const code of ['unauthorized', 'forbidden', 'not_found', 'invalid_payload']) {
      const { fn, starts } = script([new SyncError(code, code)]);
      const result = await settle(runWithRetry(fn, policy));
      assert.equal((result as SyncError).code, code);
      assert.equal(starts.length, 1, code);
    }
  });

  it('waits as long as Retry-After asks, up to the cap', async () => {
    const asked = new SyncError('rate_limited', '429', { retryable: true, retryAfterMs: 20_000 });
    const { fn, starts } = script([asked]);
    assert.equal(await settle(runWithRetry(fn, policy)), 'done');
    assert.ok((starts[1] as number) - (starts[0] as number) >= 20_000, String(starts));
    assert.ok((starts[1] as number) - (starts[0] as number) <= 20_000 + policy.minDelayMs * 2);

    const greedy = new SyncError('rate_limited', '429', { retryable: true, retryAfterMs: 3_600_000 });
    const second = script([greedy]);
    assert.equal(await settle(runWithRetry(second.fn, policy)), 'done');
    const gap = (second.starts[1] as number) - (second.starts[0] as number);
    assert.ok(gap >= policy.maxRetryAfterMs && gap <= policy.maxRetryAfterMs + 2_000, `capped: ${gap}`);
  });

  it('cuts an attempt that does not finish in time (a dripping server) and retries it', async () => {
    const { fn, starts } = script(['hang', 'hang']);
    assert.equal(await settle(runWithRetry(fn, policy)), 'done');
    assert.equal(starts.length, 3);
    assert.ok((starts[1] as number) >= policy.attemptTimeoutMs);
  });

  it('bounds the whole sync in time', async () => {
    const slow: RetryPolicy = { ...policy, retries: 100, totalTimeoutMs: 20_000 };
    const { fn, starts } = script(Array.from({ length: 100 }, () => 'hang' as const));
    const result = await settle(runWithRetry(fn, slow));
    assert.equal((result as SyncError).code, 'sync_timeout');
    assert.ok(Date.now() <= 20_000 + slow.attemptTimeoutMs, `ended at ${Date.now()}`);
    assert.ok(starts.length < 10);
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
  });

  describe('a sync that gives up names why', () => {
    const limited = (): SyncError =>
      new SyncError('rate_limited', 'the Secret Manager at http://m is rate limiting (429)', { retryable: true, httpStatus: 429, retryAfterMs: 3_600_000 });

    it('out of time behind a 429 that asks for an hour: sync_timeout, caused by the rate limit and the wait asked', async () => {
      const { fn, starts } = script(Array.from({ length: 10 }, limited));
      const result = (await settle(runWithRetry(fn, { ...policy, totalTimeoutMs: 90_000 }))) as SyncError;
      assert.equal(result.code, 'sync_timeout');
      assert.ok(starts.length >= 3, `${starts.length} attempts`);
      assert.match(result.message, /did not finish within 90 s/);
      assert.match(result.message, /is rate limiting \(429\)/);
      assert.match(result.message, /asked to wait 3600 s, more than the 30 s honoured \(secretSync\.retry\.maxRetryAfterMs\)/);
      assert.deepEqual(result.toJSON(), { code: 'sync_timeout', message: result.message, cause: 'rate_limited' });
      assert.equal(clock.countTimers(), 0);
    });

    it('out of time against a server that never answers: caused by no answer within the attempt limit', async () => {
      const { fn } = script(Array.from({ length: 100 }, () => 'hang' as const));
      const result = (await settle(runWithRetry(fn, { ...policy, retries: 100, totalTimeoutMs: 20_000 }))) as SyncError;
      assert.equal(result.code, 'sync_timeout');
      assert.match(result.message, /did not finish within 20 s\. Last attempt: no complete answer within 5 s \(secretSync\.retry\.attemptTimeoutMs\)/);
      assert.equal(result.toJSON().cause, 'timeout');
    });

    it('out of time in the first attempt: says that no answer came at all', async () => {
      const { fn } = script(['hang']);
      const result = (await settle(runWithRetry(fn, { ...policy, attemptTimeoutMs: 60_000, totalTimeoutMs: 20_000 }))) as SyncError;
      assert.equal(result.code, 'sync_timeout');
      assert.match(result.message, /Last attempt: no complete answer came within 20 s/);
      assert.equal(result.toJSON().cause, 'timeout');
    });

    it('out of retries behind a 429: the rate limit, with the wait the server asked for', async () => {
      const { fn, starts } = script(Array.from({ length: 10 }, limited));
      const result = (await settle(runWithRetry(fn, { ...policy, retries: 1 }))) as SyncError;
      assert.equal(starts.length, 2);
      assert.equal(result.code, 'rate_limited');
      assert.equal(result.retryable, true);
      assert.match(result.message, /is rate limiting \(429\); it asked to wait 3600 s/);
    });
  });
});

// Real timers: what is tested is the order in which a blocked event loop runs overdue timers, which fake clocks do not reproduce.
describe('plugin/retry on a busy event loop', () => {
  it('ends as sync_timeout when the limit passes while the loop is blocked, even though the wait before a retry runs first', async () => {
    let attempts = 0;
    const limited = (): Promise<string> => {
      attempts++;
      // After the third attempt the loop is blocked for 300 ms: the wait before the next retry (due first) and the
      // total limit both become overdue, and Node runs the wait, and every promise it resolves, before the limit's timer.
      if (attempts === 3) setImmediate(() => {
        const until = Date.now() + 300;
        while (Date.now() < until);
      });
      return Promise.reject(new SyncError('rate_limited', 'the Secret Manager at http://m is rate limiting (429)', { retryable: true, httpStatus: 429, retryAfterMs: 3_600_000 }));
    };
    const result = await runWithRetry(limited, { ...policy, retries: 20, minDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 40, totalTimeoutMs: 150 }).catch((e: unknown) => e as SyncError);
    assert.equal(attempts, 3);
    assert.equal((result as SyncError).code, 'sync_timeout');
    assert.equal((result as SyncError).toJSON().cause, 'rate_limited');
  });
});
