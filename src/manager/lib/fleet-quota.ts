// The fleet's bounds on who may add instances: how many per space and per token, and how fast a token may add new instance ids.

/** How many instances the fleet records, and how fast one token may add new ones (README, "Limits"). */
export interface FleetLimits {
  /** Most instances recorded per space; reads by more are served, not recorded. */
  instancesPerSpace: number;
  /** Most instances recorded for one token, over every space it reads. */
  instancesPerToken: number;
  /** New instance ids one token may record at once: a fleet that starts together after a deploy. */
  newInstancesBurst: number;
  /** New instance ids one token may record per minute once its burst is spent. */
  newInstancesPerMinute: number;
}

/** Defaults of {@link FleetLimits}: room for a few hundred instances per token starting at once, and for ids that change on every restart. */
export const DEFAULT_FLEET_LIMITS: FleetLimits = {
  instancesPerSpace: 10_000,
  instancesPerToken: 2_000,
  newInstancesBurst: 500,
  newInstancesPerMinute: 60,
};

/** A token that hit its quota, or a full space, is logged at most this often. */
const WARN_EVERY_MS = 3_600_000;

/** What a token may still add: a token bucket, refilled continuously. */
interface Bucket {
  left: number;
  at: number;
}

/**
 * Decides whether a new instance is recorded, and counts the recorded ones
 * per space and per token (the token that first recorded it). A refusal
 * never fails the read that asked: the instance is just not recorded.
 */
export class FleetQuota {
  readonly #perSpace = new Map<string, number>();
  readonly #perToken = new Map<string, number>();
  /** One bucket per token that recorded a new id: as many as the manager has issued tokens. */
  readonly #buckets = new Map<string, Bucket>();
  /** When each refusal reason (a token's, a space's) was last logged. */
  readonly #warned = new Map<string, number>();

  constructor(
    readonly limits: FleetLimits,
    private readonly now: () => number,
    private readonly onLimit: (message: string) => void,
  ) {}

  /** Whether a new instance of `space`, read with the token `tokenId`, may be recorded; if so, spends one of the token's new ids. */
  admit(space: string, tokenId: string): boolean {
    const inSpace = this.#perSpace.get(space) ?? 0;
    if (inSpace >= this.limits.instancesPerSpace) {
      this.#warn(`space ${space}`, `space '${space}' has ${inSpace} instances recorded, its limit (instancesPerSpace): reads by new instances are served, not recorded`);
      return false;
    }
    const ofToken = this.#perToken.get(tokenId) ?? 0;
    if (ofToken >= this.limits.instancesPerToken) {
      this.#warn(`token ${tokenId}`, `token ${tokenId} has ${ofToken} instances recorded, its quota (instancesPerToken): reads by its new instances are served, not recorded`);
      return false;
    }
    const bucket = this.#refill(tokenId);
    if (bucket.left < 1) {
      this.#warn(
        `token ${tokenId}`,
        `token ${tokenId} names new instances faster than its quota (newInstancesBurst ${this.limits.newInstancesBurst}, then ${this.limits.newInstancesPerMinute} a minute): reads by its new instances are served, not recorded`,
      );
      return false;
    }
    bucket.left -= 1;
    return true;
  }

  /** Counts a recorded instance (admitted, or loaded from the database); `tokenId` null for one recorded before tokens were counted. */
  added(space: string, tokenId: string | null): void {
    this.#perSpace.set(space, (this.#perSpace.get(space) ?? 0) + 1);
    if (tokenId !== null) this.#perToken.set(tokenId, (this.#perToken.get(tokenId) ?? 0) + 1);
  }

  /** Stops counting a forgotten or expired instance. */
  removed(space: string, tokenId: string | null): void {
    decrement(this.#perSpace, space);
    if (tokenId !== null) decrement(this.#perToken, tokenId);
  }

  #refill(tokenId: string): Bucket {
    const now = this.now();
    const { newInstancesBurst: burst, newInstancesPerMinute: perMinute } = this.limits;
    let bucket = this.#buckets.get(tokenId);
    if (!bucket) {
      bucket = { left: burst, at: now };
      this.#buckets.set(tokenId, bucket);
      return bucket;
    }
    bucket.left = Math.min(burst, bucket.left + (Math.max(0, now - bucket.at) * perMinute) / 60_000);
    bucket.at = now;
    return bucket;
  }

  // Once per reason per hour, never per request: a flood would otherwise fill the log. Names a token by id, never the token.
  #warn(reason: string, message: string): void {
    const now = this.now();
    const last = this.#warned.get(reason);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    this.#warned.set(reason, now);
    this.onLimit(message);
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 1) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
