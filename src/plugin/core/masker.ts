// One mask for every surface: the compiled forms of a snapshot's values, applied to text and to whole message trees.
import { types } from 'node:util';
import { MASK } from '../../shared/contract';
import type { SecretsDiff } from '../../shared/contract';
import type { SecretEntry, Snapshot } from './snapshot';
import { replaceRanges } from './anchor-matcher';
import { MAX_DELTA_SHARE, MIN_DELTA_LIMIT, compileLayer, compileLayerNow, deltaAfter, deltaOf, scanWork, touchesUnmasked } from './mask-layers';
import type { Layer } from './mask-layers';
import { runNow, runSliced } from './time-slice';

const MAX_DEPTH = 32;

/** A masker without a delta covers no entries beyond its full layer. */
const NO_ENTRIES: ReadonlyMap<string, SecretEntry> = new Map();

/**
 * Masks every secret value of one snapshot, in every form of
 * `maskForms`, wherever it occurs. Built once per snapshot, by
 * {@link prepareMasker} before a sync publishes it (the masker travels in
 * the sync's publication); each call then costs O(text length).
 *
 * A masker may be two layers: the full compile of an earlier snapshot, and a
 * small delta with the values that changed since. A one-key change then
 * compiles one value instead of ten thousand; the full layer keeps masking
 * the values that were replaced, which only masks more (README, "What is
 * masked").
 */
export class Masker {
  readonly #full: Layer;
  readonly #delta: Layer | undefined;
  readonly #deltaEntries: ReadonlyMap<string, SecretEntry>;
  /** `KEY` or `KEY.field` of values too short to mask (fewer than {@link MIN_MASKED_LENGTH} characters); names only. */
  readonly unmaskedKeys: readonly string[];

  /** Compiles every value of `snapshot` at once; {@link prepareMasker} does it in slices. */
  constructor(snapshot: Snapshot, prepared?: { full: Layer; delta?: Layer | undefined; deltaEntries?: ReadonlyMap<string, SecretEntry>; unmasked: readonly string[] }) {
    if (prepared) {
      this.#full = prepared.full;
      this.#delta = prepared.delta;
      this.#deltaEntries = prepared.deltaEntries ?? NO_ENTRIES;
      this.unmaskedKeys = Object.isFrozen(prepared.unmasked) ? prepared.unmasked : Object.freeze(prepared.unmasked);
    } else {
      const scan = runNow(scanWork(snapshot));
      this.#full = compileLayerNow(scan);
      this.#deltaEntries = NO_ENTRIES;
      this.unmaskedKeys = Object.freeze(scan.unmasked);
    }
  }

  /** How many distinct strings are masked (values and their forms). */
  get patternCount(): number {
    return this.#full.matcher.size + (this.#delta?.matcher.size ?? 0);
  }

  /** Whether this masker is a full layer plus a delta. */
  get layered(): boolean {
    return this.#delta !== undefined;
  }

  /** The full layer, for a later snapshot's delta. */
  get fullLayer(): Layer {
    return this.#full;
  }

  /** The entries (by key) the delta layer covers, which the full layer does not: where a later snapshot's delta starts. */
  get deltaEntries(): ReadonlyMap<string, SecretEntry> {
    return this.#deltaEntries;
  }

