// Reads the runtime plugin's API for the package's nodes from what `RED.plugins.get(PLUGIN_ID)` returned.
import type { SecretSyncPluginApi } from '../../shared/contract';

/** The API, or undefined when the plugin is not loaded (or is another plugin of that id). */
export function pluginApi(definition: unknown): SecretSyncPluginApi | undefined {
  const candidate = definition as Partial<SecretSyncPluginApi> | undefined;
  return typeof candidate?.sync === 'function' && typeof candidate.onChanged === 'function' ? (candidate as SecretSyncPluginApi) : undefined;
}
