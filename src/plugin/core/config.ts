// Reads the plugin's configuration from settings.js `secretSync` and SECRET_SYNC_* variables (environment wins).
import { envValue } from '../../shared/env';
import { isRecord } from '../../shared/guards';
import { NAME_PATTERN } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import { DEFAULT_INTERVAL, INTERVALS, isInterval } from '../../shared/contract';
import type { Interval } from '../../shared/contract';
import { PROVIDERS } from '../../providers/registry';
import type { ProviderName } from '../../providers/registry';
import { resolveAwsSettings } from '../../providers/aws/aws-settings';
import type { AwsSettings } from '../../providers/aws/aws-settings';
import { resolveVaultSettings, usesAppRole } from '../../providers/vault/vault-settings';
import type { VaultSettings } from '../../providers/vault/vault-settings';
import { resolveFilesSettings } from '../../providers/files/files-settings';
import type { FilesSettings } from '../../providers/files/files-settings';
import type { RetryPolicy } from './retry';

/** Where the token came from: the setting itself, or the file `tokenFile` names. */
export type TokenSource = { field: 'token' } | { field: 'tokenFile'; path: string };

/** A complete, valid configuration. */
export interface SyncConfig {
  provider: ProviderName;
  /** The first address of `url`; empty for `files` and `aws`, which have none (`aws.endpoint` is the AWS address). */
  url: string;
  /** Every address of `url` (comma-separated, `vault` only): nodes of one cluster, tried in order; none for `files` and `aws`. */
  addresses: string[];
  space: string;
  /** The read token (from `token` or `tokenFile`); empty for Vault AppRole logins, `files`, and `aws` (the AWS SDK's credential chain). */
  token: string;
  /** Where the token came from, so a rejected token's advice names that setting; absent for Vault AppRole logins. */
  tokenSource?: TokenSource;
  caFile?: string;
  vault?: VaultSettings;
  files?: FilesSettings;
  aws?: AwsSettings;
  /** Mask secret values in debug messages, node warnings and errors, logs (`maskDebug`, default true). */
  maskDebug: boolean;
  /** Restart the nodes that reference a changed key (`restartOnChange`, default true). */
  restartOnChange: boolean;
  /** Advanced: overrides of the retry policy (settings.js `secretSync.retry` only). */
  retry?: Partial<RetryPolicy>;
}

const RETRY_FIELDS = ['retries', 'minDelayMs', 'maxDelayMs', 'factor', 'maxRetryAfterMs', 'attemptTimeoutMs', 'totalTimeoutMs'] as const;

/** What the status shows of the configuration, usable or not; `interval` and `syncOnDeploy` are where the service reads them (preferences start from them). */
export interface ConfigSummary {
  provider: string;
  space: string | null;
  interval: Interval;
  syncOnDeploy: boolean;
}

/** Outcome of {@link resolveConfig}. */
export type ConfigResult =
  | { ok: true; config: SyncConfig; summary: ConfigSummary }
  | { ok: false; state: 'unconfigured' | 'error'; error: SyncError; summary: ConfigSummary };

const FIELDS = {
  provider: 'SECRET_SYNC_PROVIDER',
  url: 'SECRET_SYNC_URL',
  space: 'SECRET_SYNC_SPACE',
  token: 'SECRET_SYNC_TOKEN',
  tokenFile: 'SECRET_SYNC_TOKEN_FILE',
  interval: 'SECRET_SYNC_INTERVAL',
  syncOnDeploy: 'SECRET_SYNC_ON_DEPLOY',
  caFile: 'SECRET_SYNC_CA_FILE',
  maskDebug: 'SECRET_SYNC_MASK_DEBUG',
  restartOnChange: 'SECRET_SYNC_RESTART_ON_CHANGE',
} as const;

/** `secretSync.url (SECRET_SYNC_URL)`: how messages name a field so users find it in either place. */
export function fieldLabel(field: keyof typeof FIELDS): string {
  return `secretSync.${field} (${FIELDS[field]})`;
}

