// `GET /healthz` answered on node:http, in front of Express: a monitor's check costs the manager as little as a bare server's answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { RequestCounts } from '../metrics/request-counts';

/** What the health check counts and logs with. */
export interface FastHealthzDeps {
  logger: Logger;
  /** Where each answer is counted (a plain integer: README, "Operate the Secret Manager"). */
  requests?: RequestCounts;
}

/** The one answer, encoded once: what Express's `res.json({ status: 'ok' })` sends. */
const BODY = Buffer.from(JSON.stringify({ status: 'ok' }));
const HEADERS = ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(BODY.length)];

/**
 * A request handler that answers `GET /healthz` (no query) with
 * `{ "status": "ok" }`, the same bytes as the Express route, counted and
 * logged as Express counts and logs it; returns false, having written nothing,
 * for every other request (README, "Performance").
 */
export function fastHealthz(deps: FastHealthzDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.url !== '/healthz' || req.method !== 'GET') return false;
    const logged = deps.logger.enabled('debug');
    const started = logged ? performance.now() : 0;
    res.writeHead(200, HEADERS);
    res.end(BODY);
    if (deps.requests) deps.requests.healthz++;
    if (logged) {
      // A GET is routine: at debug, as the Express app logs it.
      const ms = performance.now() - started;
      deps.logger.debug(`GET /healthz 200 ${ms.toFixed(1)}ms`, { method: 'GET', path: '/healthz', route: '/healthz', status: 200, ms: Math.round(ms * 10) / 10 });
    }
    return true;
  };
}
