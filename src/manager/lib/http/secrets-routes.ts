// Routes for secrets: the plugin's read API (ETag, long poll) and management of space and organization secrets.
import { Router } from 'express';
import type { Request, Response } from 'express';
import { tokenActor } from '../audit-store';
import type { Actor } from '../audit-store';
import type { ChangeFeed, WaitOutcome } from '../change-feed';
import { INSTANCE_HEADER, USAGE_DROPPED_HEADER } from '../../../shared/fleet-wire';
import { droppedKeysHeader, parsePageQuery, parseUsageBody } from './instance-input';
import { readAnswer } from './secrets-read';
import type { FleetStore, KeyTotals } from '../fleet-store';
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
  instanceId: string;
  /** Longest long poll a client may ask for, in seconds. */
  maxWaitSeconds: number;
  /** Most keys one usage report may name. */
  usageKeys: number;
}

/** The most instances a `secret_in_use` answer names (the sums count them all). */
const USERS_NAMED = 100;

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

/** "1 node", "3 nodes". */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

/** Who makes the change `req` asks for: its token, from its address. */
function actorOf(req: Request, res: Response): Actor {
  return tokenActor(principalOf(res), req.ip);
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
    // A version this database never reached was read from another one (before a restore): the client's copy is not this
    // database's, so it gets the answer at once rather than waiting for a version that may never come.
    const elsewhere = wait > 0 && version > secrets.version(space);
    if (wait > 0 && !elsewhere && !(await waitForChange(res, space, version, wait))) return;
    const answer = readAnswer(deps, {
      space,
      tokenId: principalOf(res).id,
      instance: req.get(INSTANCE_HEADER),
      ifNoneMatch: req.get('if-none-match'),
      waitedPast: wait > 0 && !elsewhere ? version : undefined,
    });
    res.status(answer.status);
    for (let i = 0; i < answer.headers.length; i += 2) res.setHeader(answer.headers[i]!, answer.headers[i + 1]!);
    res.end(answer.body);
  });

  router.get('/spaces/:space/secrets/meta', (req, res) => {
    const space = spaceParam(req);
    const principal = principalOf(res);
    requireSpaceMeta(principal, space);
    const list = secrets.list({ kind: 'space', space });
    // Where each key is used is the fleet's view: admins and viewers see it, a read token does not.
    const usage = principal.role === 'read' ? {} : { usage: spaceUsage(space, new Set(list.map((meta) => meta.name))) };
    res.json({ space, version: secrets.version(space), secrets: list, ...usage });
  });

  router.get('/org/secrets/meta', (_req, res) => {
    requireViewer(principalOf(res));
    const list = secrets.list({ kind: 'org' });
    res.json({ scope: 'org', secrets: list, usage: orgUsage(new Set(list.map((meta) => meta.name))) });
  });

  // Where each space key is used, from the fleet's index: as many steps as keys used, no instance's report read.
  const spaceUsage = (space: string, names: ReadonlySet<string>): Record<string, KeyTotals> =>
    Object.fromEntries([...deps.fleet.keyTotals(space)].filter(([key]) => names.has(key)));

  // Where each organization key is used: in every space, except where a space key of the same name hides it.
  const orgUsage = (names: ReadonlySet<string>): Record<string, KeyTotals> => {
    const usage = new Map<string, KeyTotals>();
    for (const space of deps.fleet.usageSpaces()) {
      for (const [key, totals] of deps.fleet.keyTotals(space)) {
        if (!names.has(key) || secrets.has({ kind: 'space', space }, key)) continue;
        const entry = usage.get(key) ?? { nodes: 0, instances: 0 };
        usage.set(key, { nodes: entry.nodes + totals.nodes, instances: entry.instances + totals.instances });
      }
    }
    return Object.fromEntries(usage);
  };

  // Deleting a key that deployed flows use breaks them: say who uses it, unless the caller insists (`?force=true`).
  const refuseIfInUse = (scope: Scope, name: string): void => {
    // An organization key is used only where no space key of the same name hides it.
    const include = scope.kind === 'space' ? (space: string) => space === scope.space : (space: string) => !secrets.has({ kind: 'space', space }, name);
    const { nodes, instances, users } = deps.fleet.usersOf(name, include, USERS_NAMED);
    if (instances === 0) return;
    throw new ManagerError('secret_in_use', 409, `'${name}' is used by ${counted(nodes, 'node')} in ${counted(instances, 'instance')}; delete with ?force=true to go ahead`, undefined, {
      nodes,
      instanceCount: instances,
      instances: users,
    });
  };

  router.put('/spaces/:space/instances/:id/usage', (req, res) => {
    const space = spaceParam(req);
    const principal = principalOf(res);
    // The instance reports with its own read token; admins may too.
    if (principal.role !== 'admin' && principal.space !== space) throw new ManagerError('forbidden', 403, `This token cannot report for space '${space}'`);
    requireJson(req);
    const usage = parseUsageBody(req.body, deps.usageKeys);
    // Only keys the space has are kept: a report cannot make another space's key, or one not created yet, look used.
    const dropped = deps.fleet.setUsage(space, param(req, 'id'), usage, (key) => secrets.sees(space, key), secrets.version(space));
    if (dropped.length > 0) res.set(USAGE_DROPPED_HEADER, droppedKeysHeader(dropped));
    res.status(204).end();
  });

  router.get('/spaces', (_req, res) => {
    requireViewer(principalOf(res));
    res.json({ spaces: [...new Set([...secrets.spaces(), ...deps.fleet.spaces()])].sort() });
  });

  router.get('/spaces/:space/instances', (req, res) => {
    const space = spaceParam(req);
    requireViewer(principalOf(res));
    const { limit, after } = parsePageQuery(req.query);
    const version = secrets.version(space);
    // One page at a time, in id order, so no answer grows with the fleet; `next` is the cursor of the next page.
    const { instances, next } = deps.fleet.page(space, limit, after);
    res.json({ space, version, instances, ...deps.fleet.tally(space, version), next });
  });

  router.delete('/spaces/:space/instances/:id', (req, res) => {
    const space = spaceParam(req);
    requireAdmin(principalOf(res));
    const id = param(req, 'id');
    deps.fleet.forget(space, id, actorOf(req, res));
    res.status(204).end();
  });

  const manage = (base: string, scopeOf: (req: Request) => Scope): void => {
    router.post(base, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      requireJson(req);
      const meta = secrets.create(scope, parseCreateBody(req.body), actorOf(req, res));
      res.status(201).location(`${req.baseUrl}${req.path}/${meta.name}`).json(meta);
    });
    router.patch(`${base}/:name`, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      requireJson(req);
      const name = param(req, 'name');
      const meta = secrets.update(scope, name, parsePatchBody(req.body, name), actorOf(req, res));
      res.json(meta);
    });
    router.delete(`${base}/:name`, (req, res) => {
      requireAdmin(principalOf(res));
      const scope = scopeOf(req);
      const name = param(req, 'name');
      // A key that is not there is 404, whoever once used a key of that name.
      secrets.assertExists(scope, name);
      if (req.query.force !== 'true') refuseIfInUse(scope, name);
      secrets.delete(scope, name, actorOf(req, res));
      res.status(204).end();
    });
  };
  manage('/spaces/:space/secrets', (req) => ({ kind: 'space', space: spaceParam(req) }));
  manage('/org/secrets', () => ({ kind: 'org' }));

  return router;
}
