// The AWS Secrets Manager settings (`secretSync.aws`): their one type, their defaults, and reading them from settings.js and SECRET_SYNC_AWS_* (environment wins).
import { envValue } from '../../shared/env';
import { isRecord } from '../../shared/guards';
import { SyncError } from '../../shared/sync-error';

/** AWS settings (`secretSync.aws`, README "AWS Secrets Manager"), defaults applied. Credentials are never here: the SDK's default chain finds them. */
export interface AwsSettings {
  /** The region (`aws.region`); unset, the SDK's chain finds it (AWS_REGION, the profile). */
  region?: string | undefined;
  /** First part of every secret name (`aws.prefix`, default `secret-sync`). */
  prefix: string;
  /** `folder`: one AWS secret per key; `entry`: the space is one AWS secret holding a JSON object. */
  layout: 'folder' | 'entry';
  /** Another endpoint than the region's (`aws.endpoint`): a VPC endpoint, a test server. */
  endpoint?: string | undefined;
}

/** The settings of a `secretSync.aws` that names nothing (SPEC §8). */
export const AWS_DEFAULTS: Readonly<Pick<AwsSettings, 'prefix' | 'layout'>> = Object.freeze({ prefix: 'secret-sync', layout: 'folder' });

const AWS_FIELDS = {
  region: 'SECRET_SYNC_AWS_REGION',
  prefix: 'SECRET_SYNC_AWS_PREFIX',
  layout: 'SECRET_SYNC_AWS_LAYOUT',
  endpoint: 'SECRET_SYNC_AWS_ENDPOINT',
} as const;

const LAYOUTS = ['folder', 'entry'] as const;

/** A region name as AWS spells them (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
const REGION = /^[a-z]{2}(-[a-z0-9]+){1,3}-\d{1,2}$/;

/** The characters AWS allows in a secret name, for the prefix; no leading or trailing `/`, no empty part. */
const PREFIX = /^[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)*$/;

/** Longest prefix: AWS names are at most 512 characters, and the space and key follow it. */
const PREFIX_MAX = 256;

function invalid(field: keyof typeof AWS_FIELDS, problem: string): SyncError {
  return new SyncError('config_invalid', `secretSync.aws.${field} (${AWS_FIELDS[field]}) ${problem}`, { field: `aws.${field}` });
}

/** Resolves the AWS settings; throws SyncError `config_invalid` naming the field. */
export function resolveAwsSettings(raw: unknown, env: Readonly<Record<string, string | undefined>>): AwsSettings {
  if (raw !== undefined && !isRecord(raw)) throw new SyncError('config_invalid', 'secretSync.aws must be an object', { field: 'aws' });
  const section = raw ?? {};
  const read = (field: keyof typeof AWS_FIELDS): string | undefined => {
    // An empty variable is unset, like every SECRET_SYNC_* (README, "Every setting").
    const value = envValue(env, AWS_FIELDS[field]) ?? section[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw invalid(field, 'must be a string');
    return value.trim();
  };
  const layout = read('layout') ?? AWS_DEFAULTS.layout;
  if (!(LAYOUTS as readonly string[]).includes(layout)) throw invalid('layout', `must be one of: ${LAYOUTS.join(', ')}`);
  const prefix = read('prefix') ?? AWS_DEFAULTS.prefix;
  if (prefix.length > PREFIX_MAX || !PREFIX.test(prefix)) {
    throw invalid('prefix', `must be at most ${PREFIX_MAX} of the characters AWS allows in a secret name (letters, digits, / _ + = . @ -), without a leading or trailing '/'`);
  }
  const settings: AwsSettings = { prefix, layout: layout as AwsSettings['layout'] };
  const region = read('region');
  if (region !== undefined) {
    if (!REGION.test(region)) throw invalid('region', 'must be an AWS region name such as eu-west-1');
    settings.region = region;
  }
  const endpoint = read('endpoint');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    // Credentials are signed into every request: no user:password part, no query, only http(s).
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '') {
      throw invalid('endpoint', 'must be an http:// or https:// URL without credentials or query (a VPC endpoint or a test server)');
    }
    settings.endpoint = endpoint.replace(/\/+$/, '');
  }
  return settings;
}
