// What a plugin instance sends about itself: the identity header on every read, and the usage report's body.
import { badRequest } from '../errors';
import type { InstanceIdentity, KeyUsage } from '../fleet-store';
import { isRecord } from '../../../shared/guards';
import { INSTANCE_ID_PATTERN } from '../../../shared/fleet-wire';
import { NAME_PATTERN } from '../../../shared/names';

const MAX_USAGE_KEYS = 20_000;

/** Parses the instance header; undefined for a missing or malformed one (the read is served all the same). */
export function parseInstanceHeader(header: string | undefined): InstanceIdentity | undefined {
  if (header === undefined) return undefined;
  const [id, ...params] = header.split(';').map((part) => part.trim());
  if (id === undefined || !INSTANCE_ID_PATTERN.test(id)) return undefined;
  const fields = new Map<string, string>();
  for (const param of params) {
    const at = param.indexOf('=');
    if (at <= 0) continue;
    let value = param.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not encoded: kept as sent.
    }
    fields.set(param.slice(0, at).trim().toLowerCase(), value.slice(0, 200));
  }
  return { id, name: fields.get('name') ?? '', version: fields.get('version') ?? '' };
}

/** Validates `PUT …/instances/{id}/usage` `{ keys: [{ key, nodes }] }`. */
export function parseUsageBody(body: unknown): KeyUsage[] {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw badRequest('invalid_body', 'The body must be { keys: [{ key, nodes }] }');
  if (body.keys.length > MAX_USAGE_KEYS) throw badRequest('invalid_body', `At most ${MAX_USAGE_KEYS} keys`);
  return body.keys.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.key !== 'string' || !NAME_PATTERN.test(entry.key) || !Number.isSafeInteger(entry.nodes) || (entry.nodes as number) < 0) {
      throw badRequest('invalid_body', 'Each usage entry is { key: a secret name, nodes: a whole number }');
    }
    return { key: entry.key, nodes: entry.nodes as number };
  });
}
