// Creating one secret in OpenBao / Vault KV v2 for a move (README, "Move existing credentials"): in the configured layout, with the move's token, never overwriting.
import { isRecord } from '../../shared/guards';
import { SyncError } from '../../shared/sync-error';
import { statusFailure } from '../http-failure';
import type { CreateSecretRequest } from '../provider';
import type { VaultHttp } from './vault-http';
import type { VaultOptions } from './vault-options';

/** The fields of a KV v2 data answer and its version, or undefined for a 404. */
function dataOf(body: unknown): { fields: Record<string, unknown>; version: number } | undefined {
  const outer = isRecord(body) && isRecord(body.data) ? body.data : undefined;
  const fields = outer && isRecord(outer.data) ? outer.data : undefined;
  const version = outer && isRecord(outer.metadata) && typeof outer.metadata.version === 'number' ? outer.metadata.version : 0;
  return fields ? { fields, version } : undefined;
}

/** What KV v2 holds at `dataPath`, or undefined when nothing (404). */
async function existing(http: VaultHttp, dataPath: string, token: string, signal: AbortSignal): Promise<{ fields: Record<string, unknown>; version: number } | undefined> {
  const read = await http.send({ method: 'GET', path: dataPath, token, signal });
  if (read.status === 401 || read.status === 403) throw refused(dataPath, read.status, 'read');
  if (read.status === 404) return undefined;
  if (read.status !== 200) throw statusFailure(read.status, read.retryAfter, `Vault at ${read.address}`, Date.now());
  return dataOf(read.body);
}

function refused(path: string, status: number, what: 'read' | 'write'): SyncError {
  return new SyncError('credential_refused', `Vault refused the token given to ${what} ${path} (HTTP ${status}): its policy must allow "${what === 'read' ? 'read' : 'create'}" there`, { httpStatus: status });
}

/**
 * Creates `request.name` with `request.value`: in the `folder` layout the KV
 * secret `<pathPrefix>/<space>/<NAME>` (or the organization folder) with the
 * field `value`, written with `cas: 0` so an existing one is never replaced;
 * in the `entry` layout one more field of the space's entry, written with
 * `cas` set to the version just read (read, add the field, write). The same
 * value already there is `existed`; another is `secret_exists`.
 */
export async function createVaultSecret(http: VaultHttp, options: VaultOptions, request: CreateSecretRequest): Promise<{ existed: boolean }> {
  const { name, value, scope, credential: token, signal } = request;
  const join = (...parts: string[]): string => parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/');
  let path: string;
  if (options.layout === 'entry') {
    if (scope === 'org') throw new SyncError('move_unsupported', 'The entry layout of Vault has no organization keys: move into the space');
    path = join(options.pathPrefix, options.space);
  } else {
    if (scope === 'org' && options.orgPath === '') throw new SyncError('move_unsupported', 'secretSync.vault.orgPath is empty: this Vault layout has no organization keys');
    path = join(options.pathPrefix, scope === 'org' ? options.orgPath : options.space, name);
  }
  if (options.layout === 'folder' && scope === 'org') {
    // The space's own key of that name wins over the organization's: one there with another value would hide the move.
    const shadow = await existing(http, `${options.mount}/data/${join(options.pathPrefix, options.space, name)}`, token, signal);
    if (shadow !== undefined && !(shadow.fields.value === value && Object.keys(shadow.fields).length === 1)) {
      throw new SyncError('secret_exists', `'${name}' already exists in space '${options.space}' with another value, which wins over the organization's: nothing was written`);
    }
  }
  const dataPath = `${options.mount}/data/${path}`;
  const current = await existing(http, dataPath, token, signal);
  const held = options.layout === 'entry' ? current?.fields[name] : current?.fields.value;
  if (held !== undefined || (options.layout === 'folder' && current !== undefined)) {
    if (held === value && (options.layout === 'entry' || Object.keys(current!.fields).length === 1)) return { existed: true };
    throw new SyncError('secret_exists', `'${name}' already exists in Vault at ${dataPath} with another value: nothing was written`);
  }
  const data = options.layout === 'entry' ? { ...(current?.fields ?? {}), [name]: value } : { value };
  const write = await http.send({ method: 'POST', path: dataPath, token, signal, body: { data, options: { cas: current?.version ?? 0 } } });
  if (write.status === 200 || write.status === 204) return { existed: false };
  if (write.status === 401 || write.status === 403) throw refused(dataPath, write.status, 'write');
  // A check-and-set that failed: someone wrote there between the read and the write.
  if (write.status === 400) throw new SyncError('secret_exists', `Vault at ${dataPath} changed while the move wrote (check-and-set failed): nothing was written, try again`);
  throw statusFailure(write.status, write.retryAfter, `Vault at ${write.address}`, Date.now());
}
