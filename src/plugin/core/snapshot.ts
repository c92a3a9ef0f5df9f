// Turns a provider's payload into the frozen, null-prototype object flows read as global.SECRETS, with its diff against the snapshot before, in one pass.
import type { SecretsDiff } from '../../shared/contract';
import { isPlainObject } from '../../shared/guards';
import { NAME_MAX_LENGTH, nameProblem } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import { runNow } from './time-slice';
import type { SliceableWork } from './time-slice';

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

/** Entries validated between two points where a sliced build may pause. */
const ENTRIES_PER_STEP = 256;

/**
 * Validates `raw` (the payload's `secrets` object) and builds a deep-frozen,
 * null-prototype snapshot. A value of the wrong shape (null, a list, an object
 * in a pair) rejects the whole payload (`invalid_payload`), so a half-broken
 * answer never replaces a good one; a key flows could not address safely, or
 * whose value (or one of its pairs) is a number or a boolean instead of text,
 * is skipped and reported, for every provider alike (README, "Strict answers").
 */
export function buildSnapshot(raw: unknown): Snapshot {
  return runNow(snapshotWork(raw));
}

/**
 * {@link buildSnapshot} as sliceable work, pausing every few hundred entries
 * so a large payload does not hold the event loop (README, "Performance").
 */
export function* snapshotWork(raw: unknown): SliceableWork<Snapshot> {
  return (yield* nextSnapshotWork(raw, EMPTY_SNAPSHOT)).snapshot;
}

/** A snapshot and what changed against the one before it. */
export interface SnapshotChange {
  readonly snapshot: Snapshot;
  readonly diff: SecretsDiff;
}

/**
 * Builds the snapshot of `raw` and its diff against `previous` in one pass
 * over the keys, the pass a watch pays for every change (README,
 * "Performance"): a key `previous` holds with the same value was checked
 * when it arrived and is only compared; only new and changed entries are
 * checked. When no key came or went, `previous`'s sorted key list is kept.
 *
 * It takes `raw` over instead of copying it: the pass validates and touches
 * nothing, so a rejected payload is left as it came; then the unsafe keys
 * are deleted and `raw` itself becomes the null-prototype, frozen snapshot.
 * Providers hand over a fresh object (see `FetchResult`).
 */
export function* nextSnapshotWork(raw: unknown, previous: Snapshot): SliceableWork<SnapshotChange> {
  if (!isPlainObject(raw)) throw new SyncError('invalid_payload', 'The secrets in the answer are not an object');
  // Object.keys: own enumerable keys, the array that becomes the sorted key list unless the previous one is kept.
  let keys = Object.keys(raw);
  if (keys.length > MAX_KEYS) throw new SyncError('invalid_payload', `The answer has ${keys.length} secrets, more than the ${MAX_KEYS} accepted`);
  const before = previous.secrets;
  const unsafe: string[] = [];
  const notText: { key: string; reason: string }[] = [];
  const pairs: Record<string, string>[] = [];
  const added: string[] = [];
  const changed: string[] = [];
  // An indexed loop: it runs once per sync over every key, before the code is optimised, and an iterator would allocate per key.
  for (let i = 0; i < keys.length; i++) {
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    const key = keys[i]!;
    const value = raw[key];
    const was = before[key];
    // The same string as before: its name and value were checked then.
    if (was !== undefined && was === value) continue;
    if (was === undefined && nameProblem(key) !== undefined) {
      unsafe.push(key);
      continue;
    }
    if (typeof value !== 'string') {
      const problem = scalarProblem(value) ?? checkedPairs(key, value);
      if (typeof problem === 'string') {
        notText.push({ key, reason: problem });
        continue;
      }
      pairs.push(problem);
      if (was !== undefined && sameEntry(was, problem)) continue;
    }
    (was === undefined ? added : changed).push(key);
  }
  yield;
  if (unsafe.length + notText.length > 0) {
    for (const key of unsafe) delete raw[key];
    for (const { key } of notText) delete raw[key];
    keys = keys.filter((key) => Object.hasOwn(raw, key));
  }
  for (const value of pairs) Object.freeze(Object.setPrototypeOf(value, null));
  Object.setPrototypeOf(raw, null);
  // Nothing came and the count is the same: the very keys of before, whose list is already sorted and frozen.
  const sameKeys = added.length === 0 && keys.length === previous.keys.length;
  let removed: string[] = [];
  if (sameKeys) keys = previous.keys as string[];
  else {
    // Providers answer in key order: checking that costs one comparison a key, sorting again more.
    if (!inOrder(keys)) keys.sort();
    removed = previous.keys.filter((key) => !Object.hasOwn(raw, key));
  }
  // In the order of the key list, whatever the answer's order (integer-like names come first in Object.keys).
  if (!inOrder(added)) added.sort();
  if (!inOrder(changed)) changed.sort();
  const skipped = [...unsafe.map((key) => ({ key: key.slice(0, NAME_MAX_LENGTH), reason: nameProblem(key)! })), ...notText];
  const snapshot: Snapshot = Object.freeze({ secrets: Object.freeze(raw as Record<string, SecretEntry>), keys: Object.isFrozen(keys) ? keys : Object.freeze(keys), skipped: Object.freeze(skipped) });
  // The first sync adds everything: the snapshot's own frozen key list, no copy.
  const diff =
    previous.keys.length === 0
      ? Object.freeze({ added: snapshot.keys, changed: EMPTY_DIFF.changed, removed: EMPTY_DIFF.removed })
      : Object.freeze({ added: Object.freeze(added), changed: Object.freeze(changed), removed: Object.freeze(removed) });
  return { snapshot, diff };
}

