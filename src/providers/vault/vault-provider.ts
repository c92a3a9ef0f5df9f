// Provider for OpenBao / HashiCorp Vault KV v2: one space in the `folder` or `entry` layout, read with as few requests as nothing changed allows.
import { createHash } from 'node:crypto';
import { isRecord } from '../../shared/guards';
import { matchesNamePattern } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import { statusFailure } from '../http-failure';
import type { CreateSecretRequest, FetchRequest, FetchResult, SecretProvider } from '../provider';
import { VaultAuth } from './vault-auth';
import { VaultHttp } from './vault-http';
import type { VaultAnswer } from './vault-http';
import type { VaultOptions } from './vault-options';
import { createVaultSecret } from './vault-write';

/** How many metadata or data reads run at once in the `folder` layout. */
const DEFAULT_CONCURRENCY = 8;

/**
 * After the organization folder answered 404, how long polls skip listing it
 * (README, "Cost of a poll"): a folder created later is seen at the first poll
 * after this.
 */
export const ORG_RECHECK_MS = 5 * 60_000;

/** Why a sub-folder of the space or organization folder is not read (README, "Layouts"). */
const FOLDER_REASON = 'a folder, not a key: the folder layout reads only the KV secrets directly in the space and organization folders';

/** Most characters of a folder name a skipped entry carries (names are at most 128, plus its '/'). */
const FOLDER_NAME_MAX = 129;

function joinPath(...parts: string[]): string {
  return parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/');
}

/**
 * A KV v2 secret's fields as a global.SECRETS entry: the single field `value`
 * is the value, other fields a multi-pair secret. Values are handed on as
 * Vault sent them: the snapshot skips a number or boolean, as for every provider.
 */
export function entryOfFields(fields: Record<string, unknown>): unknown {
  const names = Object.keys(fields);
  return names.length === 1 && names[0] === 'value' ? fields.value : fields;
}

/** A folder listing: its key names and its sub-folders (names ending in `/`). */
interface Listing {
  keys: string[];
  folders: string[];
}

/** The current version of a KV v2 metadata answer, or undefined when that version is deleted or destroyed. */
function liveVersion(body: unknown): number | undefined {
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data) || typeof data.current_version !== 'number') return undefined;
  const current = isRecord(data.versions) ? data.versions[String(data.current_version)] : undefined;
  if (isRecord(current) && ((typeof current.deletion_time === 'string' && current.deletion_time !== '') || current.destroyed === true)) return undefined;
  return data.current_version;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads one space from OpenBao / Vault (README, "Scale out with OpenBao or Vault"). */
export class VaultProvider implements SecretProvider {
  readonly name = 'vault';
  readonly #http: VaultHttp;
  readonly #auth: VaultAuth;
  readonly #options: VaultOptions;
  readonly #now: () => number;
  /** Folder layout: the last value read per KV path and version, so unchanged keys cost no data read. */
  #cache = new Map<string, { version: number; value: unknown }>();
  /** When the organization folder last answered 404: until {@link ORG_RECHECK_MS} later, polls do not list it. */
  #orgMissingAt: number | undefined;

