// Counts the console shows, held to sane numbers whatever the manager answers: whole, not negative, and summed without overflow.
import { MAX_NODES_PER_KEY } from '../../../shared/fleet-wire';

/** `value` if it is a whole number from 0 to `max`; `max` above that; 0 for anything else (text, NaN, a fraction, a negative). */
export function count(value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return 0;
  return Math.min(value, max);
}

/** A key's use as shown: instances counted, nodes at most what that many instances can report. */
export function keyUse(value: unknown): { nodes: number; instances: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { nodes, instances } = value as { nodes?: unknown; instances?: unknown };
  const shown = count(instances);
  if (shown === 0) return undefined;
  return { nodes: count(nodes, Math.min(Number.MAX_SAFE_INTEGER, shown * MAX_NODES_PER_KEY)), instances: shown };
}
