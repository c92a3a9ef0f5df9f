// Finds legacy `secret-manager` nodes in a flow configuration and describes where they are.
import type { FlowNodeConfig } from '../node-red/red-types';
import type { LegacyNode } from './status';

/** The node type flows used before the plugin existed. */
export const LEGACY_TYPE = 'secret-manager';

/** Every legacy node in `flows` (id, type, name, tab). */
export function findLegacyNodes(flows: readonly FlowNodeConfig[]): LegacyNode[] {
  return flows
    .filter((n) => n.type === LEGACY_TYPE)
    .map((n) => ({ id: n.id, type: n.type, name: n.name ?? '', z: n.z ?? '' }));
}

/** One log line naming how many legacy nodes there are and on which tabs (by label). */
export function describeLegacyNodes(nodes: readonly LegacyNode[], flows: readonly (FlowNodeConfig & { label?: string })[]): string {
  const labels = new Map(flows.filter((n) => n.type === 'tab' || n.type === 'subflow').map((n) => [n.id, n.label ?? n.name ?? n.id]));
  const tabs = [...new Set(nodes.map((n) => labels.get(n.z) ?? (n.z || 'global')))];
  return `${nodes.length} deprecated '${LEGACY_TYPE}' node(s) found on ${tabs.map((t) => `'${t}'`).join(', ')}: global.SECRETS replaces them; delete them (the editor offers to)`;
}
