// One bounded sync attempt loop: p-retry with capped, jittered backoff, Retry-After honoured, and hard time limits.
import type * as PRetry from 'p-retry';
import { backoffDelay } from '../../shared/backoff';
import { delay } from '../../shared/delay';
import { SyncError, toSyncError } from '../../shared/sync-error';

// p-retry is an ES module. A dynamic import loads it on every Node 22 (Node-RED 5 starts at 22.9),
// where require() of an ES module works only from 22.12. Started at load, so it is ready by the first sync.
const pRetryModule: Promise<typeof PRetry> = import('p-retry');

/** Limits of one sync. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay before jitter, ms. */
  minDelayMs: number;
  /** Cap of any backoff delay, jitter included, ms. */
  maxDelayMs: number;
  factor: number;
  /** Longest Retry-After we honour, ms; a longer one is cut to this. */
  maxRetryAfterMs: number;
  /** Limit of one attempt, ms: a server that drips bytes cannot hold it longer. */
  attemptTimeoutMs: number;
  /** Limit of the whole sync, retries and waits included, ms. */
  totalTimeoutMs: number;
}

/** Defaults: 5 attempts within 90 s at most. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  minDelayMs: 1_000,
  maxDelayMs: 30_000,
  factor: 2,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: 15_000,
  totalTimeoutMs: 90_000,
};

/** Called before each retry with the error that caused it and the wait that follows. */
export type RetryListener = (error: SyncError, delayMs: number, attempt: number) => void;

/** A duration for a message: `0.3 s`, `15 s`, `3600 s`. */
const seconds = (ms: number): string => `${ms < 10_000 ? Number((ms / 1000).toFixed(1)) : Math.round(ms / 1000)} s`;

// How long the server asked to wait, and whether that was more than we honour: part of why a sync gave up.
function askedWait(error: SyncError, policy: RetryPolicy): string {
  if (error.retryAfterMs === undefined) return '';
  const over = error.retryAfterMs > policy.maxRetryAfterMs;
  return `; it asked to wait ${seconds(error.retryAfterMs)}${over ? `, more than the ${seconds(policy.maxRetryAfterMs)} honoured (secretSync.retry.maxRetryAfterMs)` : ''}`;
}

/**
 * The error a sync that ran out of time ends with: `sync_timeout`, naming the
 * last attempt's error (its code is the status's `cause`), or, when no attempt
 * finished, that no answer came at all.
 */
function gaveUpInTime(policy: RetryPolicy, last: SyncError | undefined): SyncError {
  const cause = last ?? new SyncError('timeout', `no complete answer came within ${seconds(policy.totalTimeoutMs)}`, { retryable: true });
  return new SyncError('sync_timeout', `The sync did not finish within ${seconds(policy.totalTimeoutMs)}. Last attempt: ${cause.message}${askedWait(cause, policy)}`, {
    retryable: true,
    lastAttempt: cause,
  });
}

/** The last attempt's error as the sync's final one, with the wait the server asked for when it named one. */
function gaveUpRetrying(error: SyncError, policy: RetryPolicy): SyncError {
  if (error.retryAfterMs === undefined) return error;
  const { retryable, httpStatus, retryAfterMs, reason } = error;
  return new SyncError(error.code, `${error.message}${askedWait(error, policy)}`, { retryable, httpStatus, retryAfterMs, reason });
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable SyncError, runs
 * out of retries, or the total limit passes (`sync_timeout`, naming the last
 * attempt's error). Each attempt gets a signal that aborts at its own limit
 * (`timeout`, retryable) or at the total one.
 */
export async function runWithRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: RetryListener,
): Promise<T> {
  const { default: pRetry, AbortError } = await pRetryModule;
  const total = new AbortController();
  const started = Date.now();
  const totalTimer = setTimeout(() => total.abort(), policy.totalTimeoutMs);
  // p-retry's own maxRetryTime can end the retries a moment before our timer fires (timers run late on a busy
  // loop): either way the sync ran out of time, and says so.
  const outOfTime = (): boolean => total.signal.aborted || Date.now() - started >= policy.totalTimeoutMs;
  // The error of the last attempt that ended on its own (not cut by the total limit): what the final error names.
  let last: SyncError | undefined;
  const once = async (): Promise<T> => {
    const own = new AbortController();
    const timer = setTimeout(
      () => own.abort(new SyncError('timeout', `no complete answer within ${seconds(policy.attemptTimeoutMs)} (secretSync.retry.attemptTimeoutMs)`, { retryable: true })),
      policy.attemptTimeoutMs,
    );
    const signal = AbortSignal.any([total.signal, own.signal]);
    try {
      return await attempt(signal);
    } catch (err) {
      if (total.signal.aborted) throw gaveUpInTime(policy, last);
      // An abort surfaces as the HTTP client's own error; the reason we gave the signal says what happened.
      const error = signal.aborted && signal.reason instanceof SyncError ? signal.reason : toSyncError(err);
      last = error;
      if (!error.retryable) throw new AbortError(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    return await pRetry(once, {
      retries: policy.retries,
      // p-retry counts attempts and stops; the waits are ours, on the one backoff curve (src/shared/backoff.ts).
      minTimeout: 0,
      unref: true,
      maxRetryTime: policy.totalTimeoutMs,
      signal: total.signal,
      shouldRetry: ({ error }) => error instanceof SyncError && error.retryable,
      onFailedAttempt: async ({ error, retriesLeft, attemptNumber }) => {
        if (retriesLeft <= 0 || !(error instanceof SyncError) || !error.retryable) return;
        const backoff = backoffDelay(attemptNumber, { minMs: policy.minDelayMs, maxMs: policy.maxDelayMs, factor: policy.factor });
        // A server's Retry-After wins when it asks for longer, up to maxRetryAfterMs.
        const wait = Math.max(backoff, Math.min(error.retryAfterMs ?? 0, policy.maxRetryAfterMs));
        onRetry?.(error, wait, attemptNumber);
        await delay(wait, total.signal);
      },
    });
  } catch (err) {
    if (outOfTime()) throw gaveUpInTime(policy, last);
    const error = toSyncError(err);
    throw error.retryable ? gaveUpRetrying(error, policy) : error;
  } finally {
    clearTimeout(totalTimer);
  }
}
