// Paths into a node's properties as findings name them (`credentials.password`, `headers.0.valueValue`, `rules.1.to`): read one, and copy a value with one leaf replaced.

/** The segments of `path`; array indexes stay strings and index arrays as they do objects. */
export function segments(path: string): string[] {
  return path.split('.');
}

function child(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** The value at `path` under `root`, or undefined when a step is missing (own properties only). */
export function readPath(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) value = child(value, key);
  return value;
}

/**
 * Whether a key holding a dot could spell `path` under `root` another way
 * (`a.b` beside `a: { b }`, a node's own `credentials.password`): the
 * finding's path text may then name the other property, so nothing is replaced.
 */
export function ambiguousPath(root: unknown, path: readonly string[]): boolean {
  let value = root;
  for (let i = 0; i < path.length; i++) {
    for (let j = i + 2; j <= path.length; j++) if (child(value, path.slice(i, j).join('.')) !== undefined) return true;
    value = child(value, path[i]!);
  }
  return false;
}

/**
 * A deep copy of `value` with the string at `path` set to `leaf`, or undefined
 * when the path does not end at a string, or is {@link ambiguousPath}: the
 * move replaces a literal and nothing else (a node edited since the deploy
 * keeps what the user typed).
 */
export function replacePath(value: unknown, path: readonly string[], leaf: string): unknown {
  if (ambiguousPath(value, path)) return undefined;
  const [key, ...rest] = path;
  if (key === undefined) return typeof value === 'string' ? leaf : undefined;
  const next = child(value, key);
  if (next === undefined) return undefined;
  const replaced = replacePath(next, rest, leaf);
  if (replaced === undefined) return undefined;
  const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  (copy as Record<string, unknown>)[key] = replaced;
  return copy;
}

/**
 * What the property is called for a name: the last word of the path, or, in a
 * list of entries (`headers.0.valueValue`, `rules.1.to`), the name its entry
 * gives itself (the header `Authorization`, the property `msg.headers.token`).
 */
export function propertyLabel(root: unknown, path: readonly string[]): string {
  const last = path.length - 1;
  if (last >= 2 && /^\d+$/.test(path[last - 1]!)) {
    const entry = readPath(root, path.slice(0, last));
    for (const key of ['keyValue', 'name', 'key', 'p']) {
      const label = child(entry, key);
      if (typeof label === 'string' && label.trim() !== '' && key !== path[last]) return label;
    }
  }
  for (let i = last; i >= 0; i--) if (!/^\d+$/.test(path[i]!)) return path[i]!;
  return '';
}
