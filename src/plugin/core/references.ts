// Secret references in node properties (`${SECRETS.KEY}` and the other forms of reference-forms.ts): resolving, indexing the flows, and who a change affects.
import type { MissingReference, ReferringNode } from '../../shared/contract';
import type { FlowNodeConfig } from './flow-nodes';
import { nodeReferences, parseVariable, referenceText } from './reference-forms';
import type { Reference } from './reference-forms';
import type { Snapshot } from './snapshot';

export { REFERENCE_PREFIX, parseVariable, referenceText, referencesIn } from './reference-forms';
export type { Reference } from './reference-forms';

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

/**
 * What Node-RED's last lookup of a `${name}` (after node, group, flow and
 * global env) answers: only `SECRETS.*` names are claimed, so a normal
 * environment variable is never shadowed; a key the space lacks answers the
 * empty text, never the reference's own.
 */
export function claimVariable(snapshot: Snapshot, name: unknown): { claimed: boolean; value?: string } {
  const ref = typeof name === 'string' ? parseVariable(name) : undefined;
  if (!ref) return { claimed: false };
  return { claimed: true, value: resolveReference(snapshot, ref) ?? '' };
}

/** The nodes that reference each secret key (in properties or credentials); `live` ones read the value at each use. */
export type ReferenceIndex = Map<string, { node: ReferringNode; ref: Reference; live: boolean }[]>;

/** Indexes the references of `nodes`; `credentialsOf` gives a node's stored credentials (references only, never values). */
export function indexReferences(nodes: readonly FlowNodeConfig[], credentialsOf: (id: string) => unknown): ReferenceIndex {
  const index: ReferenceIndex = new Map();
  for (const node of nodes) {
    const { id, type, name, z } = node;
    const plain: ReferringNode = { id, type, ...(typeof name === 'string' ? { name } : {}), ...(typeof z === 'string' ? { z } : {}) };
    const seen = new Set<string>();
    // Read-at-start forms come first: a reference found in both forms makes the node one to restart.
    for (const { ref, live } of nodeReferences(node, credentialsOf(id))) {
      const text = referenceText(ref);
      if (seen.has(text)) continue;
      seen.add(text);
      const list = index.get(ref.key) ?? [];
      list.push({ node: plain, ref, live });
      index.set(ref.key, list);
    }
  }
  return index;
}

/**
 * The ids of the nodes to restart after `keys` changed: the nodes that read
 * one of them as they start, and the nodes that use such a node as a config
 * node (a property whose value is its id), so an MQTT-out node follows its
 * broker. Nodes that look the key up at each use follow without a restart.
 */
export function affectedNodes(index: ReferenceIndex, keys: readonly string[], nodes: readonly Record<string, unknown>[]): string[] {
  const direct = new Set(keys.flatMap((key) => (index.get(key) ?? []).filter((r) => !r.live).map((r) => r.node.id)));
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
