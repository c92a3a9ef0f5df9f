// What the runtime plugin offers the package's nodes through `RED.plugins.get('secret-sync')`.
import type { SecretsChangedEvent } from '../core/sync-engine';
import type { SyncStatus } from '../core/status';

/** The id the plugin registers under; nodes look it up with `RED.plugins.get(PLUGIN_ID)`. */
export const PLUGIN_ID = 'secret-sync';

/** Functions the plugin definition carries for the nodes of this package. */
export interface SecretSyncPluginApi {
  /** Runs a sync now (joins a running one) and resolves with the status after it; never rejects. */
  sync(trigger: 'legacy-node'): Promise<SyncStatus>;
  /** Calls `listener` after every sync that changed the secrets (key names only); returns the unsubscribe function. */
  onChanged(listener: (event: SecretsChangedEvent) => void): () => void;
}

/** Reads the API from whatever `RED.plugins.get` returned, or undefined when the plugin is not loaded. */
export function pluginApi(definition: unknown): SecretSyncPluginApi | undefined {
  const candidate = definition as Partial<SecretSyncPluginApi> | undefined;
  return typeof candidate?.sync === 'function' && typeof candidate.onChanged === 'function' ? (candidate as SecretSyncPluginApi) : undefined;
}
