// The key-encryption key in OpenBao / Vault Transit: settings from the environment, and wrap, unwrap and rewrap of the master key.
import { readFileSync } from 'node:fs';
import { ManagerError } from '../errors';

/** Where the master key is wrapped: `SECRET_MANAGER_KEK=transit` and its `SECRET_MANAGER_KEK_*` settings (README, "Keep the master key in OpenBao or Vault"). */
export interface TransitSettings {
  /** OpenBao / Vault address, e.g. `https://bao.example:8200`. */
  address: string;
  /** The transit key's name. */
  key: string;
  /** The transit engine's mount (default `transit`). */
  mount: string;
  namespace?: string | undefined;
  token?: string | undefined;
  tokenFile?: string | undefined;
  /** AppRole login instead of a token. */
  approle?: { roleId: string; secretId?: string | undefined; secretIdFile?: string | undefined; mount: string } | undefined;
}

/** How long one call to OpenBao may take. */
const CALL_TIMEOUT_MS = 10_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MOUNT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,127}){0,7}$/;

function configError(message: string): ManagerError {
  return new ManagerError('invalid_kek', 500, message);
}

/** Reads `SECRET_MANAGER_KEK*` from `env`: undefined when no KEK is set (the master key is a file or SECRET_MANAGER_MASTER_KEY). */
export function kekSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TransitSettings | undefined {
  const get = (name: string): string | undefined => {
    const value = env[`SECRET_MANAGER_KEK${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
  const kind = get('');
  if (kind === undefined) return undefined;
  if (kind !== 'transit') throw configError(`SECRET_MANAGER_KEK must be 'transit' (or unset), not '${kind.slice(0, 20)}'`);
  const address = get('_ADDR');
  const key = get('_KEY');
  if (address === undefined || !/^https?:\/\/[^\s/]+/.test(address)) throw configError('SECRET_MANAGER_KEK_ADDR must be the http(s) address of OpenBao / Vault');
  if (key === undefined || !NAME.test(key)) throw configError('SECRET_MANAGER_KEK_KEY must name the transit key (letters, digits, _ . -)');
  const mount = get('_MOUNT') ?? 'transit';
  const approleMount = get('_APPROLE_MOUNT') ?? 'approle';
  if (!MOUNT.test(mount) || !MOUNT.test(approleMount)) throw configError('SECRET_MANAGER_KEK_MOUNT and SECRET_MANAGER_KEK_APPROLE_MOUNT must be mount paths');
  const roleId = get('_ROLE_ID');
  const settings: TransitSettings = { address: address.replace(/\/+$/, ''), key, mount, namespace: get('_NAMESPACE'), token: get('_TOKEN'), tokenFile: get('_TOKEN_FILE') };
  if (roleId !== undefined) settings.approle = { roleId, secretId: get('_SECRET_ID'), secretIdFile: get('_SECRET_ID_FILE'), mount: approleMount };
  if (settings.token === undefined && settings.tokenFile === undefined && settings.approle === undefined) {
    throw configError('SECRET_MANAGER_KEK=transit needs SECRET_MANAGER_KEK_TOKEN, SECRET_MANAGER_KEK_TOKEN_FILE or SECRET_MANAGER_KEK_ROLE_ID');
  }
  return settings;
}

/** The key version a transit ciphertext was made with (`vault:v3:…` → 3); 0 if it has none. */
export function wrappedVersion(ciphertext: string): number {
  const match = /^vault:v(\d{1,9}):/.exec(ciphertext);
  return match ? Number(match[1]) : 0;
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw configError(`Cannot read ${what} file ${file}`);
  }
}

/**
 * A client of one transit key. Every failure is a ManagerError naming the
 * address, the key and the operation, never the token, the key or what
 * OpenBao answered in words: `kek_unavailable` (unreachable, sealed, 5xx),
 * `kek_denied` (401/403), `kek_unwrap_failed` (the key cannot decrypt it),
 * `kek_failed` (any other answer).
 */
export class TransitKek {
  constructor(readonly settings: TransitSettings) {}

  /** Names the key for logs and messages: `transit key K at ADDR`. */
  describe(): string {
    return `transit key '${this.settings.key}' at ${this.settings.address}${this.settings.namespace === undefined ? '' : ` (namespace ${this.settings.namespace})`}`;
  }

  /** Wraps `key` with the transit key's latest version. */
  async wrap(key: Buffer): Promise<string> {
    const data = await this.#call('encrypt', { plaintext: key.toString('base64') }, await this.#token());
    return this.#ciphertext(data, 'encrypt');
  }

  /** Unwraps a master key wrapped by {@link wrap}. */
  async unwrap(ciphertext: string): Promise<Buffer> {
    const data = await this.#call('decrypt', { ciphertext }, await this.#token());
    const plaintext = data.plaintext;
    if (typeof plaintext !== 'string') throw new ManagerError('kek_failed', 502, `${this.describe()} answered decrypt without a plaintext`);
    return Buffer.from(plaintext, 'base64');
  }

  /** Wraps again with the transit key's latest version, without the key leaving OpenBao. */
  async rewrap(ciphertext: string): Promise<string> {
    const data = await this.#call('rewrap', { ciphertext }, await this.#token());
    return this.#ciphertext(data, 'rewrap');
  }

  #ciphertext(data: Record<string, unknown>, operation: string): string {
    const ciphertext = data.ciphertext;
    if (typeof ciphertext !== 'string' || wrappedVersion(ciphertext) === 0) {
      throw new ManagerError('kek_failed', 502, `${this.describe()} answered ${operation} without a transit ciphertext`);
    }
    return ciphertext;
  }

  // A static token, or a fresh AppRole login for each operation (they are rare: a start, a rotation).
  async #token(): Promise<string> {
    const { token, tokenFile, approle } = this.settings;
    if (token !== undefined) return token;
    if (tokenFile !== undefined) return readSecretFile(tokenFile, 'the SECRET_MANAGER_KEK_TOKEN_FILE');
    const role = approle as NonNullable<TransitSettings['approle']>;
    const secretId = role.secretId ?? (role.secretIdFile === undefined ? undefined : readSecretFile(role.secretIdFile, 'the SECRET_MANAGER_KEK_SECRET_ID_FILE'));
    const answer = await this.#request(`auth/${role.mount}/login`, { role_id: role.roleId, ...(secretId === undefined ? {} : { secret_id: secretId }) }, undefined, 'AppRole login');
    const auth = (answer as { auth?: { client_token?: unknown } }).auth;
    if (typeof auth?.client_token !== 'string') throw new ManagerError('kek_failed', 502, `The AppRole login at ${this.settings.address} answered without a token`);
    return auth.client_token;
  }

  async #call(operation: 'encrypt' | 'decrypt' | 'rewrap', body: Record<string, string>, token: string): Promise<Record<string, unknown>> {
    const answer = await this.#request(`${this.settings.mount}/${operation}/${this.settings.key}`, body, token, operation);
    const data = (answer as { data?: unknown }).data;
    if (typeof data !== 'object' || data === null) throw new ManagerError('kek_failed', 502, `${this.describe()} answered ${operation} without data`);
    return data as Record<string, unknown>;
  }

  async #request(path: string, body: unknown, token: string | undefined, operation: string): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers['x-vault-token'] = token;
    if (this.settings.namespace !== undefined) headers['x-vault-namespace'] = this.settings.namespace;
    const what = operation === 'AppRole login' ? `the AppRole login at ${this.settings.address}` : `${operation} with ${this.describe()}`;
    let response: Response;
    try {
      response = await fetch(`${this.settings.address}/v1/${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch {
      throw new ManagerError('kek_unavailable', 503, `Cannot reach OpenBao / Vault for ${what}: is it running and unsealed?`);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 401 || response.status === 403) {
      throw new ManagerError('kek_denied', 502, `OpenBao / Vault refused ${what} (HTTP ${response.status}): check the token or AppRole and its policy (update on ${this.settings.mount}/${operation}/${this.settings.key})`);
    }
    if (response.status >= 500) {
      throw new ManagerError('kek_unavailable', 503, `OpenBao / Vault could not do ${what} (HTTP ${response.status}): is it unsealed?`);
    }
    if (response.status === 400 && (operation === 'decrypt' || operation === 'rewrap')) {
      throw new ManagerError('kek_unwrap_failed', 500, `${this.describe()} cannot decrypt the stored master key (HTTP 400): is it the transit key the data was set up with?`);
    }
    if (!response.ok) throw new ManagerError('kek_failed', 502, `OpenBao / Vault answered ${what} with HTTP ${response.status}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ManagerError('kek_failed', 502, `OpenBao / Vault answered ${what} with a body that is not JSON`);
    }
  }
}
