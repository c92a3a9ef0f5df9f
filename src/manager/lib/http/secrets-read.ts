// The plugin's read of a space (`GET /v1/spaces/{space}/secrets`) once its token may read it: the one answer of the Express route and of the fast path.
import { USAGE_WANTED_HEADER } from '../../../shared/fleet-wire';
import type { FleetStore } from '../fleet-store';
import type { SecretStore } from '../secret-store';
import { parseInstanceHeader } from './instance-input';

/** What a read answer is made from. */
export interface ReadDeps {
  secrets: SecretStore;
  fleet: FleetStore;
  /** The database's id, part of every ETag. */
  instanceId: string;
}

/** One read, as the request names it (the token already checked). */
export interface ReadRequest {
  space: string;
  /** The id of the token that reads. */
  tokenId: string;
  /** The `X-Secret-Sync-Instance` header, if any. */
  instance: string | undefined;
  /** The `If-None-Match` header, if any. */
  ifNoneMatch: string | undefined;
  /** A long poll that waited: the version it waited past (answers 304 when the space is still there). */
  waitedPast?: number | undefined;
}

/** What to send: the status, the headers (names and values in turn, as `writeHead` takes them), and the body of a 200. */
export interface ReadAnswer {
  status: 200 | 304;
  headers: string[];
  /** The encoded `{ space, version, secrets }` of a 200: the Buffer the store keeps for this version. */
  body?: Buffer;
}

/**
 * Whether If-None-Match lists `etag` (RFC 9110 §13.1.2, weak comparison). Not
 * `req.fresh`: it gives up on `Cache-Control: no-cache`, which fetch() adds to
 * every conditional request, while an origin server must still evaluate it.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  // The plugin's poll: the one tag it was given, as it was given.
  if (header === etag) return true;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The ETag of `version` of a space: the database's id keeps a recreated database from matching an old tag. */
export function etagFor(instanceId: string, version: number): string {
  return `"${instanceId}.${version}"`;
}

/**
 * The answer to one read: the fleet view learns who read which version (and
 * asks for a usage report when it holds none of that instance); a current
 * ETag, or a long poll that saw no change, answers 304; anything else the
 * encoded answer of this version, computed once per version (a full read
 * costs about a write of its bytes).
 */
export function readAnswer(deps: ReadDeps, request: ReadRequest): ReadAnswer {
  const { space } = request;
  const version = deps.secrets.version(space);
  const etag = etagFor(deps.instanceId, version);
  const headers = ['Cache-Control', 'no-store', 'ETag', etag];
  // The fleet view: who read this space, and the version the answer leaves it with (a 304 means it has it).
  const who = parseInstanceHeader(request.instance);
  if (who && deps.fleet.seen(space, who, version, request.tokenId)) headers.push(USAGE_WANTED_HEADER, '1');
  const unchanged = request.waitedPast !== undefined && version <= request.waitedPast;
  if (unchanged || matchesIfNoneMatch(request.ifNoneMatch, etag)) return { status: 304, headers };
  const { body } = deps.secrets.readBody(space);
  headers.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(body.length));
  return { status: 200, headers, body };
}
