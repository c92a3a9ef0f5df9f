// Provider for AWS Secrets Manager: one space in the `folder` or `entry` layout, changes found with ListSecrets, values read with BatchGetSecretValue only for what changed.
import { createHash } from 'node:crypto';
import { matchesNamePattern } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import type { FetchRequest, FetchResult, SecretProvider } from '../provider';
import { AwsClient, BATCH_SIZE } from './aws-client';
import type { ListedSecret } from './aws-client';
import type { AwsOptions } from './aws-options';
import { loadAwsSdk } from './aws-sdk';
import { BINARY_REASON, keysOfEntry, valueOfText } from './aws-values';

/** The folder of the organization keys under the prefix (SPEC §8). */
export const ORG_FOLDER = '_org';

/** Most characters of a skipped name the status carries. */
const SKIPPED_NAME_MAX = 128;

/** A secret's SecretString as last read (undefined for a SecretBinary), by ARN, with the version it was read at. */
interface Cached {
  version: string;
  text: string | undefined;
}

function etagOf(kind: string, listed: readonly ListedSecret[], extra = ''): string {
  const lines = listed.map((s) => `${s.arn}@${s.version}`).sort();
  return `${kind}@${createHash('sha256').update(lines.join('\n')).update(extra).digest('base64url')}`;
}

/** Reads one space from AWS Secrets Manager (README, "AWS Secrets Manager"). */
export class AwsProvider implements SecretProvider {
  readonly name = 'aws';
  readonly #options: AwsOptions;
  readonly #client: AwsClient;
  /** The last value read per secret ARN and version, so a poll reads only what changed. */
  #cache = new Map<string, Cached>();

  constructor(options: AwsOptions) {
    this.#options = options;
    this.#client = new AwsClient({ region: options.region, endpoint: options.endpoint, loadSdk: options.loadSdk ?? loadAwsSdk, userDir: options.userDir });
  }

  /** The endpoint requests go to. */
  get address(): string | undefined {
    return this.#client.address;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.#client.requests;
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    return this.#options.layout === 'entry' ? this.#fetchEntry(request) : this.#fetchFolder(request);
  }

  close(): void {
    this.#client.close();
  }

  async #fetchFolder(request: FetchRequest): Promise<FetchResult> {
    const { prefix, space } = this.#options;
    const spaceDir = `${prefix}/${space}/`;
    const orgDir = `${prefix}/${ORG_FOLDER}/`;
    // One listing for both folders: the name filter's values are alternatives.
    const listed = await this.#client.list([spaceDir, orgDir], request.signal);
    // As for Vault, a space with no secret of its own is a mistyped prefix or space, never an empty space: the last good secrets stay.
    if (!listed.some((secret) => secret.name.startsWith(spaceDir))) throw this.#notFound(`${spaceDir}*`);
    // Organization keys first, so a space key of the same name wins.
    const where = new Map<string, ListedSecret>();
    for (const dir of [orgDir, spaceDir]) {
      for (const secret of listed) if (secret.name.startsWith(dir)) where.set(secret.name.slice(dir.length), secret);
    }
    const etag = etagOf('folder', [...where.values()]);
    if (request.etag === etag) return { status: 'unchanged' };
    // A name flows cannot address (`sub/KEY`, `my.key`) is never read: it reaches the snapshot with an empty value, which drops it and names it.
    const keys = [...where.keys()].sort();
    const readable = keys.filter((key) => matchesNamePattern(key)).map((key) => where.get(key)!);
    const gone = await this.#refresh(readable, request.signal);
    const secrets: Record<string, unknown> = {};
    const skipped: { key: string; reason: string }[] = [];
    for (const key of keys) {
      const secret = where.get(key)!;
      if (!matchesNamePattern(key)) secrets[key] = '';
      else if (gone.has(secret.arn)) continue;
      else {
        // Parsed at each changed poll, so the engine gets fresh objects (it freezes what it is given).
        const { text } = this.#cache.get(secret.arn)!;
        if (text === undefined) skipped.push({ key: key.slice(0, SKIPPED_NAME_MAX), reason: BINARY_REASON });
        else secrets[key] = valueOfText(text);
      }
    }
    const live = new Set(readable.map((s) => s.arn));
    for (const arn of this.#cache.keys()) if (!live.has(arn)) this.#cache.delete(arn);
    // A secret deleted between the listing and the read is left out; the next poll must not take this answer as current.
    const answerTag = gone.size === 0 ? etag : `${etag}~partial`;
    return { status: 'changed', version: null, etag: answerTag, secrets, ...(skipped.length > 0 ? { skipped } : {}) };
  }

  async #fetchEntry(request: FetchRequest): Promise<FetchResult> {
    const { prefix, space } = this.#options;
    const name = `${prefix}/${space}`;
    // The name filter matches prefixes: keep the one secret named exactly so.
    const secret = (await this.#client.list([name], request.signal)).find((s) => s.name === name);
    if (secret === undefined) throw this.#notFound(name);
    const etag = etagOf('entry', [secret]);
    if (request.etag === etag) return { status: 'unchanged' };
    const gone = await this.#refresh([secret], request.signal);
    if (gone.size > 0) throw this.#notFound(name);
    for (const arn of this.#cache.keys()) if (arn !== secret.arn) this.#cache.delete(arn);
    return { status: 'changed', version: null, etag, secrets: keysOfEntry(this.#cache.get(secret.arn)!.text, name) };
  }

  /**
   * Reads the secrets whose listed version is not the cached one, 20 per
   * BatchGetSecretValue call. Returns the ARNs AWS no longer has (deleted since
   * the listing); any other per-secret error fails the sync.
   */
  async #refresh(secrets: readonly ListedSecret[], signal: AbortSignal): Promise<Set<string>> {
    const stale = secrets.filter((s) => this.#cache.get(s.arn)?.version !== s.version);
    const gone = new Set<string>();
    const names = new Map(secrets.map((s) => [s.arn, s.name]));
    for (let i = 0; i < stale.length; i += BATCH_SIZE) {
      const batch = stale.slice(i, i + BATCH_SIZE);
      const { values, errors } = await this.#client.batchGet(
        batch.map((s) => s.arn),
        signal,
      );
      for (const { arn, error } of errors) {
        if (error === 'ResourceNotFoundException') {
          gone.add(arn);
          continue;
        }
        const name = names.get(arn) ?? 'a listed secret';
        if (error === 'AccessDeniedException') {
          throw new SyncError('forbidden', `AWS denied secretsmanager:GetSecretValue on ${name} (${error}): the IAM policy of the credentials in use must allow it`, { reason: error });
        }
        throw new SyncError('aws_read_failed', `AWS could not read ${name} (${error})`, { reason: error, retryable: error === 'InternalServiceError' });
      }
      const answered = new Set<string>();
      for (const { arn, version, text } of values) {
        // The value read may be newer than the listing said: it is kept with the version AWS sent with it.
        this.#cache.set(arn, { version, text });
        answered.add(arn);
      }
      // An id AWS answered neither way is treated as deleted since the listing: left out of this answer.
      for (const s of batch) if (!answered.has(s.arn)) gone.add(s.arn);
    }
    return gone;
  }

  #notFound(name: string): SyncError {
    return new SyncError(
      'not_found',
      `AWS Secrets Manager has no secret named ${name}: check secretSync.aws.prefix, aws.layout, aws.region and the space; global.SECRETS keeps the last good secrets`,
    );
  }
}
