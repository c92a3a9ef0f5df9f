// The manager's HTTP application: middleware order, routers and error handling in one place.
import { join } from 'node:path';
import express from 'express';
import { USAGE_REPORT_MAX_KEYS } from '../../../shared/fleet-wire';
import type { Express } from 'express';
import type { AuditStore } from '../audit-store';
import { waiterLimits } from '../change-feed';
import type { ChangeFeed, WaiterLimits } from '../change-feed';
import type { FleetStore } from '../fleet-store';
import type { Logger } from '../logger';
import type { ManagerMetrics } from '../metrics/metrics';
import { methodLabel, routeOf } from '../metrics/routes';
import type { ManagerOperations } from '../manager-operations';
import type { SecretStore } from '../secret-store';
import type { TokenStore } from '../token-store';
import { DEFAULT_CONNECTION_LIMITS } from '../connection-guard';
import { authenticate, principalOf, refuseOthersWrites } from './auth';
import { AuthGuard, DEFAULT_AUTH_LIMITS } from './auth-guard';
import { BodiesInFlight } from './bodies-in-flight';
import { jsonBody } from './json-body';
import type { AuthLimits } from './auth-guard';
import { Sessions, sessionRoutes, signIn, signOut } from './sessions';
import { errorHandler, notFoundHandler } from './error-handler';
import { metricsRoute } from './metrics-route';
import { secretsRoutes } from './secrets-routes';
import { tokensRoutes } from './tokens-routes';
import { operationsRoutes } from './operations-routes';

/** The path of a plugin's usage report under `/v1`, the only write a read token makes. */
const USAGE_PATH = /^\/spaces\/[^/]+\/instances\/[^/]+\/usage$/;

/** Where the build puts the console (dist/console, beside dist/manager/lib/http). */
const CONSOLE_DIR = join(__dirname, '../../../console');

/** Tunable limits of the HTTP API; the long-poll slots and their shares are the change feed's (README, "Security and reliability"). */
export interface ApiLimits extends WaiterLimits {
  /** Largest request body, in bytes. */
  bodyBytes: number;
  /** Longest long poll, in seconds. */
  maxWaitSeconds: number;
  /** Failures per address and sign-ins per token per window. */
  auth: AuthLimits;
  /** Largest usage report body, in bytes: room for {@link ApiLimits.usageKeys} keys of the longest names. */
  usageBodyBytes: number;
  /** Most keys one usage report may name. */
  usageKeys: number;
  /** Requests with a body one token (or, for a sign-in, one address) may have on their way at once. */
  bodiesPerClient: number;
}

/** The limits `given`, the rest by default; a token's and a space's share follow `maxWaiters` unless given. */
export function resolveLimits(given: Partial<ApiLimits> = {}): ApiLimits {
  return {
    bodyBytes: given.bodyBytes ?? 256 * 1024,
    maxWaitSeconds: given.maxWaitSeconds ?? 120,
    auth: given.auth ?? DEFAULT_AUTH_LIMITS,
    usageBodyBytes: given.usageBodyBytes ?? 160 * 1024,
    usageKeys: given.usageKeys ?? USAGE_REPORT_MAX_KEYS,
    bodiesPerClient: given.bodiesPerClient ?? 8,
    ...waiterLimits(given),
  };
}

/** Defaults for {@link ApiLimits}. */
export const DEFAULT_LIMITS: ApiLimits = resolveLimits();

/** What the application is built from. */
export interface AppDeps {
  secrets: SecretStore;
  tokens: TokenStore;
  feed: ChangeFeed;
  fleet: FleetStore;
  audit: AuditStore;
  instanceId: string;
  logger: Logger;
  limits?: Partial<ApiLimits>;
  /** The time a request's body may take (the connections' `requestTimeoutMs`): what a refused body is asked to wait. */
  bodyTimeoutMs?: number;
  /** The guard of authentication, when it is shared with the refusal path in front of Express (server.ts). */
  guard?: AuthGuard;
  /** The Prometheus metrics: every answer is counted there, and `GET /metrics` serves them (README, "Operate the Secret Manager"). */
  metrics?: ManagerMetrics;
  /** Backups and master-key rotations (`POST /v1/backup`, `POST /v1/master-key/rotate`). */
  operations?: ManagerOperations;
}

/** Builds the Express application serving `/healthz` and the `/v1` API. */
export function createApp(deps: AppDeps): Express {
  const limits = resolveLimits(deps.limits);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings and bodies stay out of the log.
      const path = req.originalUrl.split('?')[0] ?? '';
      const line = `${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`;
      // The route pattern, never the path, is what metrics count by: a path a client makes up adds no label value.
      const method = methodLabel(req.method);
      const route = routeOf(req.originalUrl);
      deps.metrics?.requests.countRoute(method, route, res.statusCode);
      const fields = { method, path, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      // Reads and the fleet's usage reports are the plugins' routine traffic, and a 429 is a flood already refused (its limit keeps
      // a folded record: the audit's auth.limit and session.limit, the bodies' warning): at debug, so no flood of them floods the log.
      const routine = req.method === 'GET' || res.statusCode === 429 || (path.startsWith('/v1/') && USAGE_PATH.test(path.slice('/v1'.length)));
      if (routine) deps.logger.debug(line, fields);
      else deps.logger.info(line, fields);
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const v1 = express.Router();
  v1.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const sessions = new Sessions(deps.tokens);
  const guard = deps.guard ?? new AuthGuard(deps.audit, deps.logger, limits.auth);
  // Bodies on their way are bounded per client before any is read: per address for a sign-in (no token yet), else per token.
  const retryAfter = Math.ceil((deps.bodyTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs) / 1000);
  const perAddress = new BodiesInFlight({ max: limits.bodiesPerClient, retryAfterSeconds: retryAfter, whose: 'this address', logger: deps.logger });
  const perToken = new BodiesInFlight({ max: limits.bodiesPerClient, retryAfterSeconds: retryAfter, whose: 'this token', logger: deps.logger });
  v1.post('/session', perAddress.limit((req) => req.ip ?? ''), jsonBody(4096), signIn(deps.tokens, sessions, guard));
  v1.delete('/session', signOut(sessions, guard));
  v1.use(authenticate(deps.tokens, sessions, guard));
  v1.use(refuseOthersWrites(USAGE_PATH));
  v1.use(perToken.limit((_req, res) => principalOf(res).id));
  // A usage report is names and counts: its own, smaller bound, read before the general one (which then skips the body).
  v1.put('/spaces/:space/instances/:id/usage', jsonBody(limits.usageBodyBytes));
  v1.use(jsonBody(limits.bodyBytes));
  v1.use(sessionRoutes());
  v1.use(
    secretsRoutes({
      secrets: deps.secrets,
      tokens: deps.tokens,
      feed: deps.feed,
      fleet: deps.fleet,
      instanceId: deps.instanceId,
      maxWaitSeconds: limits.maxWaitSeconds,
      usageKeys: limits.usageKeys,
    }),
  );
  v1.use(tokensRoutes(deps.tokens, deps.audit));
  if (deps.operations) v1.use(operationsRoutes(deps.operations));
  app.use('/v1', v1);
  // Prometheus sends a bearer token (README, "Operate the Secret Manager"): wrong ones count against the address like any other.
  if (deps.metrics) app.get('/metrics', authenticate(deps.tokens, sessions, guard), metricsRoute(deps.metrics));

  // The web console (README, "The web console"): static files only, same origin as the API, no inline script.
  app.use((_req, res, next) => {
    res.set('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(express.static(CONSOLE_DIR, { index: 'index.html', maxAge: 0 }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
