// The OpenBao / Vault settings (`secretSync.vault`): their one type, their defaults, and reading them from settings.js and SECRET_SYNC_VAULT_* (environment wins).
import { envValue } from '../../shared/env';
import { isRecord } from '../../shared/guards';
import { SyncError } from '../../shared/sync-error';

/** Vault / OpenBao settings (`secretSync.vault`, README "Scale out with OpenBao or Vault"), defaults applied. */
export interface VaultSettings {
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
}

/** The settings of a `secretSync.vault` that names nothing (SPEC §7). */
export const VAULT_DEFAULTS: Readonly<Pick<VaultSettings, 'mount' | 'pathPrefix' | 'orgPath' | 'layout'>> = Object.freeze({ mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' });

const VAULT_FIELDS = {
  mount: 'SECRET_SYNC_VAULT_MOUNT',
  pathPrefix: 'SECRET_SYNC_VAULT_PATH_PREFIX',
  orgPath: 'SECRET_SYNC_VAULT_ORG_PATH',
  layout: 'SECRET_SYNC_VAULT_LAYOUT',
  namespace: 'SECRET_SYNC_VAULT_NAMESPACE',
  roleId: 'SECRET_SYNC_VAULT_ROLE_ID',
  secretId: 'SECRET_SYNC_VAULT_SECRET_ID',
  secretIdFile: 'SECRET_SYNC_VAULT_SECRET_ID_FILE',
} as const;

const LAYOUTS = ['folder', 'entry'] as const;

function invalid(field: keyof typeof VAULT_FIELDS, problem: string): SyncError {
  return new SyncError('config_invalid', `secretSync.vault.${field} (${VAULT_FIELDS[field]}) ${problem}`, { field: `vault.${field}` });
}

/** Resolves the Vault settings; throws SyncError `config_invalid` naming the field. */
export function resolveVaultSettings(raw: unknown, env: Readonly<Record<string, string | undefined>>): VaultSettings {
  if (raw !== undefined && !isRecord(raw)) throw new SyncError('config_invalid', 'secretSync.vault must be an object', { field: 'vault' });
  const section = raw ?? {};
  const read = (field: keyof typeof VAULT_FIELDS): string | undefined => {
    // An empty variable is unset, like every SECRET_SYNC_* (README, "Every setting").
    const value = envValue(env, VAULT_FIELDS[field]) ?? section[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw invalid(field, 'must be a string');
    return value;
  };
  const layout = read('layout') ?? VAULT_DEFAULTS.layout;
  if (!(LAYOUTS as readonly string[]).includes(layout)) throw invalid('layout', `must be one of: ${LAYOUTS.join(', ')}`);
  const settings: VaultSettings = {
    mount: read('mount') ?? VAULT_DEFAULTS.mount,
    pathPrefix: read('pathPrefix') ?? VAULT_DEFAULTS.pathPrefix,
    orgPath: read('orgPath') ?? VAULT_DEFAULTS.orgPath,
    layout: layout as VaultSettings['layout'],
  };
  for (const field of ['namespace', 'roleId', 'secretId', 'secretIdFile'] as const) {
    const value = read(field);
    if (value !== undefined) settings[field] = value;
  }
  if (settings.roleId !== undefined && settings.secretId === undefined && settings.secretIdFile === undefined) {
    throw new SyncError('config_missing', 'AppRole needs a secret ID: set secretSync.vault.secretId (SECRET_SYNC_VAULT_SECRET_ID) or secretIdFile (SECRET_SYNC_VAULT_SECRET_ID_FILE)', {
      field: 'vault.secretId',
    });
  }
  return settings;
}

/** Whether the settings log in with AppRole (then no token is needed). */
export function usesAppRole(settings: VaultSettings | undefined): boolean {
  return settings?.roleId !== undefined && (settings.secretId !== undefined || settings.secretIdFile !== undefined);
}
