// Picks the provider for the configured name; the only place that knows which providers exist.
import type { SecretProvider } from './provider';
import { SecretManagerProvider } from './secret-manager-provider';
import type { SecretManagerOptions } from './secret-manager-provider';
import { AwsProvider } from './aws/aws-provider';
import { AWS_DEFAULTS } from './aws/aws-settings';
import type { AwsSettings } from './aws/aws-settings';
import { VaultProvider } from './vault/vault-provider';
import { VAULT_DEFAULTS } from './vault/vault-settings';
import type { VaultSettings } from './vault/vault-settings';
import { FilesProvider } from './files/files-provider';
import type { FilesSettings } from './files/files-settings';
import { SyncError } from '../shared/sync-error';

/** Every provider the plugin can talk to (`secretSync.provider`): the one list. */
export const PROVIDERS = ['secret-manager', 'vault', 'files', 'aws'] as const;
/** A provider name. */
export type ProviderName = (typeof PROVIDERS)[number];

/** What the registry needs to build any provider: the name, and the options each provider reads. */
export interface ProviderChoice extends SecretManagerOptions {
  provider: ProviderName;
  /** Every address (`vault`: the nodes of a cluster). */
  addresses: string[];
  vault?: VaultSettings | undefined;
  files?: FilesSettings | undefined;
  aws?: AwsSettings | undefined;
  /** Node-RED's user directory (`aws`: named when the SDK must be installed there). */
  userDir?: string | undefined;
}

/** Creates the provider `choice.provider` names. */
export function createProvider(choice: ProviderChoice): SecretProvider {
  switch (choice.provider) {
    case 'secret-manager':
      return new SecretManagerProvider({ url: choice.url, space: choice.space, token: choice.token, caFile: choice.caFile, instance: choice.instance });
    case 'vault':
      return new VaultProvider({ ...VAULT_DEFAULTS, ...choice.vault, addresses: choice.addresses, space: choice.space, token: choice.token, caFile: choice.caFile });
    case 'files':
      if (!choice.files) throw new SyncError('config_missing', 'The secrets directory is missing: set secretSync.files.dir (SECRET_SYNC_FILES_DIR)', { field: 'files.dir' });
      return new FilesProvider({ ...choice.files, space: choice.space });
    case 'aws':
      return new AwsProvider({ ...AWS_DEFAULTS, ...choice.aws, space: choice.space, userDir: choice.userDir });
  }
}
