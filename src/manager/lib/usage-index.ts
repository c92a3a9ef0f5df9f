// Where each key is used, per space: the nodes and instances of every key, kept in step with each usage report, forget and expiry.
import type { KeyUsage } from './usage-report';

/** A key's use in one space, or summed over several. */
export interface KeyTotals {
  nodes: number;
  instances: number;
}

/** The instances of one space that use one key: their nodes by instance id, and the sum. */
interface KeyUsers {
  nodes: number;
  byInstance: Map<string, number>;
}

/**
 * Usage by space and key, so "is this key in use" and "where is it used"
 * cost as much as the keys asked about, never a pass over every instance's
 * report. The fleet store feeds it each report it accepts and removes each
 * report it drops; the database keeps the reports themselves.
 */
export class UsageIndex {
  readonly #spaces = new Map<string, Map<string, KeyUsers>>();

  /** Adds the report `usage` of instance `id` of `space` (entries with 0 nodes count nowhere). */
  add(space: string, id: string, usage: readonly KeyUsage[]): void {
    if (usage.length === 0) return;
    let keys = this.#spaces.get(space);
    if (!keys) this.#spaces.set(space, (keys = new Map<string, KeyUsers>()));
    for (const { key, nodes } of usage) {
      if (nodes <= 0) continue;
      let users = keys.get(key);
      if (!users) keys.set(key, (users = { nodes: 0, byInstance: new Map() }));
      users.nodes += nodes - (users.byInstance.get(id) ?? 0);
      users.byInstance.set(id, nodes);
    }
  }

  /** Removes the report `usage` of instance `id` of `space`, as it was added. */
  remove(space: string, id: string, usage: readonly KeyUsage[]): void {
    const keys = this.#spaces.get(space);
    if (!keys) return;
    for (const { key } of usage) {
      const users = keys.get(key);
      const nodes = users?.byInstance.get(id);
      if (!users || nodes === undefined) continue;
      users.byInstance.delete(id);
      users.nodes -= nodes;
      if (users.byInstance.size === 0) keys.delete(key);
    }
    if (keys.size === 0) this.#spaces.delete(space);
  }

  /** The totals of every key used in `space`. */
  *totals(space: string): Generator<[string, KeyTotals]> {
    for (const [key, users] of this.#spaces.get(space) ?? []) yield [key, { nodes: users.nodes, instances: users.byInstance.size }];
  }

  /** The instances of `space` that use `key`, with their nodes, by instance id; empty when none does. */
  users(space: string, key: string): ReadonlyMap<string, number> {
    return this.#spaces.get(space)?.get(key)?.byInstance ?? new Map<string, number>();
  }

  /** The spaces where some instance uses some key. */
  spaces(): IterableIterator<string> {
    return this.#spaces.keys();
  }
}
