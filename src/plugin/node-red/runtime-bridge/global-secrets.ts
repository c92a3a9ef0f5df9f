// Puts each publication where flows read it, global context `SECRETS` (settings.js functionGlobalContext), and takes a flow's copy that shadows it away again.
import { SECRETS_KEY } from '../../../shared/contract';
import { SyncError } from '../../../shared/sync-error';
import type { PluginLogger } from '../../core/logger';
import type { SecretsObject } from '../../core/snapshot';
import type { NodesLike, RedGlobalContext } from '../red-types';

/**
 * Node-RED answers `global.get(key)` from its context store first and from the
 * `functionGlobalContext` object of settings.js after that. That object lives
 * only in memory, so putting the snapshot there makes it readable everywhere
 * (function, change, inject, http request nodes) and never written to a
 * persistent context store, whatever store is the default. Node-RED reads the
 * object at each lookup: writing it after the global context exists relies on
 * that (README, "How the plugin reaches into Node-RED").
 */
export class GlobalSecrets {
  /** `holder` is `RED.settings.functionGlobalContext` (the very object Node-RED reads). */
  constructor(private readonly holder: Record<string, unknown> | undefined) {}

  /** Why publishing cannot work with these settings, or undefined when it can. */
  problem(): SyncError | undefined {
    if (this.holder === undefined || typeof this.holder !== 'object' || this.holder === null) {
      return new SyncError(
        'settings_missing',
        'settings.js has no functionGlobalContext: add `functionGlobalContext: {},` to settings.js and restart Node-RED so flows can read global.SECRETS',
        { field: 'functionGlobalContext' },
      );
    }
    if (!Object.isExtensible(this.holder)) {
      return new SyncError('settings_invalid', 'functionGlobalContext in settings.js is frozen: make it a plain object', { field: 'functionGlobalContext' });
    }
    return undefined;
  }

  /** Replaces global.SECRETS in one assignment; throws the problem when there is one. */
  publish(secrets: SecretsObject): void {
    const problem = this.problem();
    if (problem) throw problem;
    (this.holder as Record<string, unknown>)[SECRETS_KEY] = secrets;
  }
}

/** Finds the global context through the first live node, or undefined when no flow runs (yet). */
export function findGlobalContext(nodes: NodesLike): RedGlobalContext | undefined {
  let found: RedGlobalContext | undefined;
  try {
    nodes.eachNode((config) => {
      if (found) return;
      const node = nodes.getNode(config.id);
      if (node && typeof node.context === 'function') found = node.context().global;
    });
  } catch {
    // Before the first flows are loaded, Node-RED has no node list to walk.
    return undefined;
  }
  return found;
}

/**
 * Removes values flows wrote under SECRETS (`global.set('SECRETS', …)`), so
 * global.get('SECRETS') serves the published object again. Node-RED answers
 * from a store first and from functionGlobalContext after, so anything but
 * `published` seen there is an override. Returns the stores it cleaned.
 */
export function removeOverrides(global: RedGlobalContext, stores: readonly (string | undefined)[], published: unknown, logger: PluginLogger): string[] {
  const cleaned: string[] = [];
  for (const store of stores) {
    try {
      const value = global.get(SECRETS_KEY, store);
      if (value === published || value === undefined) continue;
      global.set(SECRETS_KEY, undefined, store);
      cleaned.push(store ?? 'default');
    } catch {
      // A store that cannot answer synchronously cannot be checked here; it is checked again at the next sync.
    }
  }
  if (cleaned.length > 0) {
    logger.warn(`a flow overwrote global.SECRETS (context store: ${cleaned.join(', ')}); removed it so flows read the synced secrets again`);
  }
  return cleaned;
}
