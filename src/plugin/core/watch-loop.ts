// The `watch` interval: long polls that sync the moment the space changes; a refused one is retried with backoff and shown as a degraded watch.
import { backoffDelay } from '../../shared/backoff';
import type { WatchStatus } from '../../shared/contract';
import { delay } from '../../shared/delay';
import { SyncError, toSyncError } from '../../shared/sync-error';
import type { FetchResult } from '../../providers/provider';
import type { PluginLogger } from './logger';

/** How the loop waits and what it calls. */
export interface WatchDeps {
  /** Resolves with the new secrets when the space's version passes `version`, undefined after `seconds` without change. */
  waitForChange(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined>;
  /** The version of the snapshot flows see now, or null before the first sync. */
  currentVersion(): number | null;
  /**
   * Runs a sync (never rejects); with the long poll's answer, applies it instead of fetching again. Resolves with
   * whether it succeeded, or undefined when it did not run.
   */
  sync(prefetched?: FetchResult): Promise<{ ok: boolean } | undefined>;
  logger: PluginLogger;
  /** Called after every change of {@link WatchLoop.status}. */
  onStatus?: () => void;
  /** Long-poll length asked of the server, seconds. */
  pollSeconds?: number;
  /** Long-poll length while degraded, seconds: short, so an accepted poll ends the degraded state at once. */
  probeSeconds?: number;
  /** Backoff after failures: first and largest delay, ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After honoured, ms; a longer one is cut to this. */
  maxRetryAfterMs?: number;
}

function liveSince(at: number): WatchStatus {
  return { state: 'live', since: new Date(at).toISOString(), code: null, message: null, nextRetryAt: null, failures: 0 };
}

/** One long-poll loop; `stop()` ends it at once, including a poll in flight. */
export class WatchLoop {
  #abort: AbortController | undefined;
  #done: Promise<void> | undefined;
  #status: WatchStatus = liveSince(Date.now());

  constructor(private readonly deps: WatchDeps) {}

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#abort !== undefined;
  }

  /** Whether long polls are answered (`live`) or refused and retried (`degraded`), and why. */
  get status(): WatchStatus {
    return { ...this.#status };
  }

  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#status = liveSince(Date.now());
    this.#done = this.#loop(abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#abort = undefined;
    await this.#done;
  }

  // One long poll, cut off a while after the server should have answered so a stuck connection cannot hold the loop.
  async #poll(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined> {
    const own = new AbortController();
    const limit = seconds + 15;
    const timer = setTimeout(() => own.abort(new SyncError('timeout', `no answer to the long poll within ${limit} s`, { retryable: true })), limit * 1000);
    try {
      return await this.deps.waitForChange(version, seconds, AbortSignal.any([signal, own.signal]));
    } catch (err) {
      // Cut by our own limit, the HTTP client's abort error would hide why.
      throw own.signal.aborted && !signal.aborted ? own.signal.reason : err;
    } finally {
      clearTimeout(timer);
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const seconds = this.deps.pollSeconds ?? 55;
    const probe = Math.min(seconds, this.deps.probeSeconds ?? 1);
    let failures = 0;
    while (!signal.aborted) {
      // An answer the sync refused (a broken payload): the version stays where it was, so the next poll would be
      // answered with the same answer at once. It backs off like a failed poll instead of asking again in a loop.
      let refused = false;
      try {
        const version = this.deps.currentVersion();
        // Without a version there is nothing to wait on: sync first, then watch from what it got.
        if (version === null) {
          await this.deps.sync();
        } else {
          const degraded = this.#status.state === 'degraded';
          const answer = await this.#poll(version, degraded ? probe : seconds, signal);
          if (signal.aborted) return;
          // A change is answered at once, before the poll ever needs a slot: only a poll that waited (no change)
          // proves the manager takes long polls again. After a change the next probe follows at once.
          if (!degraded || answer === undefined) this.#live();
          // The long poll's answer is the sync: one request per change.
          if (answer) refused = (await this.deps.sync(answer))?.ok === false;
        }
        failures = refused || this.deps.currentVersion() === null ? failures + 1 : 0;
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        const error = toSyncError(err);
        const wait = this.#waitAfter(failures, error);
        this.#degraded(error, wait);
        // While degraded, these syncs are how changes arrive; the wait runs meanwhile, from the refusal on.
        const waiting = delay(wait, signal);
        await this.deps.sync();
        await waiting;
        continue;
      }
      if (failures > 0) await delay(this.#waitAfter(failures), signal);
    }
  }

  /** The shared backoff curve, or longer when the server asked for it (Retry-After), up to the bound. */
  #waitAfter(failures: number, error?: SyncError): number {
    const backoff = backoffDelay(failures, { minMs: this.deps.minDelayMs ?? 1_000, maxMs: this.deps.maxDelayMs ?? 60_000, factor: 2 });
    return Math.max(backoff, Math.min(error?.retryAfterMs ?? 0, this.deps.maxRetryAfterMs ?? 60_000));
  }

  #degraded(error: SyncError, waitMs: number): void {
    const now = Date.now();
    const was = this.#status;
    const code = error.reason ?? error.code;
    this.#status = {
      state: 'degraded',
      since: was.state === 'degraded' ? was.since : new Date(now).toISOString(),
      code,
      message: error.message,
      nextRetryAt: new Date(now + waitMs).toISOString(),
      failures: was.failures + 1,
    };
    const line = `watch degraded (${code}): ${error.message}; secrets sync at each retry, the next in ${(waitMs / 1000).toFixed(1)} s`;
    if (was.state === 'live') this.deps.logger.warn(line);
    else this.deps.logger.debug(line);
    this.#notify();
  }

  #live(): void {
    const was = this.#status;
    if (was.state === 'live') return;
    this.#status = liveSince(Date.now());
    this.deps.logger.info(`watch live again: a long poll was accepted after ${was.failures} refused or failed`);
    this.#notify();
  }

  // A listener's failure must not end the loop.
  #notify(): void {
    try {
      this.deps.onStatus?.();
    } catch (err) {
      this.deps.logger.debug(`watch status not delivered (${err instanceof Error ? err.name : 'error'})`);
    }
  }
}
