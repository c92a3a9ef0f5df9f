// How many requests with a body one token (or, before a token is known, one address) may have on their way at once.
import type { NextFunction, Request, Response } from 'express';
import { declaresBody } from '../connection-guard';
import { ManagerError } from '../errors';

/**
 * Counts, per client key, the requests whose body is still arriving, and
 * refuses one beyond `max` with `429 rate_limited` and `Retry-After` before
 * its body is read (the connection guard then closes the connection). A body
 * stops counting once it has been read or the request is answered. So one
 * token, or one address, cannot hold many sockets and partial bodies by
 * sending them slowly (README, "Connections and long polls under load").
 * The map is bounded by construction: a key is kept only while one of its
 * bodies is in flight, each on an open connection, so there are never more
 * keys than connections.
 */
export class BodiesInFlight {
  readonly #counts = new Map<string, number>();

  /**
   * @param max bodies one key may have in flight at once
   * @param retryAfterSeconds what a refusal asks to wait: the time a body may take
   * @param whose how a refusal names the key, e.g. "this token"
   */
  constructor(
    private readonly max: number,
    private readonly retryAfterSeconds: number,
    private readonly whose: string,
  ) {}

  /** Middleware counting each request with a body under `keyOf(req, res)`. */
  limit(keyOf: (req: Request, res: Response) => string) {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!declaresBody(req) || req.complete) {
        next();
        return;
      }
      const key = keyOf(req, res);
      const count = this.#counts.get(key) ?? 0;
      if (count >= this.max) {
        res.set('Retry-After', String(this.retryAfterSeconds));
        throw new ManagerError('rate_limited', 429, `Too many request bodies on their way from ${this.whose} (at most ${this.max} at once): retry in ${this.retryAfterSeconds} s`);
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
}
