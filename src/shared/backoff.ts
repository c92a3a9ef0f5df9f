// The one backoff curve of the plugin: exponential, jittered, capped. Sync retries and the watch loop both wait by it.

/** The shape of a backoff: first delay, cap, growth per attempt. */
export interface Backoff {
  minMs: number;
  maxMs: number;
  factor: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry):
 * `minMs × factor^(attempt − 1)`, times a random 1 to 2 so a fleet does not
 * retry in step, never more than `maxMs`.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const base = backoff.minMs * backoff.factor ** Math.max(0, attempt - 1);
  return Math.round(Math.min(backoff.maxMs, base * (1 + random())));
}
