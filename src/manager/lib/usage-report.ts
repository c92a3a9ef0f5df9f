// A usage report as the fleet store keeps it: the entry type, reading a stored report back, and comparing two.
import { MAX_NODES_PER_KEY } from '../../shared/fleet-wire';
import type { KeyUsage } from '../../shared/fleet-wire';
import { nameProblem } from '../../shared/names';

export type { KeyUsage } from '../../shared/fleet-wire';

/** Orders entries by key (code units, as the database and the index compare). */
export function byKey(a: KeyUsage, b: KeyUsage): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Whether two reports, both sorted by key, say the same. */
export function sameUsage(a: readonly KeyUsage[], b: readonly KeyUsage[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.key === b[i]?.key && entry.nodes === b[i]?.nodes);
}

/**
 * A stored usage report, sorted by key; an unreadable or missing one is no
 * usage. Rows written before reports were bounded are held to today's rules:
 * valid names, one entry per key, whole counts from 1 to {@link MAX_NODES_PER_KEY}.
 */
export function parseStoredUsage(text: string): KeyUsage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const usage = new Map<string, number>();
  for (const entry of parsed as unknown[]) {
    const { key, nodes } = (entry ?? {}) as { key?: unknown; nodes?: unknown };
    if (typeof key !== 'string' || nameProblem(key) !== undefined || typeof nodes !== 'number' || !Number.isSafeInteger(nodes) || nodes <= 0) continue;
    usage.set(key, Math.min(nodes, MAX_NODES_PER_KEY));
  }
  return [...usage].map(([key, nodes]) => ({ key, nodes })).sort(byKey);
}
