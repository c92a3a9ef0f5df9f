// Which secret keys the deployed flows use, counted in nodes: what the fleet view shows. Key names and counts only.
import { SECRETS_KEY } from '../../shared/contract';
import { NAME_SOURCE } from '../../shared/names';
import { USAGE_REPORT_MAX_KEYS } from '../../shared/fleet-wire';
import type { KeyUsage } from '../../shared/fleet-wire';
import type { FlowNodeConfig } from './flow-nodes';
import { referencesIn } from './references';

const NAME = `(${NAME_SOURCE})`;
/** `SECRETS.KEY`, `SECRETS["KEY"]`, `global.SECRETS.KEY` (templates), `${SECRETS.KEY}`. */
const PATH = new RegExp(`${SECRETS_KEY}\\s*(?:\\.\\s*|\\[\\s*['"])${NAME}`, 'g');
/** `global.get('SECRETS').KEY` and `global.get("SECRETS")["KEY"]`. */
const GET = new RegExp(`get\\(\\s*['"]${SECRETS_KEY}['"]\\s*\\)\\s*(?:\\.\\s*|\\[\\s*['"])${NAME}`, 'g');

function keysIn(value: unknown, found: Set<string>, depth = 0): void {
  if (typeof value === 'string') {
    if (!value.includes(SECRETS_KEY)) return;
    for (const pattern of [PATH, GET]) for (const match of value.matchAll(pattern)) found.add(match[1]!);
    return;
  }
  if (typeof value !== 'object' || value === null || depth > 16) return;
  for (const item of Object.values(value)) keysIn(item, found, depth + 1);
}

/**
 * The keys each node's properties and credentials mention (function code,
 * change/inject/switch/http paths, templates, `${SECRETS.KEY}` references),
 * counted once per node, sorted by key. At most `maxKeys`: the manager
 * refuses a longer report whole, so beyond it the keys most nodes use are kept.
 */
export function keyUsage(nodes: readonly FlowNodeConfig[], credentialsOf: (id: string) => unknown, maxKeys = USAGE_REPORT_MAX_KEYS): KeyUsage[] {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const found = new Set<string>();
    keysIn(node, found);
    for (const ref of referencesIn(credentialsOf(node.id))) found.add(ref.key);
    for (const key of found) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let usage = [...counts].map(([key, count]) => ({ key, nodes: count }));
  if (usage.length > maxKeys) usage = usage.sort((a, b) => b.nodes - a.nodes || a.key.localeCompare(b.key)).slice(0, maxKeys);
  return usage.sort((a, b) => a.key.localeCompare(b.key));
}
