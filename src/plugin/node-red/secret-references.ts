// Secrets as variables in any node property (`${SECRETS.KEY}`, `env` inputs, `$env`, `env.get`): resolved by Node-RED's own lookup, missing keys named, nodes that read them at start restarted when a key changes.
import type { ReferencesStatus, ReferringNode, SecretsChangedEvent } from '../../shared/contract';
import type { PluginLogger } from '../core/logger';
import { affectedNodes, indexReferences, missingReferences, parseVariable, resolveReference } from '../core/references';
import type { ReferenceIndex } from '../core/references';
import type { Snapshot } from '../core/snapshot';
import { counted } from '../core/counted';
import { claimVariables, flowsModule, flowsUtilModule, restartNodes } from './runtime-internals';
import type { FlowsModule } from './runtime-internals';

/** What the references need from the plugin. */
export interface ReferencesDeps {
  snapshot: () => Snapshot;
  /** A node's stored credentials (`RED.nodes.getCredentials`): references, never values. */
  credentialsOf: (id: string) => unknown;
  logger: PluginLogger;
  restartOnChange: boolean;
  /** Called when what the status shows of the references changed. */
  onStatus: () => void;
  /** Shows `text` as the status badge of node `id` (a node that lacks a referenced key). */
  setNodeStatus: (id: string, text: string) => void;
  /** Called with the nodes just restarted (for the editor's notification). */
  onRestarted: (event: { keys: string[]; nodes: ReferringNode[] }) => void;
}

const describe = (n: ReferringNode): string => `${n.type}${n.name ? ` '${n.name}'` : ''} (${n.id})`;

/** Tracks the references of the deployed flows. `start` makes them resolve; the undo it returns stops that. */
export class SecretReferences {
  readonly #deps: ReferencesDeps;
  #flows: (ReferringNode & Record<string, unknown>)[] = [];
  #index: ReferenceIndex = new Map();
  #restarted: ReferencesStatus['restarted'] = null;
  #pending: ReferringNode[] = [];
  #unavailable: string | null = null;
  #flowsModule: FlowsModule | undefined;
  /** True while this class restarts nodes: the flows:started that follows is not a deploy. */
  restarting = false;

  constructor(deps: ReferencesDeps) {
    this.#deps = deps;
  }

  /** Hooks the substitution; returns the undo. */
  start(): () => void {
    const util = flowsUtilModule();
    this.#flowsModule = flowsModule();
    if (!util) {
      this.#unavailable = "this Node-RED's runtime could not be hooked: ${SECRETS.KEY} in node properties does not resolve (global.SECRETS still works)";
      this.#deps.logger.warn(this.#unavailable);
      return () => undefined;
    }
    return claimVariables(util, (name) => {
      const ref = parseVariable(name);
      // Only SECRETS.* is claimed: a normal environment variable is never shadowed.
      if (!ref) return { claimed: false };
      // A key the space lacks resolves to nothing (never to the reference's own text).
      return { claimed: true, value: resolveReference(this.#deps.snapshot(), ref) ?? '' };
    });
  }

  /** What the status shows. */
  status(): ReferencesStatus {
    return { missing: missingReferences(this.#index, this.#deps.snapshot()), restarted: this.#restarted, pending: [...this.#pending], unavailable: this.#unavailable };
  }

  /** On every `flows:started`: index the deployed flows' references and name the missing ones. */
  flowsStarted(flows: readonly Record<string, unknown>[]): void {
    this.#flows = flows.filter((n): n is ReferringNode & Record<string, unknown> => typeof n.id === 'string' && typeof n.type === 'string');
    this.#index = indexReferences(this.#flows, this.#deps.credentialsOf);
    this.#warnMissing();
    this.#deps.onStatus();
  }

  /** After a sync that changed keys: restart the nodes that use them (or mark them pending). */
  async changed(event: SecretsChangedEvent): Promise<void> {
    const keys = [...event.added, ...event.changed, ...event.removed];
    const ids = affectedNodes(this.#index, keys, this.#flows);
    if (ids.length === 0) return;
    const nodes = ids.map((id) => this.#node(id));
    const used = keys.filter((key) => this.#index.get(key)?.some((r) => !r.live));
    if (!this.#deps.restartOnChange || !this.#flowsModule) {
      const known = new Set(this.#pending.map((n) => n.id));
      this.#pending.push(...nodes.filter((n) => !known.has(n.id)));
      this.#deps.logger.warn(`secrets used by ${counted(nodes.length, 'node', 'nodes')} changed (${used.join(', ')}): restart them from the Secrets sidebar to use the new values: ${nodes.map(describe).join(', ')}`);
      this.#deps.onStatus();
      return;
    }
    await this.#restart(nodes, used);
    this.#warnMissing();
  }

  /** "Restart affected nodes": restarts the pending nodes; answers them. */
  async restartPending(): Promise<ReferringNode[]> {
    const nodes = this.#pending;
    if (nodes.length > 0 && this.#flowsModule) await this.#restart(nodes, []);
    return nodes;
  }

  async #restart(nodes: ReferringNode[], keys: string[]): Promise<void> {
    this.restarting = true;
    try {
      await restartNodes(this.#flowsModule!, nodes.map((n) => n.id));
    } finally {
      this.restarting = false;
    }
    const restartedIds = new Set(nodes.map((n) => n.id));
    this.#pending = this.#pending.filter((n) => !restartedIds.has(n.id));
    this.#restarted = { at: new Date().toISOString(), keys, nodes };
    this.#deps.logger.info(`restarted ${counted(nodes.length, 'node', 'nodes')} that use changed secrets${keys.length ? ` (${keys.join(', ')})` : ''}: ${nodes.map(describe).join(', ')}`);
    this.#deps.onRestarted({ keys, nodes });
    this.#deps.onStatus();
  }

  #warnMissing(): void {
    for (const missing of missingReferences(this.#index, this.#deps.snapshot())) {
      this.#deps.logger.warn(`\${${missing.reference}} is not in this space: ${missing.nodes.map(describe).join(', ')} got an empty value`);
      for (const node of missing.nodes) this.#deps.setNodeStatus(node.id, `missing \${${missing.reference}}`);
    }
  }

  #node(id: string): ReferringNode {
    const found = this.#flows.find((n) => n.id === id);
    return found ? { id, type: found.type, ...(found.name ? { name: found.name } : {}), ...(found.z ? { z: found.z } : {}) } : { id, type: 'unknown' };
  }
}
