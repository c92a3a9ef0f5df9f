// Finds every occurrence of many strings in one pass over a text: each pattern is filed under one of its 6-unit windows (its rarest), found by a rolling hash, and confirmed in full.
import { runNow, runSliced } from './time-slice';
import type { SliceableWork } from './time-slice';

/** Window length in UTF-16 code units: every masked form is at least this long (`MIN_MASKED_LENGTH`). */
export const WINDOW = 6;
/** {@link WINDOW}, as a module constant the hot loops read without a property load. */
const UNITS = 6;
/** Multiplier of the rolling hash (odd, so multiplying is invertible mod 2^32). */
const BASE = 0x01000193;
/** BASE^(WINDOW-1) mod 2^32: what the unit leaving the window weighs. */
const TOP = pow(BASE, 5);
/** Patterns read, or windows hashed, between two points where a sliced compile may pause. */
const UNITS_PER_STEP = 32_768;

function pow(base: number, exponent: number): number {
  let out = 1;
  for (let i = 0; i < exponent; i++) out = Math.imul(out, base);
  return out;
}

/** The slot of a window hash in a table of 2^bits slots. */
function slotOf(hash: number, bits: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> (32 - bits);
}

/**
 * A compiled set of patterns (each at least {@link WINDOW} code units).
 * Every pattern is filed under one window of itself, of a few spread over
 * it the one shared with the fewest other patterns; a scan hashes each window of the text (a rolling
 * hash, a few integer operations a unit) and checks only the patterns filed
 * under it, in full. So a scan costs O(text length + candidates), whatever the
 * number of patterns, and a compile costs one pass over the patterns' units
 * with no allocation per unit: a few typed arrays, sized once (README,
 * "What is masked").
 */
export class AnchorMatcher {
  readonly #patterns: readonly string[];
  readonly #bits: number;
  /** Slot s holds the entries `start[s] … start[s + 1] - 1`. */
  readonly #start: Int32Array;
  /** Per entry: the pattern, the window's offset in it, the window's full hash. */
  readonly #pattern: Int32Array;
  readonly #offset: Int32Array;
  readonly #hash: Int32Array;
  /** How many patterns were compiled. */
  readonly size: number;

  /** Compiles `patterns` at once; {@link compileAnchorMatcher} does the same in slices. */
  constructor(patterns: Iterable<string> | AnchorTables) {
    const tables = patterns instanceof AnchorTables ? patterns : runNow(anchorWork(patterns));
    this.#patterns = tables.patterns;
    this.#bits = tables.bits;
    this.#start = tables.start;
    this.#pattern = tables.pattern;
    this.#offset = tables.offset;
    this.#hash = tables.hash;
    this.size = tables.patterns.length;
  }

