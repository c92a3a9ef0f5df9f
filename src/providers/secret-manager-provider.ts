// Provider for the reference Secret Manager: one GET with ETag, long poll for `watch`, strict answer checks.
import { INSTANCE_HEADER, USAGE_WANTED_HEADER } from '../shared/fleet-wire';
import type { InstanceIdentity, KeyUsage } from '../shared/fleet-wire';
import { isRecord } from '../shared/guards';
import { mediaType } from '../shared/remote-text';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { SyncError } from '../shared/sync-error';
import { createHttpClient } from './http-client';
import { statusFailure, transportFailure } from './http-failure';
import type { CreateSecretRequest, FetchRequest, FetchResult, SecretProvider } from './provider';

/** A manager error code as it may enter a status: snake_case, bounded. */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** Error answers longer than this are not read for a code. */
const MAX_ERROR_BODY = 4096;

/** The `error` code of the manager's JSON error answer `{ error, message }`, when it is a well-formed one; its message is never taken. */
function errorCodeOf(response: AxiosResponse<string>): string | undefined {
  if (!String(response.headers['content-type'] ?? '').includes('json') || response.data.length > MAX_ERROR_BODY) return undefined;
  try {
    const body: unknown = JSON.parse(response.data);
    return isRecord(body) && typeof body.error === 'string' && ERROR_CODE.test(body.error) ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/** A credential the manager refused for a move: never retried, never named. */
function refused(target: string, status: number, what: string): SyncError {
  return new SyncError('credential_refused', `${target} refused the credential given to ${what} (HTTP ${status}): a manager admin token may`, { httpStatus: status });
}

/** What the provider needs from the configuration. */
export interface SecretManagerOptions {
  url: string;
  space: string;
  token: string;
  caFile?: string | undefined;
  /** Who reads: sent as `X-Secret-Sync-Instance` on every read, for the manager's fleet view. */
  instance?: InstanceIdentity | undefined;
  now?: () => number;
}

/** Reads secrets of one space from `GET {url}/v1/spaces/{space}/secrets`. */
export class SecretManagerProvider implements SecretProvider {
  readonly name = 'secret-manager';
  readonly #client: AxiosInstance;
  readonly #path: string;
  readonly #target: string;
  readonly #space: string;
  readonly #token: string;
  readonly #now: () => number;
  readonly #instance: SecretManagerOptions['instance'];
  /** The manager asked for a usage report, in the answer to a read sent after the last report arrived. */
  #usageWanted = false;
  /** Reads sent so far, and how many had been sent when the last report arrived: an ask is only as new as its read. */
  #readsSent = 0;
  #readsBeforeReport = 0;
  /** The manager's address. */
  readonly address: string;

  constructor(options: SecretManagerOptions) {
    this.address = options.url;
    this.#client = createHttpClient({ baseURL: options.url, caFile: options.caFile });
    this.#instance = options.instance;
    this.#space = options.space;
    this.#token = options.token;
    this.#path = `/v1/spaces/${encodeURIComponent(options.space)}/secrets`;
    this.#target = `the Secret Manager at ${options.url}`;
    this.#now = options.now ?? Date.now;
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    const headers: Record<string, string> = {};
    if (request.etag !== undefined) headers['if-none-match'] = request.etag;
    const response = await this.#get({}, headers, request.signal, false);
    if (response.status === 304) return { status: 'unchanged' };
    return this.#parse(response);
  }

  async waitForChange(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined> {
    const response = await this.#get({ wait: String(seconds), version: String(version) }, {}, signal, true);
    if (response.status === 304) return undefined;
    return this.#parse(response);
  }

  async reportUsage(usage: readonly KeyUsage[], signal: AbortSignal): Promise<void> {
    if (!this.#instance) return;
    let response: AxiosResponse<string>;
    try {
      response = await this.#client.put<string>(`/v1/spaces/${encodeURIComponent(this.#space)}/instances/${encodeURIComponent(this.#instance.id)}/usage`, JSON.stringify({ keys: usage }), {
        signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` },
      });
    } catch (err) {
      throw transportFailure(err, this.#target);
    }
    if (response.status !== 204) throw statusFailure(response.status, undefined, this.#target, this.#now());
    // The report answers every ask so far, and asks in answers to reads already on their way may predate it:
    // only a read sent from now on can ask again (the manager asks until it holds a report, and after forgetting one).
    this.#usageWanted = false;
    this.#readsBeforeReport = this.#readsSent;
  }

  /**
   * Reads the space with the move's credential (its value of `name`, if any,
   * decides: the same value existed, another is `secret_exists`), then
   * creates the secret in the space or the organization. The credential is
   * sent as the bearer token of these two requests only.
   */
  async createSecret(request: CreateSecretRequest): Promise<{ existed: boolean }> {
    const { name, value, scope, credential, signal } = request;
    const authorization = `Bearer ${credential}`;
    let read: AxiosResponse<string>;
    try {
      read = await this.#client.get<string>(this.#path, { signal, headers: { accept: 'application/json', authorization } });
    } catch (err) {
      throw transportFailure(err, this.#target);
    }
    if (read.status === 401 || read.status === 403) throw refused(this.#target, read.status, 'read this space');
    if (read.status !== 200) throw statusFailure(read.status, undefined, this.#target, this.#now());
    const current = (this.#parse(read) as { secrets?: Record<string, unknown> }).secrets?.[name];
    if (current !== undefined) {
      if (current === value) return { existed: true };
      throw new SyncError('secret_exists', `'${name}' already exists in space '${this.#space}' with another value: nothing was written`);
    }
    const path = scope === 'org' ? '/v1/org/secrets' : this.#path;
    let created: AxiosResponse<string>;
    try {
      created = await this.#client.post<string>(path, JSON.stringify({ name, value, description: 'Moved from a Node-RED flow' }), {
        signal,
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization },
      });
    } catch (err) {
      throw transportFailure(err, this.#target);
    }
    if (created.status === 201) return { existed: false };
    if (created.status === 401 || created.status === 403) throw refused(this.#target, created.status, `create secrets${scope === 'org' ? ' of the organization' : ''}`);
    const reason = errorCodeOf(created);
    if (created.status === 409 && reason === 'secret_exists') throw new SyncError('secret_exists', `'${name}' already exists ${scope === 'org' ? 'in the organization' : `in space '${this.#space}'`}: nothing was written`);
    if (reason !== undefined && created.status < 500) throw new SyncError('move_refused', `${this.#target} refused to create '${name}' (HTTP ${created.status}, ${reason})`, { reason });
    throw statusFailure(created.status, undefined, this.#target, this.#now());
  }

  takeUsageRequest(): boolean {
    const wanted = this.#usageWanted;
    this.#usageWanted = false;
    return wanted;
  }

  #instanceHeader(): Record<string, string> {
    const who = this.#instance;
    if (!who) return {};
    return { [INSTANCE_HEADER]: `${who.id}; name=${encodeURIComponent(who.name)}; version=${encodeURIComponent(who.version)}` };
  }

  async #get(params: Record<string, string>, headers: Record<string, string>, signal: AbortSignal, longPoll: boolean): Promise<AxiosResponse<string>> {
    let response: AxiosResponse<string>;
    const read = ++this.#readsSent;
    try {
      response = await this.#client.get<string>(this.#path, {
        params,
        signal,
        headers: { accept: 'application/json', authorization: `Bearer ${this.#token}`, ...this.#instanceHeader(), ...headers },
      });
    } catch (err) {
      throw transportFailure(err, this.#target);
    }
    // The manager held no usage report of this instance when it answered (it is new to it, or was forgotten): one is due,
    // unless a report arrived after this read was sent (the manager may have answered before the report came).
    if (response.headers[USAGE_WANTED_HEADER] !== undefined && read > this.#readsBeforeReport) this.#usageWanted = true;
    if (response.status !== 200 && response.status !== 304) {
      const retryAfter = response.headers['retry-after'] as string | undefined;
      const failure = statusFailure(response.status, retryAfter, this.#target, this.#now());
      const reason = errorCodeOf(response);
      if (!longPoll && reason === undefined) throw failure;
      // A refused long poll (all slots taken, a share used up) is not a failed sync: the watch status says which (README, "A degraded watch").
      const message = longPoll ? `${this.#target} refused the long poll (HTTP ${response.status}${reason === undefined ? '' : `, ${reason}`})` : failure.message;
      const { code, retryable, httpStatus, retryAfterMs } = failure;
      throw new SyncError(code, message, { retryable, httpStatus, retryAfterMs, reason });
    }
    return response;
  }

  #parse(response: AxiosResponse<string>): FetchResult {
    const header: unknown = response.headers['content-type'];
    const type = mediaType(header);
    if (type === undefined || !type.includes('json')) {
      // Only a well-formed media type is named: the header is the server's text, and the message reaches the editor.
      const said = type ?? (header === undefined || header === '' ? 'no content type' : 'an unexpected content type');
      throw new SyncError('invalid_payload', `${this.#target} answered with ${said} instead of JSON`);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.data);
    } catch {
      throw new SyncError('invalid_payload', `${this.#target} sent a body that is not valid JSON (truncated?)`);
    }
    if (!isRecord(body) || typeof body.space !== 'string' || !isRecord(body.secrets)) {
      throw new SyncError('invalid_payload', `${this.#target} sent an answer without 'space' and 'secrets'`);
    }
    if (body.space !== this.#space) {
      throw new SyncError('space_mismatch', `${this.#target} sent secrets for another space; rejected whole`);
    }
    const version = typeof body.version === 'number' && Number.isSafeInteger(body.version) ? body.version : null;
    const etag: unknown = response.headers.etag;
    return { status: 'changed', version, etag: typeof etag === 'string' ? etag : null, secrets: body.secrets, bytes: response.data.length };
  }
}
