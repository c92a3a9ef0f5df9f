// Routes for secrets: the plugin's read API (ETag, long poll) and management of space and organization secrets.
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { AuditStore } from '../audit-store';
import type { ChangeFeed, WaitOutcome } from '../change-feed';
import { INSTANCE_HEADER, USAGE_WANTED_HEADER } from '../../../shared/fleet-wire';
import { parseInstanceHeader, parseUsageBody } from './instance-input';
import type { FleetStore } from '../fleet-store';
import { ManagerError, badRequest } from '../errors';
import type { Scope, SecretStore } from '../secret-store';
import type { TokenStore } from '../token-store';
import { assertSpaceName, parseCreateBody, parsePatchBody } from '../validation';
import { principalOf, requireAdmin, requireSpaceMeta, requireSpaceRead, requireViewer, viaSession } from './auth';
import { requireJson } from './json-body';

/** What the secrets routes need. */
export interface SecretsRouteDeps {
  secrets: SecretStore;
  tokens: TokenStore;
  feed: ChangeFeed;
  fleet: FleetStore;
  audit: AuditStore;
  instanceId: string;
  /** Longest long poll a client may ask for, in seconds. */
  maxWaitSeconds: number;
}

/** What a long poll refused a slot answers: the slots (shared fairly by the change feed) are full, or the token or space holds more than its share. */
const REFUSED: Partial<Record<WaitOutcome, () => ManagerError>> = {
  full: () => new ManagerError('too_many_waiters', 503, 'Too many long polls are open; retry later'),
  token_share: () => new ManagerError('too_many_waiters_for_token', 429, 'This token holds more than its share of the long polls; retry later'),
  space_share: () => new ManagerError('too_many_waiters_for_space', 429, 'This space holds more than its share of the long polls; retry later'),
};

/** The `Retry-After` of a refused long poll, in seconds: a while, so a refused watch reads on a slow poll meanwhile. */
export const WAIT_RETRY_AFTER_SECONDS = 30;

/** Parses `?wait=S&version=N`; `wait` 0 (or absent) means answer now. */
export function parseWaitQuery(query: Request['query'], maxWaitSeconds: number): { wait: number; version: number } {
  const { wait, version } = query;
  if (wait === undefined) return { wait: 0, version: -1 };
  if (typeof wait !== 'string' || !/^\d{1,6}$/.test(wait) || Number(wait) > maxWaitSeconds) {
    throw badRequest('invalid_query', `wait must be a whole number of seconds from 0 to ${maxWaitSeconds}`, 'wait');
  }
  if (typeof version !== 'string' || !/^\d{1,15}$/.test(version)) {
    throw badRequest('invalid_query', 'version is required with wait and must be a whole number', 'version');
  }
  return { wait: Number(wait), version: Number(version) };
}

/**
 * Whether If-None-Match lists `etag` (RFC 9110 §13.1.2, weak comparison). Not
 * `req.fresh`: it gives up on `Cache-Control: no-cache`, which fetch() adds to
 * every conditional request, while an origin server must still evaluate it.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The ETag of `version` of a space: the database's id keeps a recreated database from matching an old tag. */
