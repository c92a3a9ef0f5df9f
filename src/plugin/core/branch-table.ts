// The matcher's rare transitions (states with more than one child) as an open-addressing hash table in typed arrays, so a compiled matcher can move between threads.

/** Typed arrays of a {@link BranchTable}, as posted between threads (their buffers are transferred). */
export interface BranchTableData {
  keys: Float64Array;
  values: Int32Array;
}

/** Where (state, code unit) starts looking, within `mask`. */
function slot(state: number, code: number, mask: number): number {
  return (Math.imul(state, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
}

/**
 * Maps (state, code unit) to the next state, for the transitions that do not
 * fit the one-child-per-state arrays. Read-only once built; -1 marks an empty
 * slot (keys are never negative).
 */
export class BranchTable {
  readonly #keys: Float64Array;
  readonly #values: Int32Array;
  readonly #mask: number;

  constructor(data: BranchTableData) {
    this.#keys = data.keys;
    this.#values = data.values;
    this.#mask = data.keys.length - 1;
  }

  /** A table holding `entries` (at most half full, so a lookup ends within a few slots). */
  static from(entries: Map<number, number>): BranchTable {
    let size = 2;
    while (size < entries.size * 2) size *= 2;
    const keys = new Float64Array(size).fill(-1);
    const values = new Int32Array(size);
    const mask = size - 1;
    for (const [key, value] of entries) {
      let i = slot(Math.floor(key / 65536), key % 65536, mask);
      while (keys[i] !== -1) i = (i + 1) & mask;
      keys[i] = key;
      values[i] = value;
    }
    return new BranchTable({ keys, values });
  }

  /** The next state for `code` in `state`, or undefined. */
  get(state: number, code: number): number | undefined {
    const key = state * 65536 + code;
    for (let i = slot(state, code, this.#mask); ; i = (i + 1) & this.#mask) {
      const at = this.#keys[i]!;
      if (at === key) return this.#values[i];
      if (at === -1) return undefined;
    }
  }

  /** The arrays, to post to another thread. */
  get data(): BranchTableData {
    return { keys: this.#keys, values: this.#values };
  }
}
