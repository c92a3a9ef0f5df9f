// Finds legacy `secret-manager` nodes in a flow configuration and describes where they are.
import { NODE_TYPES } from '../../shared/contract';
import type { LegacyNode } from '../../shared/contract';
import { counted } from './counted';
import type { FlowNodeConfig } from './flow-nodes';

const LEGACY_TYPE = NODE_TYPES.legacy;

/** Every legacy node in `flows` (id, type, name, tab). */
export function findLegacyNodes(flows: readonly FlowNodeConfig[]): LegacyNode[] {
  return flows
    .filter((n) => n.type === LEGACY_TYPE)
    .map((n) => ({ id: n.id, type: n.type, name: n.name ?? '', z: n.z ?? '' }));
}

/** One log line naming how many legacy nodes there are and on which tabs (by label). */
export function describeLegacyNodes(nodes: readonly LegacyNode[], flows: readonly FlowNodeConfig[]): string {
  const labels = new Map(flows.filter((n) => n.type === 'tab' || n.type === 'subflow').map((n) => [n.id, n.label ?? n.name ?? n.id]));
  const tabs = [...new Set(nodes.map((n) => labels.get(n.z) ?? (n.z || 'global')))];
  return `${counted(nodes.length, `deprecated '${LEGACY_TYPE}' node`, `deprecated '${LEGACY_TYPE}' nodes`)} found on ${tabs.map((t) => `'${t}'`).join(', ')}: global.SECRETS replaces them; delete them (the editor offers to)`;
}