/** Parses the usual spellings of a boolean; undefined for anything else. */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return undefined;
}

// Thrown inside resolveConfig only, to leave at the first problem; never escapes it.
class Fail extends Error {
  constructor(
    readonly state: 'unconfigured' | 'error',
    readonly error: SyncError,
  ) {
    super(error.message);
  }
}

function missing(field: keyof typeof FIELDS, what: string): Fail {
  return new Fail('unconfigured', new SyncError('config_missing', `${what}: set ${fieldLabel(field)}`, { field }));
}

function invalid(field: string, message: string): Fail {
  return new Fail('error', new SyncError('config_invalid', message, { field }));
}

/**
 * Resolves the configuration. Never throws: a missing field gives state
 * `unconfigured`, an invalid one state `error`, each with a message naming the
 * field in settings.js and its environment variable.
 */
export function resolveConfig(settings: unknown, env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string): ConfigResult {
  const section: Record<string, unknown> = isRecord(settings) ? settings : {};
  const pick = (field: keyof typeof FIELDS): unknown => envValue(env, FIELDS[field]) ?? section[field];
  const summary: ConfigSummary = { provider: 'secret-manager', space: null, interval: DEFAULT_INTERVAL, syncOnDeploy: true };
  try {
    if (settings !== undefined && !isRecord(settings)) throw invalid('secretSync', 'secretSync in settings.js must be an object');
    const provider = pick('provider') ?? 'secret-manager';
    if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
      throw invalid('provider', `${fieldLabel('provider')} must be one of: ${PROVIDERS.join(', ')}`);
    }
    summary.provider = provider;
    const providerName = provider as ProviderName;
    const space = pick('space');
    if (typeof space === 'string' && NAME_PATTERN.test(space)) summary.space = space;

    const interval = pick('interval') ?? DEFAULT_INTERVAL;
    if (!isInterval(interval)) throw invalid('interval', `${fieldLabel('interval')} must be one of: ${INTERVALS.join(', ')}`);
    summary.interval = interval;
    const rawOnDeploy = pick('syncOnDeploy');
    const syncOnDeploy = rawOnDeploy === undefined ? true : parseBoolean(rawOnDeploy);
    if (syncOnDeploy === undefined) throw invalid('syncOnDeploy', `${fieldLabel('syncOnDeploy')} must be true or false`);
    summary.syncOnDeploy = syncOnDeploy;

    if (settings === undefined && !Object.values(FIELDS).some((name) => envValue(env, name) !== undefined)) {
      throw new Fail(
        'unconfigured',
        new SyncError('not_configured', 'Secret Sync is not configured: set secretSync.url, space and token in settings.js, or SECRET_SYNC_URL, SECRET_SYNC_SPACE and SECRET_SYNC_TOKEN'),
      );
    }
    // A directory of files has no server, AWS is reached through its SDK (aws.endpoint, the credential chain): no URL and no token
    // (README, "Read secrets from files", "AWS Secrets Manager").
    const remote = providerName !== 'files' && providerName !== 'aws';
    const addresses = remote ? resolveAddresses(pick('url'), providerName) : [];
    if (space === undefined || space === '') throw missing('space', 'The space of this instance is missing');
    if (typeof space !== 'string' || !NAME_PATTERN.test(space)) {
      throw invalid('space', `${fieldLabel('space')} may contain only letters, digits, '_' and '-' (1 to 128 characters)`);
    }

    const vault = providerName === 'vault' ? providerSettings(() => resolveVaultSettings(section.vault, env)) : undefined;
    const files = providerName === 'files' ? providerSettings(() => resolveFilesSettings(section.files, env)) : undefined;
    const aws = providerName === 'aws' ? providerSettings(() => resolveAwsSettings(section.aws, env)) : undefined;
    const { token, source: tokenSource } = remote ? resolveToken(pick('token'), pick('tokenFile'), readFile, vault) : { token: '', source: undefined };
    const caFile = pick('caFile');
    if (caFile !== undefined && (typeof caFile !== 'string' || caFile === '')) throw invalid('caFile', `${fieldLabel('caFile')} must be a file path`);

    const flag = (field: 'maskDebug' | 'restartOnChange'): boolean => {
      const raw = pick(field);
      const value = raw === undefined ? true : parseBoolean(raw);
      if (value === undefined) throw invalid(field, `${fieldLabel(field)} must be true or false`);
      return value;
    };
    const config: SyncConfig = {
      provider: providerName,
      url: addresses[0] ?? '',
      addresses,
      space,
      token,
      maskDebug: flag('maskDebug'),
      restartOnChange: flag('restartOnChange'),
    };
    if (tokenSource) config.tokenSource = tokenSource;
    if (typeof caFile === 'string') config.caFile = caFile;
    if (section.retry !== undefined) config.retry = resolveRetry(section.retry);
    if (vault) config.vault = vault;
    if (files) config.files = files;
    if (aws) config.aws = aws;
    return { ok: true, config, summary };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, state: err.state, error: err.error, summary };
    throw err;
  }
}

