// Requests answered, by method, route pattern and status, in plain integers that the metrics read at scrape time.
import { methodLabel, routeOf } from './routes';

/** One counted combination of method, route pattern and status. */
export interface RequestTally {
  method: string;
  route: string;
  status: number;
  count: number;
}

/** The fast path's one route (README, "Performance"): the plugin's plain read. */
const FAST_ROUTE = '/v1/spaces/:space/secrets';
/** The health check, also answered in front of Express. */
const HEALTHZ_ROUTE = '/healthz';

/**
 * Counts answered requests without any work per request beyond an integer
 * increment on the fleet's fast read and the health check, and one map lookup elsewhere. Keys are
 * bounded: seven methods and `other`, the routes of {@link routeOf}'s table,
 * and the status codes the manager answers with; a path a client makes up
 * counts under `other`, so no flood of paths grows this (README, "Operate the
 * Secret Manager").
 */
export class RequestCounts {
  /** The fast read's `304 Not Modified` answers: the fleet's steady state. */
  fastNotModified = 0;
  /** The fast read's `200` answers (a change, or no ETag yet). */
  fastOk = 0;
  /** `GET /healthz` answered in front of Express (`http/fast-healthz.ts`). */
  healthz = 0;
  readonly #tallies = new Map<string, RequestTally>();

  /** Counts a request to `url` (its query is looked at only for the long poll) answered with `status`. */
  count(method: string | undefined, url: string, status: number): void {
    this.countRoute(methodLabel(method), routeOf(url), status);
  }

  /** Counts a request already classified. */
  countRoute(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const tally = this.#tallies.get(key);
    if (tally) tally.count++;
    else this.#tallies.set(key, { method, route, status, count: 1 });
  }

  /** Every combination counted so far, the fast read's included. */
  tallies(): RequestTally[] {
    const all = [...this.#tallies.values()].map((t) => ({ ...t }));
    const integers = [
      [FAST_ROUTE, 304, this.fastNotModified],
      [FAST_ROUTE, 200, this.fastOk],
      [HEALTHZ_ROUTE, 200, this.healthz],
    ] as const;
    for (const [route, status, count] of integers) {
      if (count === 0) continue;
      const same = all.find((t) => t.method === 'GET' && t.route === route && t.status === status);
      if (same) same.count += count;
      else all.push({ method: 'GET', route, status, count });
    }
    return all;
  }
}
