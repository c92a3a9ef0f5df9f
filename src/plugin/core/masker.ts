// One mask for every surface: the compiled forms of a snapshot's values, applied to text and to whole message trees.
import { types } from 'node:util';
import { MASK } from '../../shared/contract';
import type { Snapshot } from './snapshot';
import { MIN_MASKED_LENGTH, maskForms, pairForms } from './mask-forms';
import { SecretMatcher } from './secret-matcher';

const MAX_DEPTH = 32;

/**
 * Masks every secret value of one snapshot, in every form of
 * {@link maskForms}, wherever it occurs. Build it once per snapshot
 * ({@link maskerFor}); each call then costs O(text length).
 */
export class Masker {
  readonly #matcher: SecretMatcher;
  /** `KEY` or `KEY.field` of values too short to mask (fewer than {@link MIN_MASKED_LENGTH} characters); names only. */
  readonly unmaskedKeys: readonly string[];

  constructor(snapshot: Snapshot) {
    const patterns: string[] = [];
    for (const entry of Object.values(snapshot.secrets)) {
      const values = typeof entry === 'string' ? [entry] : Object.values(entry);
      for (const value of values) patterns.push(...maskForms(value));
      if (typeof entry !== 'string') patterns.push(...pairForms(values));
    }
    this.#matcher = new SecretMatcher(patterns);
    this.unmaskedKeys = unmaskedKeys(snapshot);
  }

  /** How many distinct strings are masked (values and their forms). */
  get patternCount(): number {
    return this.#matcher.size;
  }

  /** `text` with every secret replaced by the mask; the same string when it held none. */
  text(text: string): string {
    return this.#matcher.replace(text, MASK);
  }

  /**
   * A copy of `value` with every secret replaced, wherever it sits: strings,
   * plain objects and arrays from any realm, Buffers, Errors (message, stack,
   * cause and own fields), Maps and Sets. The original is never modified, and
   * comes back as is when it held no secret. Other objects (sockets, requests,
   * class instances) pass through untouched. Cycle-safe, depth-limited.
   */
  value<T>(value: T): T {
    if (this.#matcher.size === 0) return value;
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
  const short: string[] = [];
  for (const key of snapshot.keys) {
    const entry = snapshot.secrets[key];
    if (typeof entry === 'string') {
      if (entry.length < MIN_MASKED_LENGTH) short.push(key);
    } else if (entry !== undefined) {
      for (const [field, value] of Object.entries(entry)) if (value.length < MIN_MASKED_LENGTH) short.push(`${key}.${field}`);
    }
  }
  return short;
}

const cache = new WeakMap<Snapshot, Masker>();

/** The masker of `snapshot`, compiled on first use and kept as long as the snapshot is. */
export function maskerFor(snapshot: Snapshot): Masker {
  let masker = cache.get(snapshot);
  if (!masker) {
    masker = new Masker(snapshot);
    cache.set(snapshot, masker);
  }
  return masker;
}
