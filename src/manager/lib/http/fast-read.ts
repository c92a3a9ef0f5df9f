// The plugin's plain read (`GET /v1/spaces/{space}/secrets`, no long poll) answered on node:http, in front of Express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FleetStore } from '../fleet-store';
import { INSTANCE_HEADER } from '../../../shared/fleet-wire';
import type { Logger } from '../logger';
import type { RequestCounts } from '../metrics/request-counts';
import type { SecretStore } from '../secret-store';
import type { TokenStore } from '../token-store';
import { nameProblem } from '../../../shared/names';
import { readAnswer } from './secrets-read';

/** What the fast path reads from. */
export interface FastReadDeps {
  secrets: SecretStore;
  tokens: TokenStore;
  fleet: FleetStore;
  instanceId: string;
  logger: Logger;
  /** Where each answer is counted (plain integers: README, "Operate the Secret Manager"). */
  requests?: RequestCounts;
}

const PATH = /^\/v1\/spaces\/([^/?]+)\/secrets$/;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * A request handler that answers the one request a fleet sends all day, a
 * poll of its space's secrets, without Express: the same checks (active
 * token that may read the space), and the answer of the Express route, from
 * one definition (`readAnswer`). Returns false, having written nothing, for anything
 * else, so Express answers it, errors included, in one place (README,
 * "Performance").
 */
export function fastRead(deps: FastReadDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const answer = answerRead(deps);
  return (req, res) => {
    try {
      return answer(req, res);
    } catch (error) {
      // Nothing here may stop the server: before the answer is under way, Express takes the request and answers
      // any error the usual way; after it, the answer stands and the error is logged.
      if (!res.headersSent) {
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.statusCode = 200;
        return false;
      }
      deps.logger.warn(`GET ${req.url ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
  };
}

function answerRead(deps: FastReadDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' || req.url === undefined) return false;
    const match = PATH.exec(req.url);
    const space = match?.[1];
    if (space === undefined || nameProblem(space) !== undefined) return false;
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return false;
    const principal = deps.tokens.authenticate(token);
    if (!principal || (principal.role !== 'admin' && principal.space !== space)) return false;
    const started = process.hrtime.bigint();
    const answer = readAnswer(deps, { space, tokenId: principal.id, instance: header(req, INSTANCE_HEADER), ifNoneMatch: header(req, 'if-none-match') });
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    if (answer.body === undefined) {
      res.end();
      if (deps.requests) deps.requests.fastNotModified++;
    } else {
      res.setHeader('Content-Length', Buffer.byteLength(answer.body));
      res.end(answer.body);
      if (deps.requests) deps.requests.fastOk++;
    }
    // Reads log at debug, as every GET the Express app answers; the path only.
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    deps.logger.debug(`GET /v1/spaces/${space}/secrets ${res.statusCode} ${ms.toFixed(1)}ms`, {
      method: 'GET',
      path: `/v1/spaces/${space}/secrets`,
      route: '/v1/spaces/:space/secrets',
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    });
    return true;
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
