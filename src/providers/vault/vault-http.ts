// Talks to an OpenBao / Vault cluster over HTTP: one request, tried on each listed address until a node can answer.
import type { AxiosInstance } from 'axios';
import { SyncError } from '../../shared/sync-error';
import { createHttpClient } from '../http-client';
import { transportFailure } from '../http-failure';

/** One Vault answer. */
export interface VaultAnswer {
  status: number;
  /** The parsed JSON body, or undefined when there is none. */
  body: unknown;
  retryAfter: string | undefined;
  /** The address that answered. */
  address: string;
}

/** One request. */
export interface VaultRequest {
  method: 'GET' | 'LIST' | 'POST';
  /** Path under `/v1/`, e.g. `secret/data/spaces/demo`. */
  path: string;
  token?: string | undefined;
  body?: unknown;
  signal: AbortSignal;
}

/**
 * The addresses of a cluster, and the one that answered last (tried first).
 * A node that cannot serve (connection refused or reset, 503 from a sealed or
 * standby node, 500/502 while the cluster elects a leader) hands the request
 * to the next address; any other answer is the cluster's answer.
 */
export class VaultHttp {
  readonly #client: AxiosInstance;
  readonly #addresses: readonly string[];
  readonly #namespace: string | undefined;
  #preferred = 0;
  /** Requests sent, all addresses together (for `npm run bench` and the tests). */
  requests = 0;

  constructor(addresses: readonly string[], options: { namespace?: string | undefined; caFile?: string | undefined }) {
    this.#addresses = addresses;
    this.#namespace = options.namespace;
    this.#client = createHttpClient({ caFile: options.caFile });
  }

  /** The address that answered last. */
  get address(): string {
    return this.#addresses[this.#preferred] ?? '';
  }

  /** Sends `request`, trying every address once, starting with the one that answered last. */
  async send(request: VaultRequest): Promise<VaultAnswer> {
    let last: SyncError | undefined;
    for (let i = 0; i < this.#addresses.length; i++) {
      const index = (this.#preferred + i) % this.#addresses.length;
      const address = this.#addresses[index]!;
      let answer: VaultAnswer;
      try {
        answer = await this.#sendTo(address, request);
      } catch (err) {
        if (request.signal.aborted) throw err;
        last = transportFailure(err, `Vault at ${address}`);
        // A TLS problem is the same on every node of a cluster: say so at once.
        if (!last.retryable) throw last;
        continue;
      }
      if (!canNotServe(answer.status)) {
        this.#preferred = index;
        return answer;
      }
      last = new SyncError('vault_unavailable', `Vault at ${address} cannot serve now (HTTP ${answer.status}: sealed, standby or electing a leader)`, {
        retryable: true,
        httpStatus: answer.status,
      });
    }
    throw last ?? new SyncError('config_invalid', 'secretSync.url lists no Vault address', { field: 'url' });
  }

  async #sendTo(address: string, request: VaultRequest): Promise<VaultAnswer> {
    this.requests++;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.token !== undefined) headers['x-vault-token'] = request.token;
    if (this.#namespace !== undefined) headers['x-vault-namespace'] = this.#namespace;
    const response = await this.#client.request<string>({
      url: `${address}/v1/${request.path}`,
      method: request.method === 'LIST' ? 'GET' : request.method,
      params: request.method === 'LIST' ? { list: 'true' } : undefined,
      data: request.body === undefined ? undefined : JSON.stringify(request.body),
      headers: request.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      signal: request.signal,
    });
    let body: unknown;
    try {
      body = response.data === '' ? undefined : (JSON.parse(response.data) as unknown);
    } catch {
      body = undefined;
    }
    const retryAfter = response.headers['retry-after'] as string | undefined;
    return { status: response.status, body, retryAfter, address };
  }
}

/** Whether a node's answer means "ask another node": sealed or standby (503), or no leader yet (500, 502). */
function canNotServe(status: number): boolean {
  return status === 503 || status === 502 || status === 500;
}