  /** The spans `[start, end)` of `text` that hold a secret (in any masked form), in order. */
  ranges(text: string): [number, number][] {
    if (this.#delta === undefined) return this.#full.matcher.ranges(text);
    return mergeRanges(this.#full.matcher.ranges(text), this.#delta.matcher.ranges(text));
  }

  /** `text` with every secret replaced by the mask; the same string when it held none. */
  text(text: string): string {
    if (this.#delta === undefined) return this.#full.matcher.replace(text, MASK);
    const ranges = mergeRanges(this.#full.matcher.ranges(text), this.#delta.matcher.ranges(text));
    return replaceRanges(text, ranges, MASK);
  }

  /**
   * A copy of `value` with every secret replaced, wherever it sits: strings,
   * plain objects and arrays from any realm, Buffers, Errors (message, stack,
   * cause and own fields), Maps and Sets. The original is never modified, and
   * comes back as is when it held no secret. Other objects (sockets, requests,
   * class instances) pass through untouched. Cycle-safe, depth-limited.
   */
  value<T>(value: T): T {
    if (this.patternCount === 0) return value;
    const seen = new WeakMap<object, unknown>();
    const walk = (v: unknown, depth: number): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
      if (seen.has(v)) return seen.get(v);
      if (Buffer.isBuffer(v)) {
        const text = v.toString('utf8');
        const masked = this.text(text);
        return masked === text ? v : Buffer.from(masked, 'utf8');
      }
      // Errors, Maps and Sets may come from the function node's sandbox (another realm): no instanceof.
      if (types.isNativeError(v)) return maskError(v, seen, (x) => walk(x, depth + 1));
      if (types.isMap(v)) return maskEntries(v, seen, (x) => walk(x, depth + 1), (pairs) => new Map(pairs));
      if (types.isSet(v)) return maskEntries(v, seen, (x) => walk(x, depth + 1), (pairs) => new Set(pairs.map(([, x]) => x)));
      if (!isPlain(v)) return v;
      const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
      // Registered before the walk so a cycle points at the copy, as it pointed at the original.
      seen.set(v, copy);
      let changed = false;
      for (const [key, item] of Object.entries(v)) {
        const masked = walk(item, depth + 1);
        if (masked !== item) changed = true;
        (copy as Record<string, unknown>)[key] = masked;
      }
      return changed ? copy : v;
    };
    return walk(value, 0) as T;
  }
}

// A plain object from any realm: function nodes build messages inside a vm sandbox, whose
// Object.prototype is not this one; what marks them plain is a prototype that itself has none.
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A Map or Set rebuilt with masked entries, or the original when no entry changed. */
function maskEntries(
  original: Map<unknown, unknown> | Set<unknown>,
  seen: WeakMap<object, unknown>,
  walk: (v: unknown) => unknown,
  rebuild: (pairs: [unknown, unknown][]) => object,
): object {
  let changed = false;
  const pairs: [unknown, unknown][] = [];
  for (const [k, v] of original.entries()) {
    const mk = walk(k);
    const mv = walk(v);
    if (mk !== k || mv !== v) changed = true;
    pairs.push([mk, mv]);
  }
  const result = changed ? rebuild(pairs) : original;
  seen.set(original, result);
  return result;
}

/**
 * A copy of an Error with its own fields (message and stack included)
 * masked: a real Error (so logs and inspectors still show it as one) with
 * the original's prototype, or the original when nothing changed.
 */
function maskError(error: Error, seen: WeakMap<object, unknown>, walk: (v: unknown) => unknown): Error {
  const copy = new Error();
  Object.setPrototypeOf(copy, Object.getPrototypeOf(error) as object | null);
  seen.set(error, copy);
  let changed = false;
  for (const name of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name)!;
    // `stack` may be an accessor: read it once and keep the masked text as a plain value.
    const original: unknown = 'value' in descriptor ? descriptor.value : (error as unknown as Record<string, unknown>)[name];
    const masked = walk(original);
    if (masked !== original) changed = true;
    Object.defineProperty(copy, name, { value: masked, writable: true, configurable: true, enumerable: descriptor.enumerable ?? false });
  }
  if (!changed) {
    seen.set(error, error);
    return error;
  }
  return copy;
}

/** `KEY` or `KEY.field` of every value too short to mask (fewer than {@link MIN_MASKED_LENGTH} characters); names only. */
export function unmaskedKeys(snapshot: Snapshot): string[] {
  return runNow(scanWork(snapshot)).unmasked;
}

/**
 * Compiles the masker of `next` in slices, before the sync publishes it, so
 * no flow ever prints a new value unmasked and no flow waits behind the
 * compile. With `previous` (the masker of the snapshot it replaces) it
 * compiles only the values the previous full layer lacks, as a delta, until
 * the delta outgrows {@link MAX_DELTA_SHARE} of it. With `diff` (what the
 * sync's one pass found changed) it reads only the changed entries, not the
 * whole snapshot (README, "Performance").
 */
export async function prepareMasker(next: Snapshot, previous?: Masker, diff?: SecretsDiff): Promise<Masker> {
  // An empty full layer (the masker before the first sync) is no base: the first secrets compile as a full layer.
  const base = previous !== undefined && previous.fullLayer.values.size > 0 ? previous.fullLayer : undefined;
  if (base !== undefined && previous !== undefined) {
    const delta = diff === undefined ? deltaOf(base, next) : deltaAfter(base, previous.deltaEntries, next, diff);
    const size = delta.values.size + delta.pairs.size;
    if (size <= Math.max(MIN_DELTA_LIMIT, MAX_DELTA_SHARE * base.values.size)) {
      const unmasked = diff !== undefined && !touchesUnmasked(previous.unmaskedKeys, next, diff) ? previous.unmaskedKeys : (await runSliced(scanWork(next))).unmasked;
      // A few values compile in microseconds: at once, without the slicer's turns (README, "Performance").
      const layer = size === 0 ? undefined : size <= MIN_DELTA_LIMIT ? compileLayerNow(delta) : await compileLayer(delta);
      return new Masker(next, { full: base, delta: layer, deltaEntries: delta.entries, unmasked });
    }
  }
  const scan = await runSliced(scanWork(next));
  return new Masker(next, { full: await compileLayer(scan), unmasked: scan.unmasked });
}

/** Two ordered lists of ranges as one, overlapping and touching ranges merged. */
function mergeRanges(a: [number, number][], b: [number, number][]): [number, number][] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [start, end] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
