// Picks the provider for the configured name; the only place that knows which providers exist.
import { SyncError } from '../shared/sync-error';
import type { SecretProvider } from './provider';
import { SecretManagerProvider } from './secret-manager-provider';
import type { SecretManagerOptions } from './secret-manager-provider';

/** What the registry needs to build any provider: the name, and the options each provider reads. */
export interface ProviderChoice extends SecretManagerOptions {
  provider: 'secret-manager' | 'vault';
}

/** Creates the provider `choice.provider` names; throws SyncError `provider_unavailable` for one not built in yet. */
export function createProvider(choice: ProviderChoice): SecretProvider {
  switch (choice.provider) {
    case 'secret-manager':
      return new SecretManagerProvider({ url: choice.url, space: choice.space, token: choice.token, caFile: choice.caFile });
    case 'vault':
      throw new SyncError('provider_unavailable', "The 'vault' provider is not available in this version yet: use provider 'secret-manager'", {
        field: 'provider',
      });
  }
}
