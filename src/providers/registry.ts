// Picks the provider for the configured name; the only place that knows which providers exist.
import type { SecretProvider } from './provider';
import { SecretManagerProvider } from './secret-manager-provider';
import type { SecretManagerOptions } from './secret-manager-provider';
import { VaultProvider } from './vault/vault-provider';
import type { VaultOptions } from './vault/vault-options';

/** The part of `secretSync.vault` the Vault provider reads. */
export type VaultChoice = Pick<VaultOptions, 'mount' | 'pathPrefix' | 'orgPath' | 'layout' | 'namespace' | 'roleId' | 'secretId' | 'secretIdFile'>;

/** What the registry needs to build any provider: the name, and the options each provider reads. */
export interface ProviderChoice extends SecretManagerOptions {
  provider: 'secret-manager' | 'vault';
  /** Every address (`vault`: the nodes of a cluster). */
  addresses: string[];
  vault?: VaultChoice | undefined;
}

const VAULT_DEFAULTS: VaultChoice = { mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' };

/** Creates the provider `choice.provider` names. */
export function createProvider(choice: ProviderChoice): SecretProvider {
  switch (choice.provider) {
    case 'secret-manager':
      return new SecretManagerProvider({ url: choice.url, space: choice.space, token: choice.token, caFile: choice.caFile, instance: choice.instance });
    case 'vault':
      return new VaultProvider({ ...VAULT_DEFAULTS, ...choice.vault, addresses: choice.addresses, space: choice.space, token: choice.token, caFile: choice.caFile });
  }
}
