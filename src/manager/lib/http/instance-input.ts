// What a plugin instance sends about itself: the identity header on every read, and the usage report's body.
import { badRequest } from '../errors';
import type { InstanceIdentity, KeyUsage } from '../fleet-store';
import { isRecord } from '../../../shared/guards';
import { INSTANCE_ID_PATTERN, MAX_NODES_PER_KEY } from '../../../shared/fleet-wire';
import { nameProblem } from '../../../shared/names';

/**
 * Parses the instance header; undefined for a missing or malformed one (the
 * read is served all the same). Every poll carries it, so this walks the
 * parameters with `indexOf` rather than splitting into arrays and a map; a
 * parameter named twice keeps its last value.
 */
export function parseInstanceHeader(header: string | undefined): InstanceIdentity | undefined {
  if (header === undefined) return undefined;
  let end = header.indexOf(';');
  const id = (end < 0 ? header : header.slice(0, end)).trim();
  if (!INSTANCE_ID_PATTERN.test(id)) return undefined;
  let name = '';
  let version = '';
  while (end >= 0) {
    const start = end + 1;
    end = header.indexOf(';', start);
    const param = header.slice(start, end < 0 ? undefined : end).trim();
    const at = param.indexOf('=');
    if (at <= 0) continue;
    const key = param.slice(0, at).trim().toLowerCase();
    if (key !== 'name' && key !== 'version') continue;
    let value = param.slice(at + 1).trim();
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // Not encoded: kept as sent.
      }
    }
    if (key === 'name') name = value.slice(0, 200);
    else version = value.slice(0, 200);
  }
  return { id, name, version };
}

/**
 * Validates `PUT …/instances/{id}/usage` `{ keys: [{ key, nodes }] }`: at most
 * `maxKeys` entries, each a valid secret name once, with a whole number of
 * nodes from 0 to {@link MAX_NODES_PER_KEY}; else 400 `invalid_body`.
 */
export function parseUsageBody(body: unknown, maxKeys: number): KeyUsage[] {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw badRequest('invalid_body', 'The body must be { keys: [{ key, nodes }] }');
  if (body.keys.length > maxKeys) throw badRequest('invalid_body', `A usage report names at most ${maxKeys} keys`, 'keys');
  const seen = new Set<string>();
  return body.keys.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.key !== 'string' || nameProblem(entry.key) !== undefined) {
      throw badRequest('invalid_body', 'Each usage entry is { key: a secret name, nodes: a whole number }', 'keys');
    }
    const { key, nodes } = entry;
    if (typeof nodes !== 'number' || !Number.isSafeInteger(nodes) || nodes < 0 || nodes > MAX_NODES_PER_KEY) {
      throw badRequest('invalid_body', `The nodes of '${key}' must be a whole number from 0 to ${MAX_NODES_PER_KEY}`, 'keys');
    }
    if (seen.has(key)) throw badRequest('invalid_body', `'${key}' is named twice`, 'keys');
    seen.add(key);
    return { key, nodes };
  });
}

/** Instances on one page of the fleet list when the query names no limit, and the most it may name. */
export const PAGE_LIMITS = { default: 100, max: 500 } as const;

/** Parses `?limit=N&cursor=ID` of `GET …/instances`; 400 `invalid_query` for a limit out of range or a cursor that is no instance id. */
export function parsePageQuery(query: Record<string, unknown>): { limit: number; after: string | undefined } {
  const { limit, cursor } = query;
  if (limit !== undefined && (typeof limit !== 'string' || !/^\d{1,6}$/.test(limit) || Number(limit) < 1 || Number(limit) > PAGE_LIMITS.max)) {
    throw badRequest('invalid_query', `limit must be a whole number from 1 to ${PAGE_LIMITS.max}`, 'limit');
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || !INSTANCE_ID_PATTERN.test(cursor))) {
    throw badRequest('invalid_query', "cursor must be the previous page's next", 'cursor');
  }
  return { limit: limit === undefined ? PAGE_LIMITS.default : Number(limit), after: cursor };
}

/** The value of the dropped-keys header: the first 16 names, and how many more. */
export function droppedKeysHeader(dropped: readonly string[]): string {
  const shown = dropped.slice(0, 16).join(', ');
  return dropped.length > 16 ? `${shown}, +${dropped.length - 16} more` : shown;
}
