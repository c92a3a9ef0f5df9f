// `${SECRETS.KEY}` references in node properties: parsing, resolving against a snapshot, finding them in flows, and who a change affects.
import type { MissingReference, ReferringNode } from '../../shared/contract';
import type { Snapshot } from './snapshot';

/** The prefix of a reference's variable name: `${SECRETS.KEY}` asks Node-RED for the variable `SECRETS.KEY`. */
export const REFERENCE_PREFIX = 'SECRETS.';
const NAME = '[A-Za-z0-9_-]{1,128}';
const REFERENCE = new RegExp(`\\$\\{SECRETS\\.(${NAME})(?:\\.(${NAME}))?\\}`, 'g');
const VARIABLE = new RegExp(`^SECRETS\\.(${NAME})(?:\\.(${NAME}))?$`);

/** One reference: a key, or a pair of a multi-pair secret. */
export interface Reference {
  key: string;
  field?: string;
}

/** How a reference is written: `SECRETS.KEY` or `SECRETS.KEY.field`. */
export function referenceText(ref: Reference): string {
  return `${REFERENCE_PREFIX}${ref.key}${ref.field === undefined ? '' : `.${ref.field}`}`;
}

/** The reference a variable name stands for (`SECRETS.KEY[.field]`), or undefined for any other name. */
export function parseVariable(name: string): Reference | undefined {
  const match = VARIABLE.exec(name);
  if (!match) return undefined;
  return match[2] === undefined ? { key: match[1]! } : { key: match[1]!, field: match[2] };
}

/**
 * The value a reference stands for now, or undefined when the space has no
 * such key (or the key is a multi-pair secret and no pair was named).
 */
export function resolveReference(snapshot: Snapshot, ref: Reference): string | undefined {
  const entry = snapshot.secrets[ref.key];
  if (typeof entry === 'string') return ref.field === undefined ? entry : undefined;
  if (entry === undefined || ref.field === undefined) return undefined;
  return entry[ref.field];
}

/** Every reference written in `value` (strings at any depth), in order. */
export function referencesIn(value: unknown, depth = 0): Reference[] {
  if (typeof value === 'string') {
    if (!value.includes('${SECRETS.')) return [];
    return [...value.matchAll(REFERENCE)].map((m) => (m[2] === undefined ? { key: m[1]! } : { key: m[1]!, field: m[2] }));
  }
  if (typeof value !== 'object' || value === null || depth > 16) return [];
  return Object.values(value).flatMap((item) => referencesIn(item, depth + 1));
}


/** The nodes that reference each secret key (in properties or credentials). */
export type ReferenceIndex = Map<string, { node: ReferringNode; ref: Reference }[]>;

/** Indexes the references of `nodes`; `credentialsOf` gives a node's stored credentials (references only, never values). */
export function indexReferences(nodes: readonly (ReferringNode & Record<string, unknown>)[], credentialsOf: (id: string) => unknown): ReferenceIndex {
  const index: ReferenceIndex = new Map();
  for (const node of nodes) {
    const { id, type, name, z } = node;
    const plain: ReferringNode = { id, type, ...(typeof name === 'string' ? { name } : {}), ...(typeof z === 'string' ? { z } : {}) };
    const seen = new Set<string>();
    for (const ref of [...referencesIn(node), ...referencesIn(credentialsOf(id))]) {
      const text = referenceText(ref);
      if (seen.has(text)) continue;
      seen.add(text);
      const list = index.get(ref.key) ?? [];
      list.push({ node: plain, ref });
      index.set(ref.key, list);
    }
  }
  return index;
}

/**
 * The ids of the nodes to restart after `keys` changed: the nodes that
 * reference one of them, and the nodes that use such a node as a config node
 * (a property whose value is its id), so an MQTT-out node follows its broker.
 */
export function affectedNodes(index: ReferenceIndex, keys: readonly string[], nodes: readonly Record<string, unknown>[]): string[] {
  const direct = new Set(keys.flatMap((key) => (index.get(key) ?? []).map((r) => r.node.id)));
  const users = nodes.filter((n) => typeof n.id === 'string' && !direct.has(n.id) && Object.entries(n).some(([prop, v]) => prop !== 'id' && prop !== 'z' && typeof v === 'string' && direct.has(v)));
  return [...direct, ...users.map((n) => n.id as string)];
}


/** The references of `index` that `snapshot` has no value for. */
export function missingReferences(index: ReferenceIndex, snapshot: Snapshot): MissingReference[] {
  const missing = new Map<string, ReferringNode[]>();
  for (const refs of index.values()) {
    for (const { node, ref } of refs) {
      if (resolveReference(snapshot, ref) !== undefined) continue;
      const text = referenceText(ref);
      missing.set(text, [...(missing.get(text) ?? []), node]);
    }
  }
  return [...missing].map(([reference, nodes]) => ({ reference, nodes })).sort((a, b) => a.reference.localeCompare(b.reference));
}
