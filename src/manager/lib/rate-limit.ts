// Fixed-window counters with a bound on their keys: how many failures an address, or sign-ins a token, may have per window.

/** Options of {@link RateLimiter}. */
export interface RateLimitOptions {
  /** Events allowed per key and window; the next ones are refused until the window ends. */
  max: number;
  windowMs: number;
  /** Most keys counted at once; keys beyond share one window. */
  maxKeys: number;
  now?: () => number;
}

/** The key under which keys beyond {@link RateLimitOptions.maxKeys} are counted together. */
export const SHARED_KEY = '*';

/**
 * Counts events per key in fixed windows that start with a key's first
 * event. Memory is bounded: ended windows are dropped as new events come,
 * and once `maxKeys` windows are open, new keys share one window (so a flood
 * from many addresses is limited as one client, never given a budget each).
 */
export class RateLimiter {
  /** Open windows in the order they started, which is also the order they end in. */
  readonly #windows = new Map<string, { ends: number; count: number }>();
  readonly #now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Counts one event of `key`: 0 while within the budget, else the whole seconds until its window ends (for Retry-After). */
  hit(key: string): number {
    const now = this.#now();
    this.#dropEnded(now);
    let window = this.#windows.get(key);
    if (!window && this.#windows.size >= this.options.maxKeys) window = this.#windows.get((key = SHARED_KEY));
    if (!window) {
      window = { ends: now + this.options.windowMs, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    return window.count > this.options.max ? Math.max(1, Math.ceil((window.ends - now) / 1000)) : 0;
  }

  /** How many windows are open (for the bound's test). */
  get size(): number {
    return this.#windows.size;
  }

  #dropEnded(now: number): void {
    // Windows all last windowMs, so insertion order is end order: stop at the first still open.
    for (const [key, window] of this.#windows) {
      if (window.ends > now) return;
      this.#windows.delete(key);
    }
  }
}