/** Why a number or a boolean cannot be a value (JSON writers produce them for `1883` or `true`), or undefined for anything else. */
function scalarProblem(value: unknown): string | undefined {
  // Refused, not turned into text: the text meant cannot be known (1.10 arrives as 1.1, 12345678901234567890 rounded).
  if (typeof value === 'number') return 'a number, not text: store it as a string';
  if (typeof value === 'boolean') return 'a boolean, not text: store it as a string';
  return undefined;
}

/**
 * `value` when it is an object of at most {@link MAX_FIELDS} safe keys with
 * string values; why the key is skipped when a pair is a number or a boolean;
 * throws `invalid_payload` for any other shape.
 */
function checkedPairs(key: string, value: unknown): Record<string, string> | string {
  if (!isPlainObject(value)) {
    throw new SyncError('invalid_payload', `The value of '${key}' is neither a string nor an object of strings`);
  }
  let count = 0;
  let skip: string | undefined;
  for (const sub in value) {
    if (!Object.hasOwn(value, sub)) continue;
    if (++count > MAX_FIELDS) throw new SyncError('invalid_payload', `'${key}' has more than ${MAX_FIELDS} pairs`);
    if (nameProblem(sub) !== undefined) {
      throw new SyncError('invalid_payload', `'${key}' has a pair key that flows cannot address safely`);
    }
    const pair = value[sub];
    if (typeof pair === 'string') continue;
    const problem = scalarProblem(pair);
    if (problem === undefined) throw new SyncError('invalid_payload', `'${key}.${sub}' is not a string`);
    skip ??= `pair '${sub}' is ${problem}`;
  }
  return skip ?? (value as Record<string, string>);
}

/** Whether `keys` is already in `Array.prototype.sort`'s order (UTF-16 code units, as `<` compares strings). */
function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** Whether two entries hold the same value (a string, or the same pairs). */
export function sameEntry(a: SecretEntry | undefined, b: SecretEntry | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** No change: what a sync that found the secrets unchanged publishes. */
export const EMPTY_DIFF: SecretsDiff = Object.freeze({ added: Object.freeze([]), changed: Object.freeze([]), removed: Object.freeze([]) });

/** {@link nextSnapshotWork} at once: the snapshot of `raw` and its diff against `previous`. */
export function nextSnapshot(raw: unknown, previous: Snapshot): SnapshotChange {
  return runNow(nextSnapshotWork(raw, previous));
}

/** Whether a diff has anything in it. */
export function isEmptyDiff(diff: SecretsDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}
