// What the OpenBao / Vault provider is built from: its own option type, filled in by the registry.

/** Options of {@link VaultProvider}. */
export interface VaultOptions {
  /** Addresses of the cluster's nodes (`secretSync.url`, comma-separated), tried in order. */
  addresses: string[];
  space: string;
  /** A Vault token; empty when logging in with AppRole. */
  token: string;
  /** KV v2 mount (`vault.mount`, default `secret`). */
  mount: string;
  /** Folder of the spaces under the mount (`vault.pathPrefix`, default `spaces`). */
  pathPrefix: string;
  /** Folder of the organization keys under the prefix (`vault.orgPath`, default `_org`); empty for none. */
  orgPath: string;
  /** `folder`: one KV secret per key; `entry`: the space is one KV secret whose fields are the keys. */
  layout: 'folder' | 'entry';
  /** Sent as `X-Vault-Namespace`. */
  namespace?: string | undefined;
  roleId?: string | undefined;
  secretId?: string | undefined;
  /** Read at every login, so a rotated secret ID is picked up. */
  secretIdFile?: string | undefined;
  caFile?: string | undefined;
  /** Reads at once in the `folder` layout (default 8). */
  concurrency?: number;
  now?: () => number;
}
