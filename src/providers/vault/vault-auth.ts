// Keeps a valid Vault token: a given token (renewed before it expires, when renewable) or an AppRole login (renewed, and redone when lost).
import { readFileSync } from 'node:fs';
import { SyncError } from '../../shared/sync-error';
import { isRecord } from '../../shared/guards';
import type { VaultHttp } from './vault-http';

/** How to authenticate. */
export type VaultCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'approle'; roleId: string; secretId?: string | undefined; secretIdFile?: string | undefined; mount?: string | undefined };

/** A token and when it must be renewed (ms since epoch; Infinity for a token that never expires). */
interface Lease {
  token: string;
  renewAt: number;
  expiresAt: number;
  renewable: boolean;
}

/** Renew when this share of a lease is used up. */
const RENEW_AT = 2 / 3;
/** A renewal that extends the expiry by less than this (or a sixth of the new TTL, for short ones) has hit the token's maximum TTL; a due one extends it by a third. */
const MIN_EXTENSION_MS = 1_000;

function leaseOf(token: string, ttlSeconds: number, renewable: boolean, now: number): Lease {
  if (ttlSeconds <= 0) return { token, renewAt: Infinity, expiresAt: Infinity, renewable: false };
  return { token, renewAt: now + ttlSeconds * 1000 * RENEW_AT, expiresAt: now + ttlSeconds * 1000, renewable };
}

/**
 * Hands out a token that is valid now. A lease past two thirds of its life
 * is renewed (`auth/token/renew-self`), by a timer and before any use, so a
 * token outlives syncs far apart; an AppRole login that cannot be renewed, or
 * that Vault no longer knows (`invalidate`), is replaced by a new login.
 * A token value never appears in an error, a log line or a status.
 */
