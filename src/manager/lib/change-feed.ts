// Wakes long-poll requests the moment a change reaches the space they watch, and shares the long-poll slots fairly.

/** The scope key of organization secrets; space names cannot contain '@', so it never clashes. */
export const ORG_SCOPE = '@org';

/**
 * Why a wait ended, or why it never started: `full` (every slot is held, each
 * token and space within its share), `token_share` / `space_share` (refused
 * or released because that token or space holds more than its share while
 * the slots are full).
 */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted' | 'closed' | 'full' | 'token_share' | 'space_share';

/** How many long polls may be open: in all, and the share one token and one space keep when all are taken. */
export interface WaiterLimits {
  /** Most long polls open at once. */
  maxWaiters: number;
  /** Slots one token keeps when the slots are full; beyond it its longest-waiting poll gives way. */
  maxWaitersPerToken: number;
  /** Slots one space keeps when the slots are full (all its tokens together). */
  maxWaitersPerSpace: number;
}

/** Default number of long polls: two thirds of the default connection cap (README, "Security and reliability"). */
export const DEFAULT_MAX_WAITERS = 600;

/** The limits with a token's share a tenth and a space's a quarter of `maxWaiters`, unless given. */
export function waiterLimits(given: Partial<WaiterLimits> = {}): WaiterLimits {
  const maxWaiters = given.maxWaiters ?? DEFAULT_MAX_WAITERS;
  return {
    maxWaiters,
    maxWaitersPerToken: given.maxWaitersPerToken ?? Math.max(1, Math.floor(maxWaiters / 10)),
    maxWaitersPerSpace: given.maxWaitersPerSpace ?? Math.max(1, Math.floor(maxWaiters / 4)),
  };
}

interface Waiter {
  space: string;
  holder: string;
  finish(outcome: WaitOutcome): void;
}

/** Waiters grouped by one key (a token or a space), each group in arrival order. */
class Groups {
  readonly #groups = new Map<string, Set<Waiter>>();

  count(key: string): number {
    return this.#groups.get(key)?.size ?? 0;
  }

  /** A copy of the group of `key`, or of every group without a key: finishing a waiter changes the groups. */
  list(key?: string): Waiter[] {
    if (key !== undefined) return [...(this.#groups.get(key) ?? [])];
    return [...this.#groups.values()].flatMap((group) => [...group]);
  }

  add(key: string, waiter: Waiter): void {
    const group = this.#groups.get(key);
    if (group) group.add(waiter);
    else this.#groups.set(key, new Set([waiter]));
  }

  remove(key: string, waiter: Waiter): void {
    const group = this.#groups.get(key);
    if (!group) return;
    group.delete(waiter);
    // An empty group is dropped, so the map holds only keys with a waiter: never more than maxWaiters.
    if (group.size === 0) this.#groups.delete(key);
  }

  /** The longest waiter of the group holding the most beyond `share`, and by how much; undefined when none exceeds it. */
  mostOver(share: number): { oldest: Waiter; excess: number } | undefined {
    let best: { oldest: Waiter; excess: number } | undefined;
    for (const group of this.#groups.values()) {
      const excess = group.size - share;
      const oldest = group.values().next().value;
      if (excess > 0 && oldest && (!best || excess > best.excess)) best = { oldest, excess };
    }
    return best;
  }
}

/**
 * In-process registry of waiting requests, keyed by space and by the token
 * that waits. While slots are free anyone may take one (a fleet shares one
 * token per space); when all are taken, a token or space under its share
 * still gets one, from the longest-waiting poll of whoever holds most beyond
 * its share, so one token can never starve the other spaces.
 */
export class ChangeFeed {
  readonly #limits: WaiterLimits;
  readonly #bySpace = new Groups();
  readonly #byHolder = new Groups();
  #size = 0;
  #closed = false;

  constructor(limits: Partial<WaiterLimits> = {}) {
    this.#limits = waiterLimits(limits);
  }

  /** Number of requests waiting now. */
  get size(): number {
    return this.#size;
  }

  /**
   * Resolves when a change affecting `space` is committed, when `timeoutMs` passes,
   * when `signal` aborts (the client went away), when the feed closes, or when
   * the slot is given to a poll of a token or space under its share. `holder`
   * (a token id) is who the slot counts against; resolves at once with `full`,
   * `token_share` or `space_share` when no slot is given.
   */
  wait(space: string, timeoutMs: number, signal?: AbortSignal, holder = space): Promise<WaitOutcome> {
    if (this.#closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    const refusal = this.#admit(space, holder);
    if (refusal) return Promise.resolve(refusal);
    return new Promise((resolve) => {
      const onAbort = (): void => waiter.finish('aborted');
      const timer = setTimeout(() => waiter.finish('timeout'), timeoutMs);
      let done = false;
      const waiter: Waiter = {
        space,
        holder,
        finish: (outcome) => {
          if (done) return;
          done = true;
          this.#bySpace.remove(space, waiter);
          this.#byHolder.remove(holder, waiter);
          this.#size--;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.#bySpace.add(space, waiter);
      this.#byHolder.add(holder, waiter);
      this.#size++;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiter that `scope` affects: one space, or all of them for {@link ORG_SCOPE}. */
  notify(scope: string): void {
    for (const waiter of this.#bySpace.list(scope === ORG_SCOPE ? undefined : scope)) waiter.finish('changed');
  }

  /** Releases every waiter and refuses new ones (server shutdown). */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#bySpace.list()) waiter.finish('closed');
  }

  // Undefined when a slot is free or was freed for this request; else why none is given.
  #admit(space: string, holder: string): WaitOutcome | undefined {
    const limits = this.#limits;
    if (this.#size < limits.maxWaiters) return undefined;
    if (this.#byHolder.count(holder) >= limits.maxWaitersPerToken) return 'token_share';
    if (this.#bySpace.count(space) >= limits.maxWaitersPerSpace) return 'space_share';
    // This request is within its shares: the slot comes from whoever holds most beyond theirs, its longest waiter first.
    const token = this.#byHolder.mostOver(limits.maxWaitersPerToken);
    const spaceOver = this.#bySpace.mostOver(limits.maxWaitersPerSpace);
    if (token && (!spaceOver || token.excess >= spaceOver.excess)) token.oldest.finish('token_share');
    else if (spaceOver) spaceOver.oldest.finish('space_share');
    else return 'full';
    return undefined;
  }
}
