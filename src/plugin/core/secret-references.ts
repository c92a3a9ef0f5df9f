// Secrets as variables in any node property (`${SECRETS.KEY}`, `env` inputs, `$env`, `env.get`): missing keys named, nodes that read them at start restarted when a key changes.
import { EventEmitter } from 'node:events';
import type { ReferencesStatus, ReferringNode } from '../../shared/contract';
import type { PluginLogger } from './logger';
import { counted } from './counted';
import type { FlowNodeConfig } from './flow-nodes';
import type { Publication } from './publication';
import { affectedNodes, indexReferences, missingReferences } from './references';
import type { ReferenceIndex } from './references';
import { EMPTY_SNAPSHOT, isEmptyDiff, sameEntry } from './snapshot';
import type { Snapshot } from './snapshot';

/** Why `${SECRETS.KEY}` does not resolve when the runtime bridge could not hook the lookup (README, "Secrets in any node property"). */
export const VARIABLES_UNAVAILABLE = "this Node-RED's runtime could not be hooked: ${SECRETS.KEY} in node properties does not resolve (global.SECRETS still works)";

/** What the references need from the plugin. */
export interface ReferencesDeps {
  /** A node's stored credentials (`RED.nodes.getCredentials`): references, never values. */
  credentialsOf: (id: string) => unknown;
  logger: PluginLogger;
  restartOnChange: boolean;
  /** Restarts exactly these nodes as a "modified nodes" deploy of them would; undefined where this Node-RED cannot (the nodes then wait for a restart by hand). */
  restart: ((ids: readonly string[]) => Promise<void>) | undefined;
  /** Whether Node-RED's `${…}` lookup answers SECRETS.* (the runtime bridge's `variables` hook took). */
  resolvable: boolean;
  /** Shows `text` as the status badge of node `id` (a node that lacks a referenced key). */
  setNodeStatus: (id: string, text: string) => void;
}

/** Events of the references: the status part whenever it changed, and the nodes just restarted (for the editor's notification). */
export interface ReferencesEvents {
  status: [ReferencesStatus];
  restarted: [{ keys: string[]; nodes: ReferringNode[] }];
}

/**
 * The keys the flows reference whose value differs between `before` and
 * `after` (added, changed or removed), sorted: what a sync's diff says of
 * them, worked out over the flows' few references instead of every changed
 * key (a mass rotation changes 10,000; README, "Performance").
 */
function changedReferencedKeys(index: ReferenceIndex, before: Snapshot, after: Snapshot): string[] {
  const keys: string[] = [];
  for (const key of index.keys()) if (!sameEntry(before.secrets[key], after.secrets[key])) keys.push(key);
  return keys.sort();
}

const describe = (n: ReferringNode): string => `${n.type}${n.name ? ` '${n.name}'` : ''} (${n.id})`;

/**
 * Tracks the references of the deployed flows against the current
 * publication: which are missing (worked out when the flows or the secrets
 * change, never per status read), and which nodes to restart when a key
 * they read as they start changed.
 */
export class SecretReferences extends EventEmitter<ReferencesEvents> {
  readonly #deps: ReferencesDeps;
  #snapshot: Snapshot = EMPTY_SNAPSHOT;
  #flows: FlowNodeConfig[] = [];
  #index: ReferenceIndex = new Map();
  #status: ReferencesStatus;

  constructor(deps: ReferencesDeps) {
    super();
    this.#deps = deps;
    this.#status = { missing: [], restarted: null, pending: [], unavailable: deps.resolvable ? null : VARIABLES_UNAVAILABLE };
  }

  /** What the status shows. */
  status(): ReferencesStatus {
    return this.#status;
  }

  /** On every start of the flows: index the deployed flows' references and name the missing ones. */
  flowsStarted(flows: readonly FlowNodeConfig[]): void {
    this.#flows = flows.filter((n) => typeof n.id === 'string' && typeof n.type === 'string');
    this.#index = indexReferences(this.#flows, this.#deps.credentialsOf);
    this.#warnMissing();
    this.#report({});
  }

  /**
   * Takes each publication: a change of keys that nodes read as they start
   * restarts those nodes (or marks them pending). Never throws: a failed
   * restart is logged and the nodes stay as they were.
   */
  published(publication: Publication): void {
    const before = this.#snapshot;
    this.#snapshot = publication.snapshot;
    if (isEmptyDiff(publication.diff)) return;
    this.#changed(changedReferencedKeys(this.#index, before, publication.snapshot)).catch((err: unknown) =>
      this.#deps.logger.error(`restarting the nodes that use changed secrets failed (${err instanceof Error ? err.name : 'error'})`),
    );
  }

  /** "Restart affected nodes": restarts the pending nodes; answers them. */
  async restartPending(): Promise<ReferringNode[]> {
    const nodes = this.#status.pending;
    if (nodes.length > 0 && this.#deps.restart) await this.#restart(nodes, []);
    return nodes;
  }

  async #changed(keys: string[]): Promise<void> {
    const ids = affectedNodes(this.#index, keys, this.#flows);
    if (ids.length === 0) {
      // Keys nobody restarts for may still be the ones a reference lacked (or now lacks).
      this.#report({});
      return;
    }
    const nodes = ids.map((id) => this.#node(id));
    const used = keys.filter((key) => this.#index.get(key)?.some((r) => !r.live));
    if (!this.#deps.restartOnChange || !this.#deps.restart) {
      const known = new Set(this.#status.pending.map((n) => n.id));
      this.#deps.logger.warn(`secrets used by ${counted(nodes.length, 'node', 'nodes')} changed (${used.join(', ')}): restart them from the Secrets sidebar to use the new values: ${nodes.map(describe).join(', ')}`);
      this.#report({ pending: [...this.#status.pending, ...nodes.filter((n) => !known.has(n.id))] });
      return;
    }
    await this.#restart(nodes, used);
    this.#warnMissing();
  }

  async #restart(nodes: readonly ReferringNode[], keys: string[]): Promise<void> {
    await this.#deps.restart!(nodes.map((n) => n.id));
    const restartedIds = new Set(nodes.map((n) => n.id));
    this.#deps.logger.info(`restarted ${counted(nodes.length, 'node', 'nodes')} that use changed secrets${keys.length ? ` (${keys.join(', ')})` : ''}: ${nodes.map(describe).join(', ')}`);
    this.emit('restarted', { keys, nodes: [...nodes] });
    this.#report({ pending: this.#status.pending.filter((n) => !restartedIds.has(n.id)), restarted: { at: new Date().toISOString(), keys, nodes: [...nodes] } });
  }

  /** Works the missing references out again and hands the status on. */
  #report(patch: Partial<ReferencesStatus>): void {
    this.#status = { ...this.#status, ...patch, missing: missingReferences(this.#index, this.#snapshot) };
    this.emit('status', this.#status);
  }

  #warnMissing(): void {
    for (const missing of missingReferences(this.#index, this.#snapshot)) {
      this.#deps.logger.warn(`\${${missing.reference}} is not in this space: ${missing.nodes.map(describe).join(', ')} got an empty value`);
      for (const node of missing.nodes) this.#deps.setNodeStatus(node.id, `missing \${${missing.reference}}`);
    }
  }

  #node(id: string): ReferringNode {
    const found = this.#flows.find((n) => n.id === id);
    return found ? { id, type: found.type, ...(found.name ? { name: found.name } : {}), ...(found.z ? { z: found.z } : {}) } : { id, type: 'unknown' };
  }
}
