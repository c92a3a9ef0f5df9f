// Finds every occurrence of many strings in one pass over a text: an Aho–Corasick automaton over UTF-16 code units.
import { BranchTable } from './branch-table';
import type { BranchTableData } from './branch-table';
import { runNow, runSliced } from './time-slice';
import type { SliceableWork } from './time-slice';

/**
 * A compiled set of patterns. Built once per sync, then every scan costs
 * O(text length + matches), whatever the number of patterns.
 *
 * Written here rather than taken from npm: the maintained packages either
 * match whole grapheme clusters only (a secret followed by a combining mark
 * would then not be found, which is a leak for a masker) or keep about 8 KB
 * of heap per pattern (65 MB for 8,000 patterns). This one keeps the trie in
 * typed arrays, the states that branch in a typed hash table, so a compile
 * can run in a worker thread and hand its arrays over (README, "What is
 * masked").
 */
export class SecretMatcher {
  /** The first child of each state: its code unit plus one (0 for none) and the child. Most states have one (a chain). */
  readonly #firstUnit: Int32Array;
  readonly #firstChild: Int32Array;
  /** The root's transitions, by code unit (0 for none): the root is where most failure links end. */
  readonly #root: Int32Array;
  /** Whether a state has transitions besides its first. */
  readonly #branches: Uint8Array;
  /** Every other transition: (state, code unit) → next state. */
  readonly #more: BranchTable;
  /** Failure link of each state. */
  readonly #fail: Int32Array;
  /** Length of the longest pattern that ends at each state (itself or through failure links); 0 for none. */
  readonly #longest: Int32Array;
  /** How many distinct patterns were compiled. */
  readonly size: number;

  /** Compiles `patterns` at once; {@link compileMatcher} does the same in slices. */
  constructor(patterns: Iterable<string> | MatcherTables) {
    const tables = patterns instanceof MatcherTables ? patterns : runNow(matcherWork(patterns));
    this.#firstUnit = tables.firstUnit;
    this.#firstChild = tables.firstChild;
    this.#root = tables.root;
    this.#branches = tables.branches;
    this.#more = tables.more;
    this.#fail = tables.fail;
    this.#longest = tables.longest;
    this.size = tables.size;
  }

  /** The state after `state` on `code`, or undefined when there is no such transition. */
  #step(state: number, code: number): number | undefined {
    if (state === 0) return this.#root[code] || undefined;
    if (this.#firstUnit[state] === code + 1) return this.#firstChild[state];
    return this.#branches[state] === 1 ? this.#more.get(state, code) : undefined;
  }

  /** The ranges `[start, end)` of `text` covered by any pattern, overlapping and touching ones merged, in order. */
  ranges(text: string): [number, number][] {
    const out: [number, number][] = [];
    if (this.size === 0) return out;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      for (;;) {
        const child = this.#step(state, code);
        if (child !== undefined) {
          state = child;
          break;
        }
        if (state === 0) break;
        state = this.#fail[state]!;
      }
      const length = this.#longest[state]!;
      if (length === 0) continue;
      let start = i + 1 - length;
      // A longer match can start before ranges already found: fold them into it.
      while (out.length > 0 && out[out.length - 1]![1] >= start) start = Math.min(start, out.pop()![0]);
      out.push([start, i + 1]);
    }
    return out;
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

/** The arrays of a compiled automaton, as posted between threads. */
export interface MatcherTablesData {
  firstUnit: Int32Array;
  firstChild: Int32Array;
  root: Int32Array;
  branches: Uint8Array;
  more: BranchTableData;
  fail: Int32Array;
  longest: Int32Array;
  size: number;
}

/** The compiled automaton: typed arrays, plus a typed hash table for the states that branch. */
export class MatcherTables {
  constructor(
    readonly firstUnit: Int32Array,
    readonly firstChild: Int32Array,
    readonly root: Int32Array,
    readonly branches: Uint8Array,
    readonly more: BranchTable,
    readonly fail: Int32Array,
    readonly longest: Int32Array,
    readonly size: number,
  ) {}

  /** The tables as plain arrays, and the buffers to transfer with them. */
  toData(): { data: MatcherTablesData; transfer: ArrayBuffer[] } {
    const data: MatcherTablesData = { firstUnit: this.firstUnit, firstChild: this.firstChild, root: this.root, branches: this.branches, more: this.more.data, fail: this.fail, longest: this.longest, size: this.size };
    const arrays = [data.firstUnit, data.firstChild, data.root, data.branches, data.more.keys, data.more.values, data.fail, data.longest];
    return { data, transfer: [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))] };
  }

  /** Tables rebuilt from {@link toData}'s arrays, as they arrive from another thread. */
  static fromData(data: MatcherTablesData): MatcherTables {
    return new MatcherTables(data.firstUnit, data.firstChild, data.root, data.branches, new BranchTable(data.more), data.fail, data.longest, data.size);
  }
}

