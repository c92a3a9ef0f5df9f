// How many requests with a body one token (or, before a token is known, one address) may have on their way at once.
import type { NextFunction, Request, Response } from 'express';
import { declaresBody } from '../connection-guard';
import { ManagerError } from '../errors';
import type { Logger } from '../logger';

/** How often the refusals may be logged. */
const WARN_EVERY_MS = 60_000;

/** Options of {@link BodiesInFlight}. */
export interface BodiesInFlightOptions {
  /** Bodies one key may have on their way at once. */
  max: number;
  /** What a refusal asks to wait: the time a body may take. */
  retryAfterSeconds: number;
  /** How a refusal names the key, e.g. "this token". */
  whose: string;
  logger: Logger;
}

/**
 * Counts, per client key, the requests whose body is still arriving, and
 * refuses one beyond `max` with `429 rate_limited` and `Retry-After` before
 * its body is read (the connection guard then closes the connection). A body
 * stops counting once it has been read or the request is answered. So one
 * token, or one address, cannot hold many sockets and partial bodies by
 * sending them slowly (README, "Connections and long polls under load").
 * The map is bounded by construction: a key is kept only while one of its
 * bodies is on its way, each on an open connection, so there are never more
 * keys than connections. Refusals are logged as a count, at most once a
 * minute, never with the key (a token's id or an address is the client's).
 */
export class BodiesInFlight {
  readonly #counts = new Map<string, number>();
  #refused = 0;
  #warnedAt = -Infinity;

  constructor(private readonly options: BodiesInFlightOptions) {}

  /** Middleware counting each request with a body under `keyOf(req, res)`. */
  limit(keyOf: (req: Request, res: Response) => string) {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!declaresBody(req) || req.complete) {
        next();
        return;
      }
      const key = keyOf(req, res);
      const count = this.#counts.get(key) ?? 0;
      const { max, retryAfterSeconds, whose } = this.options;
      if (count >= max) {
        this.#warn();
        res.set('Retry-After', String(retryAfterSeconds));
        throw new ManagerError('rate_limited', 429, `Too many request bodies on their way from ${whose} (at most ${max} at once): retry in ${retryAfterSeconds} s`);
      }
      this.#counts.set(key, count + 1);
      let counted = true;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        const left = (this.#counts.get(key) ?? 1) - 1;
        if (left > 0) this.#counts.set(key, left);
        else this.#counts.delete(key);
      };
      req.once('end', release);
      res.once('close', release);
      next();
    };
  }

  #warn(): void {
    this.#refused++;
    const now = Date.now();
    if (now - this.#warnedAt < WARN_EVERY_MS) return;
    this.#warnedAt = now;
    this.options.logger.warn(
      `refused ${this.#refused} request(s) with a body beyond ${this.options.max} on their way from ${this.options.whose} since this was last logged; see README "Connections and long polls under load"`,
    );
    this.#refused = 0;
  }
}
