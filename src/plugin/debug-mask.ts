// Masks secret values in messages on their way to debug nodes, so the debug sidebar never shows them.
import { MASK } from './status';
import type { Snapshot } from './snapshot';

/** Values shorter than this are not masked: they would turn ordinary words and numbers into masks. */
export const MIN_MASKED_LENGTH = 4;
const MAX_DEPTH = 32;

/** Every value of the snapshot worth masking, longest first so a long secret is masked before one it contains. */
export function secretValues(snapshot: Snapshot): string[] {
  const values = new Set<string>();
  for (const entry of Object.values(snapshot.secrets)) {
    for (const value of typeof entry === 'string' ? [entry] : Object.values(entry)) {
      if (value.length >= MIN_MASKED_LENGTH) values.add(value);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

// A plain object from any realm: function nodes build messages inside a vm sandbox, whose
// Object.prototype is not this one; what marks them plain is a prototype that itself has none.
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function maskString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/**
 * Returns a copy of `value` with every occurrence of a secret replaced by the
 * mask. Plain objects and arrays are copied, so the sender's message is never
 * modified; Buffers are replaced only when they held a secret; other objects
 * (sockets, requests, dates) pass through untouched. Cycle-safe, depth-limited.
 */
export function maskSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskString(v, secrets);
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
    if (Buffer.isBuffer(v)) {
      const text = v.toString('utf8');
      const masked = maskString(text, secrets);
      return masked === text ? v : Buffer.from(masked, 'utf8');
    }
    if (!isPlain(v)) return v;
    if (seen.has(v)) return seen.get(v);
    const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
    // Registered before the walk so a cycle points at the copy, as it pointed at the original.
    seen.set(v, copy);
    for (const [key, item] of Object.entries(v)) (copy as Record<string, unknown>)[key] = walk(item, depth + 1);
    return copy;
  };
  return walk(value, 0);
}