/** Compiles `patterns` in slices, giving the event loop a turn every few ms (README, "Performance"). */
export async function compileMatcher(patterns: Iterable<string>): Promise<SecretMatcher> {
  return new SecretMatcher(await runSliced(matcherWork(patterns)));
}

/** Patterns computed or inserted, or states visited, between two points where a sliced compile may pause. */
const PATTERNS_PER_STEP = 128;
const STATES_PER_STEP = 16_384;

/**
 * Builds the automaton of `patterns` as sliceable work. `patterns` is read
 * lazily, a few at a time, so computing them (the forms of each value) is
 * sliced too; then every array is allocated once at its final size (no
 * growing copies), and each pass over the states pauses every few thousand.
 */
export function* matcherWork(patterns: Iterable<string>): SliceableWork<MatcherTables> {
  const list: string[] = [];
  // At most one state per pattern character, plus the root.
  let capacity = 1;
  for (const pattern of patterns) {
    if (list.push(pattern) % PATTERNS_PER_STEP === 0) yield;
    capacity += pattern.length;
  }
  const parent = new Int32Array(capacity);
  const unit = new Int32Array(capacity);
  const depth = new Int32Array(capacity);
  const terminal = new Int32Array(capacity);
  // The code unit of each state's first child, plus one: 0 means none, so no fill pass is needed.
  const firstUnit = new Int32Array(capacity);
  const firstChild = new Int32Array(capacity);
  const branches = new Uint8Array(capacity);
  const root = new Int32Array(65536);
  const more = new Map<number, number>();
  const step = (state: number, code: number): number | undefined => {
    if (state === 0) return root[code] || undefined;
    if (firstUnit[state] === code + 1) return firstChild[state];
    return branches[state] === 1 ? more.get(state * 65536 + code) : undefined;
  };
  let count = 1;
  let size = 0;
  for (let n = 0; n < list.length; n++) {
    if (n % PATTERNS_PER_STEP === PATTERNS_PER_STEP - 1) yield;
    const pattern = list[n]!;
    if (pattern.length === 0) continue;
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      let child = step(state, code);
      if (child === undefined) {
        child = count++;
        if (firstUnit[state] === 0) {
          firstUnit[state] = code + 1;
          firstChild[state] = child;
        } else {
          more.set(state * 65536 + code, child);
          branches[state] = 1;
        }
        if (state === 0) root[code] = child;
        parent[child] = state;
        unit[child] = code;
        depth[child] = depth[state]! + 1;
      }
      state = child;
    }
    // A pattern seen twice ends where it ended before: count it once.
    if (terminal[state] === 0) size++;
    terminal[state] = pattern.length;
  }
  list.length = 0;
  const fail = new Int32Array(count);
  const longest = new Int32Array(count);
  // Failure links need every shallower state done first: visit states by depth (a counting sort).
  const order = yield* statesByDepth(depth.subarray(0, count));
  for (let k = 1; k < order.length; k++) {
    if (k % STATES_PER_STEP === 0) yield;
    const state = order[k]!;
    const code = unit[state]!;
    let fallback = parent[state] === 0 ? -1 : fail[parent[state]!]!;
    let link = 0;
    while (fallback >= 0) {
      const candidate = step(fallback, code);
      if (candidate !== undefined && candidate !== state) {
        link = candidate;
        break;
      }
      fallback = fallback === 0 ? -1 : fail[fallback]!;
    }
    fail[state] = link;
    longest[state] = terminal[state]! > 0 ? terminal[state]! : longest[link]!;
  }
  yield;
  return new MatcherTables(firstUnit, firstChild, root, branches, BranchTable.from(more), fail, longest, size);
}

/** The states ordered by depth (a counting sort), as sliceable work. */
function* statesByDepth(depth: Int32Array): SliceableWork<Int32Array> {
  let max = 0;
  for (let state = 0; state < depth.length; state++) {
    if (state % STATES_PER_STEP === 0) yield;
    if (depth[state]! > max) max = depth[state]!;
  }
  const starts = new Int32Array(max + 2);
  for (let state = 0; state < depth.length; state++) {
    if (state % STATES_PER_STEP === 0) yield;
    starts[depth[state]! + 1]!++;
  }
  for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
  const order = new Int32Array(depth.length);
  for (let state = 0; state < depth.length; state++) {
    if (state % STATES_PER_STEP === 0) yield;
    order[starts[depth[state]!]!++] = state;
  }
  return order;
}
