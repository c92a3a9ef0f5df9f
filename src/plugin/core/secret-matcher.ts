// Finds every occurrence of many strings in one pass over a text: an Aho–Corasick automaton over UTF-16 code units.

/**
 * A compiled set of patterns. Built once per sync, then every scan costs
 * O(text length + matches), whatever the number of patterns.
 *
 * Written here rather than taken from npm: the maintained packages either
 * match whole grapheme clusters only (a secret followed by a combining mark
 * would then not be found, which is a leak for a masker) or keep about 8 KB
 * of heap per pattern (65 MB for 8,000 patterns). This one keeps the trie in
 * typed arrays, with a Map only for the states that branch (README, "What is
 * masked").
 */
export class SecretMatcher {
  /** The first child of each state: its code unit (-1 for none) and the child. Most states have one (a chain). */
  readonly #firstUnit: Int32Array;
  readonly #firstChild: Int32Array;
  /** The root's transitions, by code unit (0 for none): the root is where most failure links end. */
  readonly #root = new Int32Array(65536);
  /** Whether a state has transitions besides its first. */
  readonly #branches: Uint8Array;
  /** Every other transition: `state * 65536 + codeUnit` → next state. */
  readonly #more = new Map<number, number>();
  /** Failure link of each state. */
  readonly #fail: Int32Array;
  /** Length of the longest pattern that ends at each state (itself or through failure links); 0 for none. */
  readonly #longest: Int32Array;
  /** How many distinct patterns were compiled. */
  readonly size: number;

  constructor(patterns: Iterable<string>) {
    const unique = [...new Set(patterns)].filter((p) => p.length > 0);
    // At most one state per pattern character, plus the root: typed arrays of that size, no growing.
    let capacity = 1;
    for (const pattern of unique) capacity += pattern.length;
    const parent = new Int32Array(capacity);
    const unit = new Int32Array(capacity);
    const depth = new Int32Array(capacity);
    const terminal = new Int32Array(capacity);
    const firstUnit = new Int32Array(capacity).fill(-1);
    const firstChild = new Int32Array(capacity);
    const branches = new Uint8Array(capacity);
    let count = 1;
    for (const pattern of unique) {
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const code = pattern.charCodeAt(i);
        const first = firstUnit[state]!;
        let child = first === code ? firstChild[state] : branches[state] === 1 ? this.#more.get(state * 65536 + code) : undefined;
        if (child === undefined) {
          child = count++;
          if (first === -1) {
            firstUnit[state] = code;
            firstChild[state] = child;
          } else {
            this.#more.set(state * 65536 + code, child);
            branches[state] = 1;
          }
          if (state === 0) this.#root[code] = child;
          parent[child] = state;
          unit[child] = code;
          depth[child] = depth[state]! + 1;
        }
        state = child;
      }
      terminal[state] = pattern.length;
    }
    this.size = unique.length;
    this.#firstUnit = firstUnit;
    this.#firstChild = firstChild;
    this.#branches = branches;
    this.#fail = new Int32Array(count);
    this.#longest = new Int32Array(count);
    // Failure links need every shallower state done first: visit states by depth (a counting sort).
    for (const state of statesByDepth(depth.subarray(0, count))) {
      if (state === 0) continue;
      const code = unit[state]!;
      let fallback = parent[state] === 0 ? -1 : this.#fail[parent[state]!]!;
      let link = 0;
      while (fallback >= 0) {
        const candidate = this.#step(fallback, code);
        if (candidate !== undefined && candidate !== state) {
          link = candidate;
          break;
        }
        fallback = fallback === 0 ? -1 : this.#fail[fallback]!;
      }
      this.#fail[state] = link;
      this.#longest[state] = terminal[state]! > 0 ? terminal[state]! : this.#longest[link]!;
    }
  }

  /** The state after `state` on `code`, or undefined when there is no such transition. */
  #step(state: number, code: number): number | undefined {
    if (state === 0) return this.#root[code] || undefined;
    if (this.#firstUnit[state] === code) return this.#firstChild[state];
    return this.#branches[state] === 1 ? this.#more.get(state * 65536 + code) : undefined;
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
    const ranges = this.ranges(text);
    if (ranges.length === 0) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + mask;
      from = end;
    }
    return out + text.slice(from);
  }
}

function statesByDepth(depth: Int32Array): Int32Array {
  let max = 0;
  for (const d of depth) if (d > max) max = d;
  const starts = new Int32Array(max + 2);
  for (const d of depth) starts[d + 1]!++;
  for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
  const order = new Int32Array(depth.length);
  for (let state = 0; state < depth.length; state++) order[starts[depth[state]!]!++] = state;
  return order;
}
