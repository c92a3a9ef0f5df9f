// Wrong bearer tokens refused on node:http, in front of Express: a guessing flood costs the manager as little as a poll.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { RequestCounts } from '../metrics/request-counts';
import { methodLabel, routeOf } from '../metrics/routes';
import type { TokenStore } from '../token-store';
import type { AuthGuard } from './auth-guard';
import { WRONG_TOKENS } from './auth-guard';

/** What the refusal path checks with. */
export interface FastRefuseDeps {
  tokens: TokenStore;
  guard: AuthGuard;
  logger: Logger;
  /** Where each refusal is counted, by route pattern (README, "Operate the Secret Manager"). */
  requests?: RequestCounts;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
/** The 401 answer, the same every time: no error object (and stack) is built per guess. */
const UNAUTHORIZED = JSON.stringify({ error: 'unauthorized', message: 'The token is unknown or has been revoked' });

/**
 * A request handler that answers a `/v1` request carrying a bearer token the
 * manager does not know (or has revoked) with the very answer Express would
 * give, `401 unauthorized`, or `429 rate_limited` once the address is over its
 * budget, counted by the same {@link AuthGuard}; returns false, having written
 * nothing, for every other request. A flood of guesses then never reaches
 * Express, whose per-request cost is what kept a plugin's read waiting
 * (README, "Performance").
 */
export function fastRefuse(deps: FastRefuseDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const refuse = refusal(deps);
  return (req, res) => {
    try {
      return refuse(req, res);
    } catch (error) {
      // Nothing here may stop the server: before an answer is under way, Express takes the request and answers it.
      deps.logger.warn(`${req.method ?? ''} ${req.url?.split('?')[0] ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
      return res.headersSent;
    }
  };
}

function refusal(deps: FastRefuseDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    // Sign-in and sign-out carry no bearer token that counts: Express answers them.
    if (req.url === undefined || !req.url.startsWith('/v1/') || req.url.startsWith('/v1/session')) return false;
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || deps.tokens.authenticate(token)) return false;
    const retryAfter = deps.guard.wrongTokenFrom(req.socket.remoteAddress ?? '');
    const body = retryAfter > 0 ? JSON.stringify({ error: 'rate_limited', message: `${WRONG_TOKENS}: retry in ${retryAfter} s` }) : UNAUTHORIZED;
    res.statusCode = retryAfter > 0 ? 429 : 401;
    if (retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
    else res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    const method = methodLabel(req.method);
    const route = routeOf(req.url);
    deps.requests?.countRoute(method, route, res.statusCode);
    const path = req.url.split('?')[0] ?? '';
    deps.logger.debug(`${req.method ?? ''} ${path} ${res.statusCode}`, { method, path, route, status: res.statusCode });
    return true;
  };
}
