// Puts the snapshot where flows read it: global context `SECRETS`, served from settings.js functionGlobalContext.
import { SECRETS_KEY } from '../../shared/contract';
import { SyncError } from '../../shared/sync-error';
import type { SecretsObject } from './snapshot';
import type { SecretsTarget } from './sync-engine';

/**
 * Node-RED answers `global.get(key)` from its context store first and from the
 * `functionGlobalContext` object of settings.js after that. That object lives
 * only in memory, so putting the snapshot there makes it readable everywhere
 * (function, change, inject, http request nodes) and never written to a
 * persistent context store, whatever store is the default.
 */
export class GlobalSecrets implements SecretsTarget {
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

  /** Replaces global.SECRETS in one assignment. */
  publish(secrets: SecretsObject): void {
    const problem = this.problem();
    if (problem) throw problem;
    (this.holder as Record<string, unknown>)[SECRETS_KEY] = secrets;
  }
}
