// Calls the manager's API with the session cookie; every write carries the console header (CSRF).
import { errorText } from './i18n';

/** An API error: the manager's code and message (never a value). */
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

/** Sends one request to `/v1{path}`; resolves to the parsed body (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-secret-manager-console'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.text();
  const data = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (res.status === 401 && path !== '/session') window.dispatchEvent(new Event(SESSION_ENDED));
  if (!res.ok) {
    const err = (data ?? {}) as { error?: string; message?: string; details?: unknown };
    const code = err.error ?? 'http_error';
    // Signing in says why a token was refused in the manager's own words; elsewhere a code reads as the console's language.
    const local = path === '/session' ? undefined : errorText(code);
    throw new ApiError(res.status, code, local ?? err.message ?? `HTTP ${res.status}`, err.details);
  }
  return data as T;
}

/** A secret as the API lists it (no value). */
export interface SecretMeta {
  name: string;
  description: string;
  type: 'string' | 'pairs';
  createdAt: string;
  updatedAt: string;
}

/** One plugin instance of a space. */
export interface Instance {
  id: string;
  name: string;
  version: string;
  syncedVersion: number | null;
  lastSeen: string;
  usage: { key: string; nodes: number }[];
}

/** One page of a space's fleet (`GET /spaces/{space}/instances`): `next` is the cursor of the next page, null on the last. */
export interface InstancePage {
  version: number;
  instances: Instance[];
  total: number;
  current: number;
  next: string | null;
}