export class VaultAuth {
  readonly #http: VaultHttp;
  readonly #credentials: VaultCredentials;
  readonly #now: () => number;
  #lease: Lease | undefined;
  #pending: Promise<string> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(http: VaultHttp, credentials: VaultCredentials, now: () => number = Date.now) {
    this.#http = http;
    this.#credentials = credentials;
    this.#now = now;
  }

  /** A valid token (logging in or renewing first when needed); concurrent callers share one login. */
  token(signal: AbortSignal): Promise<string> {
    this.#pending ??= this.#valid(signal).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /**
   * After a 403 with a given token: throws `vault_token_invalid` when Vault
   * refuses the token itself (`auth/token/lookup-self` answers 403: unknown,
   * expired or revoked), so that is not mistaken for a policy without the path.
   * Resolves when the token is known (the 403 is the policy's). AppRole logins
   * are replaced instead (the provider logs in again first).
   */
  async assertTokenKnown(signal: AbortSignal): Promise<void> {
    if (this.#credentials.kind !== 'token') return;
    const token = this.#lease?.token ?? this.#credentials.token;
    const answer = await this.#http.send({ method: 'GET', path: 'auth/token/lookup-self', token, signal });
    if (answer.status !== 403 && answer.status !== 401) return;
    throw new SyncError(
      'vault_token_invalid',
      `Vault refused the token itself (HTTP ${answer.status} on auth/token/lookup-self): it is unknown, expired or revoked. ` +
        'Set a valid one in secretSync.token or secretSync.tokenFile (SECRET_SYNC_TOKEN, SECRET_SYNC_TOKEN_FILE), or log in with AppRole (secretSync.vault.roleId)',
      { httpStatus: answer.status, field: 'token' },
    );
  }

  /** Forgets the current token (Vault said it is unknown or revoked): the next call logs in again. */
  invalidate(): void {
    this.#setLease(undefined);
  }

  /** Stops the renewal timer. */
  close(): void {
    this.#setLease(undefined);
  }

  #setLease(lease: Lease | undefined): Lease | undefined {
    this.#lease = lease;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (lease && Number.isFinite(lease.renewAt) && (lease.renewable || this.canLogIn)) {
      const renew = (): void => {
        // Due now, whatever the clock says: a timer may fire a little before renewAt by Date.now(), and a
        // renewal skipped here would wait for the next use. A timer callback never throws: a failed
        // renewal is tried again on the next use.
        this.#pending ??= this.#valid(AbortSignal.timeout(30_000), true).finally(() => (this.#pending = undefined));
        this.#pending.catch(() => undefined);
      };
      this.#timer = setTimeout(renew, Math.max(100, lease.renewAt - this.#now())).unref();
    }
    return lease;
  }

  /** Whether a lost token can be replaced (AppRole) rather than being a configuration problem. */
  get canLogIn(): boolean {
    return this.#credentials.kind === 'approle';
  }

  /** The current token, renewed or replaced first when due (`due`: the renewal timer says so). */
  async #valid(signal: AbortSignal, due = false): Promise<string> {
    const now = this.#now();
    const lease = this.#lease;
    if (lease && !due && now < lease.renewAt) return lease.token;
    if (lease && lease.renewable && now < lease.expiresAt) {
      const renewed = await this.#renew(lease.token, signal);
      if (renewed) return renewed.token;
    }
    if (this.#credentials.kind === 'token') {
      if (!lease) return this.#adopt(this.#credentials.token, signal);
      // A given token past renewal is still used until Vault refuses it.
      return lease.token;
    }
    return (await this.#login(this.#credentials, signal)).token;
  }

  /** Looks the given token up once, to learn whether and when it must be renewed. */
  async #adopt(token: string, signal: AbortSignal): Promise<string> {
    const answer = await this.#http.send({ method: 'GET', path: 'auth/token/lookup-self', token, signal });
    if (answer.status === 200 && isRecord(answer.body) && isRecord(answer.body.data)) {
      const { ttl, renewable } = answer.body.data;
      this.#setLease(leaseOf(token, typeof ttl === 'number' ? ttl : 0, renewable === true, this.#now()));
    } else {
      // Tokens without lookup-self permission still work; they are just never renewed.
      this.#setLease(leaseOf(token, 0, false, this.#now()));
    }
    return token;
  }

  async #renew(token: string, signal: AbortSignal): Promise<Lease | undefined> {
    const answer = await this.#http.send({ method: 'POST', path: 'auth/token/renew-self', token, body: {}, signal });
    const auth = isRecord(answer.body) ? answer.body.auth : undefined;
    if (answer.status !== 200 || !isRecord(auth) || typeof auth.client_token !== 'string') return undefined;
    const previous = this.#lease;
    const lease = leaseOf(auth.client_token, Number(auth.lease_duration) || 0, auth.renewable === true, this.#now());
    // A renewal that no longer moves the expiry means the token reached its maximum TTL: renewing again
    // would only call Vault ever more often. It is used until it expires; an AppRole login then replaces it.
    const ttlMs = lease.expiresAt - this.#now();
    const capped = previous !== undefined && lease.expiresAt - previous.expiresAt < Math.min(MIN_EXTENSION_MS, ttlMs / 6);
    return this.#setLease(capped ? { ...lease, renewable: false } : lease);
  }

  async #login(credentials: Extract<VaultCredentials, { kind: 'approle' }>, signal: AbortSignal): Promise<Lease> {
    const secretId = credentials.secretId ?? readSecretId(credentials.secretIdFile);
    const mount = credentials.mount ?? 'approle';
    const answer = await this.#http.send({ method: 'POST', path: `auth/${mount}/login`, body: { role_id: credentials.roleId, secret_id: secretId }, signal });
    const auth = isRecord(answer.body) ? answer.body.auth : undefined;
    if (answer.status === 200 && isRecord(auth) && typeof auth.client_token === 'string') {
      return this.#setLease(leaseOf(auth.client_token, Number(auth.lease_duration) || 0, auth.renewable === true, this.#now()))!;
    }
    if (answer.status === 400 || answer.status === 403) {
      throw new SyncError('unauthorized', `Vault refused the AppRole login at auth/${mount}/login: check secretSync.vault.roleId and the secret ID`, {
        httpStatus: answer.status,
      });
    }
    throw new SyncError('vault_unavailable', `Vault could not log in with AppRole (HTTP ${answer.status})`, { retryable: answer.status === 429 || answer.status >= 500, httpStatus: answer.status });
  }
}

function readSecretId(file: string | undefined): string {
  if (file === undefined) throw new SyncError('config_missing', 'AppRole needs secretSync.vault.secretId or secretIdFile', { field: 'vault.secretId' });
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text !== '') return text;
  } catch {
    // Named below, without the file's content.
  }
  throw new SyncError('config_invalid', `secretSync.vault.secretIdFile (SECRET_SYNC_VAULT_SECRET_ID_FILE): cannot read a secret ID from ${file}`, {
    field: 'vault.secretIdFile',
  });
}