/** The addresses of `url`: Vault clusters list their nodes, comma-separated; the Secret Manager is one address. */
function resolveAddresses(url: unknown, provider: ProviderName): string[] {
  if (url === undefined || url === '') throw missing('url', 'The secret manager URL is missing');
  if (typeof url !== 'string') throw invalid('url', `${fieldLabel('url')} must be an http:// or https:// URL`);
  const addresses = (provider === 'vault' ? url.split(',') : [url]).map((u) => u.trim().replace(/\/+$/, ''));
  for (const address of addresses) {
    if (!/^https?:\/\/[^/\s]+/i.test(address)) throw invalid('url', `${fieldLabel('url')} must be an http:// or https:// URL`);
    try {
      new URL(address);
    } catch {
      throw invalid('url', `${fieldLabel('url')} is not a valid URL`);
    }
  }
  return addresses;
}

/** A provider's own settings section, its SyncError turned into the configuration's state (missing: unconfigured). */
function providerSettings<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    if (err instanceof SyncError) throw new Fail(err.code === 'config_missing' ? 'unconfigured' : 'error', err);
    throw err;
  }
}

function resolveToken(token: unknown, tokenFile: unknown, readFile: (path: string) => string, vault: VaultSettings | undefined): { token: string; source?: TokenSource } {
  if (token !== undefined && token !== '') {
    if (typeof token !== 'string') throw invalid('token', `${fieldLabel('token')} must be a string`);
    return { token: token.trim(), source: { field: 'token' } };
  }
  if (tokenFile !== undefined && tokenFile !== '') {
    if (typeof tokenFile !== 'string') throw invalid('tokenFile', `${fieldLabel('tokenFile')} must be a file path`);
    let text: string;
    try {
      text = readFile(tokenFile);
    } catch {
      throw invalid('tokenFile', `${fieldLabel('tokenFile')}: cannot read ${tokenFile}`);
    }
    if (text.trim() === '') throw invalid('tokenFile', `${fieldLabel('tokenFile')}: ${tokenFile} is empty`);
    return { token: text.trim(), source: { field: 'tokenFile', path: tokenFile } };
  }
  if (usesAppRole(vault)) return { token: '' };
  throw missing('token', 'The read token is missing');
}

function resolveRetry(raw: unknown): Partial<RetryPolicy> {
  if (!isRecord(raw)) throw invalid('retry', 'secretSync.retry must be an object');
  const policy: Partial<RetryPolicy> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(RETRY_FIELDS as readonly string[]).includes(key)) {
      throw invalid('retry', `secretSync.retry.${key} is unknown; known: ${RETRY_FIELDS.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalid('retry', `secretSync.retry.${key} must be a number of 0 or more`);
    }
    policy[key as (typeof RETRY_FIELDS)[number]] = value;
  }
  return policy;
}
