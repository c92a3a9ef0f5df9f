// Calls the manager's API with the session cookie; every write carries the console header (CSRF). Failures become plain words.
import { errorText, signInErrorText, t } from './i18n';
import type { InstanceIdentity, KeyUsage } from '../../../shared/fleet-wire';

/** An API error: the manager's code and message (never a value); status 0 when the manager could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Dispatched on `window` when an answer says the session has ended (401): the console goes back to sign-in. */
export const SESSION_ENDED = 'secret-manager:session-ended';

/** Whether `err` is the abort of a request whose answer is no longer wanted (its tab was left). */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** The text to show for `err`. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Sends one request to `/v1{path}`; resolves to the parsed body (undefined for
 * 204). A network failure is `network_error` and an answer that is not JSON is
 * `bad_answer`, each in plain words; `signal` aborts it (an AbortError).
 */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-secret-manager-console'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await fetch(`/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null });
    text = await res.text();
  } catch (err) {
    if (isAbort(err)) throw err;
    // fetch() says only "Failed to fetch": the manager is down, or the network or a proxy in between.
    throw new ApiError(0, 'network_error', t('networkError'));
  }
  let data: unknown;
  try {
    data = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // A proxy's HTML error page, for one.
    throw new ApiError(res.status, 'bad_answer', t('badAnswer', { status: res.status }));
  }
  if (res.status === 401 && path !== '/session') window.dispatchEvent(new Event(SESSION_ENDED));
  if (!res.ok) {
    const err = (data ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
    const code = typeof err.error === 'string' ? err.error : 'http_error';
    const own = typeof err.message === 'string' ? err.message : `HTTP ${res.status}`;
    // Signing in says why the token was refused; elsewhere a code reads in the console's language.
    const local = path === '/session' ? signInErrorText(code) : errorText(code);
    throw new ApiError(res.status, code, local ?? own, err.details);
  }
  return data as T;
}

/** A secret as the API lists it (no value; a multi-pair secret names its pairs in `fields`). */
export interface SecretMeta {
  name: string;
  description: string;
  type: 'string' | 'pairs';
  fields?: string[];
  createdAt: string;
  updatedAt: string;
}

/** One plugin instance of a space. */
export interface Instance extends InstanceIdentity {
  syncedVersion: number | null;
  lastSeen: string;
  usage: KeyUsage[];
}

/** One page of a space's fleet (`GET /spaces/{space}/instances`): `next` is the cursor of the next page, null on the last. */
export interface InstancePage {
  version: number;
  instances: Instance[];
  total: number;
  current: number;
  next: string | null;
}
