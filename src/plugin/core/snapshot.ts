// Turns a provider's payload into the frozen, null-prototype object flows read as global.SECRETS, and diffs two of them.
import type { SecretsDiff } from '../../shared/contract';
import { isPlainObject } from '../../shared/guards';
import { nameProblem } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';

/** One entry of global.SECRETS: a string, or the frozen pairs of a multi-pair secret. */
export type SecretEntry = string | Readonly<Record<string, string>>;

/** The object flows see as global.SECRETS. */
export type SecretsObject = Readonly<Record<string, SecretEntry>>;

/** A validated payload: the object to publish and the keys left out of it. */
export interface Snapshot {
  readonly secrets: SecretsObject;
  readonly keys: readonly string[];
  /** Keys that were dropped, with why; names only, never values. */
  readonly skipped: readonly { key: string; reason: string }[];
}

/** Most keys accepted in one payload; more is treated as a broken answer, not truncated. */
export const MAX_KEYS = 20_000;
/** Most pairs accepted in one multi-pair secret. */
export const MAX_FIELDS = 1_000;

/** An empty snapshot, what global.SECRETS holds before the first successful sync. */
export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  secrets: Object.freeze(Object.create(null) as Record<string, SecretEntry>),
  keys: Object.freeze([]),
  skipped: Object.freeze([]),
});

/**
 * Validates `raw` (the payload's `secrets` object) and builds a deep-frozen,
 * null-prototype snapshot. A value of the wrong type rejects the whole payload
 * (`invalid_payload`), so a half-broken answer never replaces a good one; a key
 * flows could not address safely is skipped and reported.
 */
export function buildSnapshot(raw: unknown): Snapshot {
  if (!isPlainObject(raw)) throw new SyncError('invalid_payload', 'The secrets in the answer are not an object');
  const entries = Object.entries(raw);
  if (entries.length > MAX_KEYS) {
    throw new SyncError('invalid_payload', `The answer has ${entries.length} secrets, more than the ${MAX_KEYS} accepted`);
  }
  const secrets = Object.create(null) as Record<string, SecretEntry>;
  const skipped: { key: string; reason: string }[] = [];
  for (const [key, value] of entries) {
    const problem = nameProblem(key);
    if (problem !== undefined) {
      skipped.push({ key: key.slice(0, 128), reason: problem });
      continue;
    }
    secrets[key] = entryOf(key, value);
  }
  const keys = Object.keys(secrets).sort();
  return Object.freeze({ secrets: Object.freeze(secrets), keys: Object.freeze(keys), skipped: Object.freeze(skipped) });
}

function entryOf(key: string, value: unknown): SecretEntry {
  if (typeof value === 'string') return value;
  if (!isPlainObject(value)) {
    throw new SyncError('invalid_payload', `The value of '${key}' is neither a string nor an object of strings`);
  }
  const pairs = Object.entries(value);
  if (pairs.length > MAX_FIELDS) throw new SyncError('invalid_payload', `'${key}' has more than ${MAX_FIELDS} pairs`);
  const out = Object.create(null) as Record<string, string>;
  for (const [sub, subValue] of pairs) {
    if (nameProblem(sub) !== undefined) {
      throw new SyncError('invalid_payload', `'${key}' has a pair key that flows cannot address safely`);
    }
    if (typeof subValue !== 'string') throw new SyncError('invalid_payload', `'${key}.${sub}' is not a string`);
    out[sub] = subValue;
  }
  return Object.freeze(out);
}

function sameEntry(a: SecretEntry | undefined, b: SecretEntry | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Compares two snapshots by key and value. */
export function diffSnapshots(before: Snapshot, after: Snapshot): SecretsDiff {
  const added: string[] = [];
  const changed: string[] = [];
  for (const key of after.keys) {
    if (!(key in before.secrets)) added.push(key);
    else if (!sameEntry(before.secrets[key], after.secrets[key])) changed.push(key);
  }
  const removed = before.keys.filter((key) => !(key in after.secrets));
  return { added, changed, removed };
}

/** Whether a diff has anything in it. */
export function isEmptyDiff(diff: SecretsDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}