  constructor(options: VaultOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#http = new VaultHttp(options.addresses, { namespace: options.namespace, caFile: options.caFile });
    this.#auth = new VaultAuth(
      this.#http,
      options.roleId !== undefined
        ? { kind: 'approle', roleId: options.roleId, secretId: options.secretId, secretIdFile: options.secretIdFile }
        : { kind: 'token', token: options.token },
      this.#now,
    );
  }

  /** The address of the node that answered last. */
  get address(): string {
    return this.#http.address;
  }

  /** Requests sent so far (all addresses). */
  get requests(): number {
    return this.#http.requests;
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    return this.#options.layout === 'entry' ? this.#fetchEntry(request) : this.#fetchFolder(request);
  }

  /** Creates one secret for a move, with the move's token (never the plugin's own): see vault-write.ts. */
  createSecret(request: CreateSecretRequest): Promise<{ existed: boolean }> {
    return createVaultSecret(this.#http, this.#options, request);
  }

  close(): void {
    this.#auth.close();
  }

  async #fetchEntry(request: FetchRequest): Promise<FetchResult> {
    const { mount, pathPrefix, space } = this.#options;
    const path = joinPath(pathPrefix, space);
    const meta = await this.#read('GET', `${mount}/metadata/${path}`, request.signal, { space: true });
    const version = liveVersion(meta.body);
    if (version === undefined) throw this.#notFound(`${mount}/data/${path}`);
    const etag = `entry@${version}`;
    if (request.etag === etag) return { status: 'unchanged' };
    const data = await this.#read('GET', `${mount}/data/${path}?version=${version}`, request.signal, { space: true });
    const fields = isRecord(data.body) && isRecord(data.body.data) ? data.body.data.data : undefined;
    if (!isRecord(fields)) throw new SyncError('invalid_payload', `Vault sent no fields for ${mount}/data/${path}`);
    const secrets = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, isRecord(value) ? entryOfFields(value) : value]));
    return { status: 'changed', version, etag, secrets };
  }

  async #fetchFolder(request: FetchRequest): Promise<FetchResult> {
    const { mount, pathPrefix, space, orgPath } = this.#options;
    const spaceDir = joinPath(pathPrefix, space);
    const orgDir = orgPath === '' ? undefined : joinPath(pathPrefix, orgPath);
    const inSpace = await this.#list(spaceDir, request.signal, true);
    const inOrg = orgDir === undefined ? { keys: [], folders: [] } : await this.#listOrg(orgDir, request.signal);
    // Organization keys first, so a space key of the same name wins.
    const where = new Map<string, string>();
    for (const key of inOrg.keys) where.set(key, orgDir!);
    for (const key of inSpace.keys) where.set(key, spaceDir);
    // A sub-folder is never read (its keys would have no name in global.SECRETS), but it is named in skippedKeys.
    const folders = [...new Set([...inSpace.folders, ...inOrg.folders])].sort().map((name) => name.slice(0, FOLDER_NAME_MAX));
    const skipped = folders.map((key) => ({ key, reason: FOLDER_REASON }));
    // A listed name flows cannot address is never read: Vault's text goes into no request path and no message;
    // it reaches the snapshot with an empty value, which drops it and reports it as skipped.
    const unaddressable = [...where.keys()].filter((key) => !matchesNamePattern(key));
    for (const key of unaddressable) where.delete(key);
    const keys = [...where.keys()].sort();
    const versions = await mapLimit(keys, this.#options.concurrency ?? DEFAULT_CONCURRENCY, async (key) => {
      const meta = await this.#read('GET', `${mount}/metadata/${where.get(key)!}/${key}`, request.signal, { missingOk: true });
      return meta.status === 404 ? undefined : liveVersion(meta.body);
    });
    const live = keys.flatMap((key, i) => (versions[i] === undefined ? [] : [{ key, path: `${where.get(key)!}/${key}`, version: versions[i] }]));
    // The folders count too, so one created between two polls makes the next poll report it.
    const listed = [...live.map((l) => `${l.path}@${l.version}`), ...folders.map((f) => `folder:${f}`)];
    const etag = `folder@${createHash('sha256').update(listed.join('\n')).digest('base64url')}`;
    if (request.etag === etag) return { status: 'unchanged' };
    const values = await mapLimit(live, this.#options.concurrency ?? DEFAULT_CONCURRENCY, async ({ path, version }) => {
      const cached = this.#cache.get(path);
      if (cached?.version === version) return cached.value;
      const data = await this.#read('GET', `${mount}/data/${path}?version=${version}`, request.signal, {});
      const fields = isRecord(data.body) && isRecord(data.body.data) ? data.body.data.data : undefined;
      if (!isRecord(fields)) throw new SyncError('invalid_payload', `Vault sent no fields for ${mount}/data/${path}`);
      const value = entryOfFields(fields);
      this.#cache.set(path, { version, value });
      return value;
    });
    const current = new Set(live.map((l) => l.path));
    for (const path of this.#cache.keys()) if (!current.has(path)) this.#cache.delete(path);
    const secrets = Object.fromEntries<unknown>([...unaddressable.map((key): [string, unknown] => [key, '']), ...live.map((l, i): [string, unknown] => [l.key, values[i]])]);
    return { status: 'changed', version: null, etag, secrets, ...(skipped.length > 0 ? { skipped } : {}) };
  }

  /**
   * The organization folder's listing. Most installations have none: after a
   * 404 it is listed again only {@link ORG_RECHECK_MS} later, so a poll of an
   * unchanged space costs one LIST and one metadata read per key.
   */
  async #listOrg(dir: string, signal: AbortSignal): Promise<Listing> {
    const missingAt = this.#orgMissingAt;
    if (missingAt !== undefined && this.#now() - missingAt < ORG_RECHECK_MS) return { keys: [], folders: [] };
    const listing = await this.#list(dir, signal, false);
    this.#orgMissingAt = listing === undefined ? this.#now() : undefined;
    return listing ?? { keys: [], folders: [] };
  }

  /** A folder's keys and sub-folders; a missing folder is an error when `required`, undefined otherwise. */
  async #list(dir: string, signal: AbortSignal, required: true): Promise<Listing>;
  async #list(dir: string, signal: AbortSignal, required: false): Promise<Listing | undefined>;
  async #list(dir: string, signal: AbortSignal, required: boolean): Promise<Listing | undefined> {
    const path = `${this.#options.mount}/metadata/${dir}/`;
    const answer = await this.#read('LIST', path, signal, { missingOk: !required, space: required });
    if (answer.status === 404) return undefined;
    const names = isRecord(answer.body) && isRecord(answer.body.data) ? answer.body.data.keys : undefined;
    if (!Array.isArray(names)) throw new SyncError('invalid_payload', `Vault sent no key list for ${path}`);
    const listing: Listing = { keys: [], folders: [] };
    for (const name of names) if (typeof name === 'string') (name.endsWith('/') ? listing.folders : listing.keys).push(name);
    return listing;
  }

  /**
   * One authenticated read. A 403 with an AppRole login is tried once more
   * after a new login (the token may have been revoked or expired); with a
   * given token, a 403 is `vault_token_invalid` when Vault refuses the token
   * itself. A 403 after that names the path the policy must allow. A 404 is an
   * answer when `missingOk`, and an error (never an empty space) otherwise.
   */
  async #read(method: 'GET' | 'LIST', path: string, signal: AbortSignal, opts: { missingOk?: boolean; space?: boolean }): Promise<VaultAnswer> {
    let answer = await this.#http.send({ method, path, token: await this.#auth.token(signal), signal });
    if (answer.status === 403 && this.#auth.canLogIn) {
      this.#auth.invalidate();
      answer = await this.#http.send({ method, path, token: await this.#auth.token(signal), signal });
    }
    if (answer.status === 200 || (answer.status === 404 && opts.missingOk)) return answer;
    const capability = method === 'LIST' ? 'list' : 'read';
    if (answer.status === 403) {
      await this.#auth.assertTokenKnown(signal);
      throw new SyncError('forbidden', `Vault denied ${capability} on ${path} (403): the token's policy must allow "${capability}" on "${path.split('?')[0]}"`, {
        httpStatus: 403,
      });
    }
    if (answer.status === 404 && opts.space) throw this.#notFound(path.split('?')[0]!);
    return Promise.reject(statusFailure(answer.status, answer.retryAfter, `Vault at ${answer.address}`, this.#now()));
  }

  #notFound(path: string): SyncError {
    return new SyncError(
      'not_found',
      `Vault has nothing at ${path} (404): check secretSync.vault.mount, vault.pathPrefix, vault.layout and the space; global.SECRETS keeps the last good secrets`,
      { httpStatus: 404 },
    );
  }
}
