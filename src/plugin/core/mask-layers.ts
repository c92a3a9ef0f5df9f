// The masker's layers: what one compiled matcher covers, the pass that collects a snapshot's values, and the delta a change needs.
import type { SecretsDiff } from '../../shared/contract';
import { AnchorMatcher, compileAnchorMatcher } from './anchor-matcher';
import { MIN_MASKED_LENGTH, layerPatterns } from './mask-forms';
import type { SecretEntry, Snapshot } from './snapshot';
import type { SliceableWork } from './time-slice';

/**
 * What one compiled matcher covers: the values (each in every form of
 * `maskForms`) and the value lists of multi-pair secrets (their
 * `pairForms`).
 */
export interface Layer {
  readonly matcher: AnchorMatcher;
  readonly values: ReadonlySet<string>;
  readonly pairs: ReadonlySet<string>;
}

/** The values and pair lists of a snapshot, what a layer must cover. */
export interface Sources {
  values: Set<string>;
  pairs: Map<string, readonly string[]>;
}

/** What one pass over a snapshot finds: the values to mask, and the names of the values too short for it. */
export interface Scan extends Sources {
  unmasked: string[];
}

/** What a delta layer covers, and the entries (by key) it covers them for: the next change starts from these. */
export interface Delta extends Sources {
  entries: ReadonlyMap<string, SecretEntry>;
}

/** A delta layer may cover this share of the full layer's values before a full compile replaces both. */
export const MAX_DELTA_SHARE = 0.1;
/** A delta layer of at most this many values is always fine, however small the full one. */
export const MIN_DELTA_LIMIT = 64;
/** Keys scanned between two points where a sliced scan may pause. */
const KEYS_PER_STEP = 512;

/** The value list of a multi-pair entry, in its field order. */
function pairList(entry: Readonly<Record<string, string>>): string[] {
  const fields = Object.keys(entry);
  const list: string[] = new Array<string>(fields.length);
  for (let f = 0; f < fields.length; f++) list[f] = entry[fields[f]!]!;
  return list;
}

/**
 * What names a pair list in a layer: its values in code-unit order, as JSON. Its pair forms (every ordered pair of
 * values) do not depend on the fields' order, and neither does the diff (`sameEntry`), so neither may the name.
 */
function pairId(list: readonly string[]): string {
  return JSON.stringify([...list].sort());
}

/** Adds `entry`'s values (and its pair list) to `sources`. */
function addEntry(sources: Sources, entry: SecretEntry): void {
  if (typeof entry === 'string') {
    sources.values.add(entry);
    return;
  }
  const list = pairList(entry);
  for (const value of list) sources.values.add(value);
  sources.pairs.set(pairId(list), list);
}

/** Whether `layer` masks every value of `entry` (and its pair list). */
function covers(layer: Layer, entry: SecretEntry): boolean {
  if (typeof entry === 'string') return layer.values.has(entry);
  const list = pairList(entry);
  return list.every((value) => layer.values.has(value)) && layer.pairs.has(pairId(list));
}

/**
 * One pass over the snapshot: its values and pair lists, and the names of the
 * values too short to mask; sliceable, so a sync of 10,000 keys does not hold
 * the event loop for it. Indexed loops: a pass over 10,000 keys runs once per
 * sync, before the code is optimised, and an iterator would allocate a result
 * object per key (README, "Performance").
 */
export function* scanWork(snapshot: Snapshot): SliceableWork<Scan> {
  const values = new Set<string>();
  const pairs = new Map<string, readonly string[]>();
  const unmasked: string[] = [];
  const { keys, secrets } = snapshot;
  for (let i = 0; i < keys.length; i++) {
    if (i % KEYS_PER_STEP === KEYS_PER_STEP - 1) yield;
    const key = keys[i]!;
    const entry = secrets[key];
    if (typeof entry === 'string') {
      values.add(entry);
      if (entry.length < MIN_MASKED_LENGTH) unmasked.push(key);
    } else if (entry !== undefined) {
      const fields = Object.keys(entry);
      const list: string[] = new Array<string>(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const value = entry[fields[f]!]!;
        list[f] = value;
        values.add(value);
        if (value.length < MIN_MASKED_LENGTH) unmasked.push(`${key}.${fields[f]!}`);
      }
      pairs.set(pairId(list), list);
    }
  }
  return { values, pairs, unmasked };
}

/**
 * Everything of `snapshot` the full layer `base` does not cover, found by going through every key: the delta when no
 * diff is at hand, and the reference {@link deltaAfter} is tested against.
 */
export function deltaOf(base: Layer, snapshot: Snapshot): Delta {
  const delta: Delta & { entries: Map<string, SecretEntry> } = { values: new Set(), pairs: new Map(), entries: new Map() };
  for (const key of snapshot.keys) {
    const entry = snapshot.secrets[key];
    if (entry === undefined || covers(base, entry)) continue;
    delta.entries.set(key, entry);
    addEntry(delta, entry);
  }
  return delta;
}

/**
 * The same as {@link deltaOf}, from the delta before and the diff alone: an
 * entry the diff does not name kept its value, so it is covered as it was
 * (by `base`, or by the delta before); only added and changed entries are
 * checked against `base`.
 */
export function deltaAfter(base: Layer, before: ReadonlyMap<string, SecretEntry>, next: Snapshot, diff: SecretsDiff): Delta {
  const entries = new Map(before);
  for (const key of diff.changed) entries.delete(key);
  for (const key of diff.removed) entries.delete(key);
  for (const list of [diff.added, diff.changed]) {
    for (const key of list) {
      const entry = next.secrets[key];
      if (entry !== undefined && !covers(base, entry)) entries.set(key, entry);
    }
  }
  const delta: Delta = { values: new Set(), pairs: new Map(), entries };
  for (const entry of entries.values()) addEntry(delta, entry);
  return delta;
}

/** Whether `diff` may change the list of values too short to mask: it names a key on it, or brings a short value. */
export function touchesUnmasked(unmasked: readonly string[], next: Snapshot, diff: SecretsDiff): boolean {
  if (unmasked.length > 0) {
    // `KEY` or `KEY.field`: names have no dot, so the key is what comes before the first one.
    const named = new Set(unmasked.map((name) => name.split('.', 1)[0]!));
    if (diff.changed.some((key) => named.has(key)) || diff.removed.some((key) => named.has(key))) return true;
  }
  const short = (value: string): boolean => value.length < MIN_MASKED_LENGTH;
  for (const list of [diff.added, diff.changed]) {
    for (const key of list) {
      const entry = next.secrets[key];
      if (entry !== undefined && (typeof entry === 'string' ? short(entry) : pairList(entry).some(short))) return true;
    }
  }
  return false;
}

function patternsOf(sources: Sources): Generator<string> {
  return layerPatterns(sources.values, sources.pairs.values());
}

/** Compiles a layer at once. */
export function compileLayerNow(sources: Sources): Layer {
  return { matcher: new AnchorMatcher(patternsOf(sources)), values: sources.values, pairs: new Set(sources.pairs.keys()) };
}

/** Compiles a layer on the event loop in slices of about 2 ms: the anchored matcher allocates a few typed arrays, no worker is needed (README, "Performance"). */
export async function compileLayer(sources: Sources): Promise<Layer> {
  return { matcher: await compileAnchorMatcher(patternsOf(sources)), values: sources.values, pairs: new Set(sources.pairs.keys()) };
}
