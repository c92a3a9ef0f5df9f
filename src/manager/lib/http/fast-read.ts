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

const PREFIX = '/v1/spaces/';
const SUFFIX = '/secrets';

function answerRead(deps: FastReadDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return false;
    // What lies between is the space; the name rule refuses a `/` or a `?` in it, so this matches `^/v1/spaces/([^/?]+)/secrets$` without a regex.
    const space = url.slice(PREFIX.length, url.length - SUFFIX.length);
    if (nameProblem(space) !== undefined) return false;
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return false;
    const principal = deps.tokens.authenticate(token);
    if (!principal || (principal.role !== 'admin' && principal.space !== space)) return false;
    // Timed only when the line is written: a poll at the default level costs no clock and no string.
    const logged = deps.logger.enabled('debug');
    const started = logged ? performance.now() : 0;
    const answer = readAnswer(deps, { space, tokenId: principal.id, instance: header(req, INSTANCE_HEADER), ifNoneMatch: header(req, 'if-none-match') });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    if (deps.requests) {
      if (answer.body === undefined) deps.requests.fastNotModified++;
      else deps.requests.fastOk++;
    }
    if (logged) {
      // Reads log at debug, as every GET the Express app answers; the path only.
      const ms = performance.now() - started;
      deps.logger.debug(`GET /v1/spaces/${space}/secrets ${answer.status} ${ms.toFixed(1)}ms`, {
        method: 'GET',
        path: `/v1/spaces/${space}/secrets`,
        route: '/v1/spaces/:space/secrets',
        status: answer.status,
        ms: Math.round(ms * 10) / 10,
      });
    }
    return true;
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