  /** The ranges `[start, end)` of `text` covered by any pattern, overlapping and touching ones merged, in order. */
  ranges(text: string): [number, number][] {
    const found: [number, number][] = [];
    if (this.size === 0 || text.length < WINDOW) return found;
    const bits = this.#bits;
    const start = this.#start;
    let hash = 0;
    for (let i = 0; i < text.length; i++) {
      // Rolling: drop the unit that leaves the window, add the one that enters.
      if (i >= UNITS) hash = (hash - Math.imul(text.charCodeAt(i - UNITS), TOP)) | 0;
      hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
      if (i < UNITS - 1) continue;
      const slot = slotOf(hash, bits);
      const end = start[slot + 1]!;
      for (let e = start[slot]!; e < end; e++) {
        if (this.#hash[e] !== hash) continue;
        const pattern = this.#patterns[this.#pattern[e]!]!;
        const from = i + 1 - UNITS - this.#offset[e]!;
        if (from >= 0 && text.startsWith(pattern, from)) found.push([from, from + pattern.length]);
      }
    }
    return merged(found);
  }

  /** `text` with every covered range replaced by `mask`; the very same string when nothing matched. */
  replace(text: string, mask: string): string {
    return replaceRanges(text, this.ranges(text), mask);
  }
}

/** `text` with each of the ordered, disjoint `ranges` replaced by `mask`; the very same string when there are none. */
export function replaceRanges(text: string, ranges: readonly (readonly [number, number])[], mask: string): string {
  if (ranges.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += text.slice(from, start) + mask;
    from = end;
  }
  return out + text.slice(from);
}

/** Found ranges (in the order their anchors were met) sorted and merged where they overlap or touch. */
function merged(found: [number, number][]): [number, number][] {
  if (found.length < 2) return found;
  found.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [found[0]!];
  for (let k = 1; k < found.length; k++) {
    const last = out[out.length - 1]!;
    const [start, end] = found[k]!;
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** The compiled tables of an {@link AnchorMatcher}. */
export class AnchorTables {
  constructor(
    readonly patterns: readonly string[],
    readonly bits: number,
    readonly start: Int32Array,
    readonly pattern: Int32Array,
    readonly offset: Int32Array,
    readonly hash: Int32Array,
  ) {}
}

/** Compiles `patterns` in slices, giving the event loop a turn every few ms (README, "Performance"). */
export async function compileAnchorMatcher(patterns: Iterable<string>): Promise<AnchorMatcher> {
  return new AnchorMatcher(await runSliced(anchorWork(patterns)));
}

/**
 * Builds the tables as sliceable work: patterns are read lazily
 * (computing them is sliced too), and each is filed under the least loaded
 * of a few windows of itself (the best of several choices keeps every slot
 * short). Throws on a pattern shorter than {@link WINDOW}: it could not be
 * found, and a masker must not silently miss a value.
 */
export function* anchorWork(source: Iterable<string>): SliceableWork<AnchorTables> {
  // No set to drop repeats: hashing every form costs more than the rare repeat (two values sharing a line), which only matches twice.
  const patterns: string[] = [];
  let units = 0;
  for (const pattern of source) {
    if (pattern.length < WINDOW) throw new RangeError(`a masked form is shorter than ${WINDOW} characters`);
    patterns.push(pattern);
    units += pattern.length;
    if (units >= UNITS_PER_STEP) {
      units = 0;
      yield;
    }
  }
  // About four slots per pattern: most windows of a text land in an empty slot.
  let bits = 4;
  while (1 << bits < patterns.length * 4) bits++;
  // How many patterns are filed in each slot so far; each new one goes where the fewest are.
  const load = new Int32Array((1 << bits) + 1);
  const anchorSlot = new Int32Array(patterns.length);
  const offset = new Int32Array(patterns.length);
  const hashes = new Int32Array(patterns.length);
  units = 0;
  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p]!;
    chooseAnchor(pattern, p, load, bits, anchorSlot, offset, hashes);
    load[anchorSlot[p]!]!++;
    units += pattern.length;
    if (units >= UNITS_PER_STEP) {
      units = 0;
      yield;
    }
  }
  // Entries grouped by slot (a counting sort): slot s's entries are start[s] … start[s + 1] - 1.
  const start = load.fill(0);
  for (let p = 0; p < patterns.length; p++) start[anchorSlot[p]! + 1]!++;
  for (let s = 1; s < start.length; s++) start[s]! += start[s - 1]!;
  const fill = start.slice(0, start.length - 1);
  const entryPattern = new Int32Array(patterns.length);
  const entryOffset = new Int32Array(patterns.length);
  const entryHash = new Int32Array(patterns.length);
  for (let p = 0; p < patterns.length; p++) {
    const e = fill[anchorSlot[p]!]!++;
    entryPattern[e] = p;
    entryOffset[e] = offset[p]!;
    entryHash[e] = hashes[p]!;
  }
  return new AnchorTables(patterns, bits, start, entryPattern, entryOffset, entryHash);
}

/** Windows of a pattern considered for its anchor: spread over it, so a prefix or suffix that many values share does not decide. */
const CANDIDATES = 8;

/**
 * Writes pattern `p`'s anchor: of {@link CANDIDATES} windows spread over it,
 * the one whose slot holds the fewest patterns so far (the first of equals).
 * A plain function, not inlined in the generator, so V8 optimises it alone.
 */
function chooseAnchor(pattern: string, p: number, load: Int32Array, bits: number, anchorSlot: Int32Array, offset: Int32Array, hashes: Int32Array): void {
  const last = pattern.length - UNITS;
  const stride = Math.max(1, Math.floor(last / (CANDIDATES - 1)));
  let hash = 0;
  let best = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (i >= UNITS) hash = (hash - Math.imul(pattern.charCodeAt(i - UNITS), TOP)) | 0;
    hash = (Math.imul(hash, BASE) + pattern.charCodeAt(i)) | 0;
    const from = i + 1 - UNITS;
    if (from < 0 || (from % stride !== 0 && from !== last)) continue;
    const slot = slotOf(hash, bits);
    if (best < 0 || load[slot]! < best) {
      best = load[slot]!;
      anchorSlot[p] = slot;
      offset[p] = from;
      hashes[p] = hash;
    }
  }
}