export function etagFor(instanceId: string, version: number): string {
  return `"${instanceId}.${version}"`;
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

function scopeName(scope: Scope): string {
  return scope.kind === 'org' ? 'org' : scope.space;
}

function spaceParam(req: Request): string {
  const space = param(req, 'space');
  assertSpaceName(space);
  return space;
}

/** Builds the router for `/v1/spaces/...` and `/v1/org/...`. */
export function secretsRoutes(deps: SecretsRouteDeps): Router {
  const router = Router();
  const { secrets, feed } = deps;
  const etagOf = (version: number): string => etagFor(deps.instanceId, version);

  // Holds the request until the space's version passes `after`, the deadline passes, or the client leaves.
  const waitForChange = async (res: Response, space: string, after: number, seconds: number): Promise<boolean> => {
    const deadline = Date.now() + seconds * 1000;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    while (secrets.version(space) <= after) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return true;
      const outcome = await feed.wait(space, remaining, abort.signal, principalOf(res).id);
      if (outcome === 'aborted') return false;
      const refused = REFUSED[outcome];
      if (refused) {
        res.set('Retry-After', String(WAIT_RETRY_AFTER_SECONDS));
        throw refused();
      }
      if (outcome !== 'changed') return true;
      // The token may have been revoked while the request waited: it must not receive what changed since.
      if (!deps.tokens.isActive(principalOf(res).id)) {
        throw new ManagerError('unauthorized', 401, 'The token is unknown or has been revoked');
      }
    }
    return true;
  };

  router.get('/spaces/:space/secrets', async (req, res) => {
    const space = spaceParam(req);
    requireSpaceRead(principalOf(res), space);
    // The console shows no value, so a session never reads one (an admin session can still issue tokens: README, "The web console").
    if (viaSession(res)) throw new ManagerError('forbidden', 403, 'Values are read with a token, never with a console session');
    const { wait, version } = parseWaitQuery(req.query, deps.maxWaitSeconds);
    if (wait > 0 && !(await waitForChange(res, space, version, wait))) return;
    const current = secrets.version(space);
    // The fleet view: who read this space, and the version the answer leaves it with (a 304 means it has it).
    const who = parseInstanceHeader(req.get(INSTANCE_HEADER));
    if (who && deps.fleet.seen(space, who, current)) res.set(USAGE_WANTED_HEADER, '1');
    res.set('ETag', etagOf(current));
    if ((wait > 0 && current <= version) || matchesIfNoneMatch(req.get('if-none-match'), etagOf(current))) {
      res.status(304).end();
      return;
    }
    // The serialized answer of this version, computed once: a full read costs about a write of its bytes.
    res.type('application/json').send(secrets.readJson(space).json);
  });

  router.get('/spaces/:space/secrets/meta', (req, res) => {
    const space = spaceParam(req);
    requireSpaceMeta(principalOf(res), space);
    res.json({ space, version: secrets.version(space), secrets: secrets.list({ kind: 'space', space }) });
  });

  router.get('/org/secrets/meta', (_req, res) => {
    requireViewer(principalOf(res));
    const list = secrets.list({ kind: 'org' });
    res.json({ scope: 'org', secrets: list, usage: orgUsage(new Set(list.map((meta) => meta.name))) });
  });

  // Where each organization key is used: in every space, except where a space key of the same name hides it.
  const orgUsage = (names: ReadonlySet<string>): Record<string, { nodes: number; instances: number }> => {
    const usage: Record<string, { nodes: number; instances: number }> = {};
    const hidden = new Map<string, Set<string>>();
    for (const instance of deps.fleet.all()) {
      let own = hidden.get(instance.space);
      if (!own) hidden.set(instance.space, (own = new Set(secrets.list({ kind: 'space', space: instance.space }).map((meta) => meta.name))));
      for (const { key, nodes } of instance.usage) {
        if (nodes === 0 || !names.has(key) || own.has(key)) continue;
        const entry = (usage[key] ??= { nodes: 0, instances: 0 });
        entry.nodes += nodes;
        entry.instances += 1;
      }
    }
    return usage;
  };

  // Deleting a key that deployed flows use breaks them: say who uses it, unless the caller insists (`?force=true`).
  const refuseIfInUse = (scope: Scope, name: string): void => {
    // An organization key is used only where no space key of the same name hides it.
    const users = deps.fleet.usersOf(name, scope.kind === 'space' ? [scope.space] : null).filter(
      (u) => scope.kind === 'space' || !secrets.list({ kind: 'space', space: u.space }).some((m) => m.name === name),
    );
    if (users.length === 0) return;
    const nodes = users.reduce((sum, u) => sum + u.nodes, 0);
    throw new ManagerError('secret_in_use', 409, `'${name}' is used by ${nodes} node(s) in ${users.length} instance(s); delete with ?force=true to go ahead`, undefined, {
      nodes,
      instances: users,
    });
  };

  router.put('/spaces/:space/instances/:id/usage', (req, res) => {
    const space = spaceParam(req);
    const principal = principalOf(res);
    // The instance reports with its own read token; admins may too.
    if (principal.role !== 'admin' && principal.space !== space) throw new ManagerError('forbidden', 403, `This token cannot report for space '${space}'`);
    requireJson(req);
    deps.fleet.setUsage(space, param(req, 'id'), parseUsageBody(req.body));
    res.status(204).end();
  });

  router.get('/spaces', (_req, res) => {
    requireViewer(principalOf(res));
    res.json({ spaces: [...new Set([...secrets.spaces(), ...deps.fleet.spaces()])].sort() });
  });

  router.get('/spaces/:space/instances', (req, res) => {
    const space = spaceParam(req);
    requireViewer(principalOf(res));
    res.json({ space, version: secrets.version(space), instances: deps.fleet.list(space) });
  });

  router.delete('/spaces/:space/instances/:id', (req, res) => {
    const space = spaceParam(req);
    requireAdmin(principalOf(res));
    const id = param(req, 'id');
    deps.fleet.forget(space, id);
    deps.audit.record(principalOf(res), 'instance.forget', { scope: space, target: id, ip: req.ip });
    res.status(204).end();
  });

  const manage = (base: string, scopeOf: (req: Request) => Scope): void => {
    router.post(base, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      requireJson(req);
      const meta = secrets.create(scope, parseCreateBody(req.body));
      deps.audit.record(principalOf(res), 'secret.create', { scope: scopeName(scope), target: meta.name, ip: req.ip });
      res.status(201).location(`${req.baseUrl}${req.path}/${meta.name}`).json(meta);
    });
    router.patch(`${base}/:name`, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      requireJson(req);
      const name = param(req, 'name');
      const meta = secrets.update(scope, name, parsePatchBody(req.body, name));
      deps.audit.record(principalOf(res), 'secret.update', { scope: scopeName(scope), target: name, ip: req.ip });
      res.json(meta);
    });
    router.delete(`${base}/:name`, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      const name = param(req, 'name');
      // A key that is not there is 404, whoever once used a key of that name.
      secrets.assertExists(scope, name);
      if (req.query.force !== 'true') refuseIfInUse(scope, name);
      secrets.delete(scope, name);
      deps.audit.record(principalOf(res), 'secret.delete', { scope: scopeName(scope), target: name, ip: req.ip });
      res.status(204).end();
    });
  };
  manage('/spaces/:space/secrets', (req) => ({ kind: 'space', space: spaceParam(req) }));
  manage('/org/secrets', () => ({ kind: 'org' }));

  return router;
}
