// What the OpenBao / Vault provider is built from: the Vault settings plus what every provider gets, filled in by the registry.
import type { VaultSettings } from './vault-settings';

/** Options of {@link VaultProvider}: `secretSync.vault` (see {@link VaultSettings}) and the connection. */
export interface VaultOptions extends VaultSettings {
  /** Addresses of the cluster's nodes (`secretSync.url`, comma-separated), tried in order. */
  addresses: string[];
  space: string;
  /** A Vault token; empty when logging in with AppRole. */
  token: string;
  caFile?: string | undefined;
  /** Reads at once in the `folder` layout (default 8). */
  concurrency?: number;
  now?: () => number;
}
