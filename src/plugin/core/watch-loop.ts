// The `watch` interval: long polls that trigger a sync the moment the space changes, with backoff on errors.
import { backoffDelay } from '../../shared/backoff';
import { delay } from '../../shared/delay';
import type { FetchResult } from '../../providers/provider';
import type { PluginLogger } from './logger';

/** How the loop waits and what it calls. */
export interface WatchDeps {
  /** Resolves with the new secrets when the space's version passes `version`, undefined after `seconds` without change. */
  waitForChange(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined>;
  /** The version of the snapshot flows see now, or null before the first sync. */
  currentVersion(): number | null;
  /** Runs a sync (never rejects); with the long poll's answer, applies it instead of fetching again. */
  sync(prefetched?: FetchResult): Promise<unknown>;
  logger: PluginLogger;
  /** Long-poll length asked of the server, seconds. */
  pollSeconds?: number;
  /** Backoff after failures: first and largest delay, ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** One long-poll loop; `stop()` ends it at once, including a poll in flight. */
export class WatchLoop {
  #abort: AbortController | undefined;
  #done: Promise<void> | undefined;

  constructor(private readonly deps: WatchDeps) {}

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#abort !== undefined;
  }

  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
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
    const timer = setTimeout(() => own.abort(), (seconds + 15) * 1000);
    try {
      return await this.deps.waitForChange(version, seconds, AbortSignal.any([signal, own.signal]));
    } finally {
      clearTimeout(timer);
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { logger } = this.deps;
    const seconds = this.deps.pollSeconds ?? 55;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const version = this.deps.currentVersion();
        // Without a version there is nothing to wait on: sync first, then watch from what it got.
        if (version === null) {
          await this.deps.sync();
        } else {
          const answer = await this.#poll(version, seconds, signal);
          if (signal.aborted) return;
          // The long poll's answer is the sync: one request per change.
          if (answer) await this.deps.sync(answer);
        }
        failures = this.deps.currentVersion() === null ? failures + 1 : 0;
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        logger.debug(`watch: long poll failed (${(err as { code?: string }).code ?? 'error'}); syncing to record the state`);
        await this.deps.sync();
      }
      if (failures > 0) await delay(backoffDelay(failures, { minMs: this.deps.minDelayMs ?? 1_000, maxMs: this.deps.maxDelayMs ?? 60_000, factor: 2 }), signal);
    }
  }
}
