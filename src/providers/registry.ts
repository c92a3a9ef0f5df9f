// Picks the provider for the configured name; the only place that knows which providers exist.
import { SyncError } from '../shared/sync-error';
import type { SyncConfig } from '../plugin/core/config';
import type { SecretProvider } from './provider';
import { SecretManagerProvider } from './secret-manager-provider';

/** Creates the provider `config.provider` names; throws SyncError `provider_unavailable` for one not built in yet. */
export function createProvider(config: SyncConfig): SecretProvider {
  switch (config.provider) {
    case 'secret-manager':
      return new SecretManagerProvider({ url: config.url, space: config.space, token: config.token, caFile: config.caFile });
    case 'vault':
      throw new SyncError('provider_unavailable', "The 'vault' provider is not available in this version yet: use provider 'secret-manager'", {
        field: 'provider',
      });
  }
}
