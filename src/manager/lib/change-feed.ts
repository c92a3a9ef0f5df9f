// Wakes long-poll requests the moment a change reaches the space they watch.

/** The scope key of organization secrets; space names cannot contain '@', so it never clashes. */
export const ORG_SCOPE = '@org';

/** Why a wait ended. */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted' | 'closed';

interface Waiter {
  space: string;
  finish(outcome: WaitOutcome): void;
}

/** In-process registry of waiting requests, keyed by space. */
export class ChangeFeed {
  readonly #waiters = new Set<Waiter>();
  #closed = false;

  /** Number of requests waiting now. */
  get size(): number {
    return this.#waiters.size;
  }

  /**
   * Resolves when a change affecting `space` is committed, when `timeoutMs` passes,
   * when `signal` aborts (the client went away) or when the feed closes.
   */
  wait(space: string, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (this.#closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const onAbort = (): void => waiter.finish('aborted');
      const timer = setTimeout(() => waiter.finish('timeout'), timeoutMs);
      const waiter: Waiter = {
        space,
        finish: (outcome) => {
          if (!this.#waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiter that `scope` affects: one space, or all of them for {@link ORG_SCOPE}. */
  notify(scope: string): void {
    for (const waiter of [...this.#waiters]) {
      if (scope === ORG_SCOPE || waiter.space === scope) waiter.finish('changed');
    }
  }

  /** Releases every waiter and refuses new ones (server shutdown). */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiters]) waiter.finish('closed');
  }
}
