// The CLI's HTTP client for the manager's API: bearer auth, JSON in and out, errors as ManagerError.
import { readFileSync } from 'node:fs';
import { ManagerError } from './errors';

/** Where the CLI finds the server and its admin token. */
export interface ClientOptions {
  url: string;
  token?: string | undefined;
  tokenFile?: string | undefined;
}

/** Resolves the token: an explicit value wins, else the token file. */
export function resolveToken(options: ClientOptions): string {
  if (options.token !== undefined && options.token !== '') return options.token;
  if (options.tokenFile === undefined) {
    throw new ManagerError('token_missing', 401, 'No token: set SECRET_MANAGER_TOKEN or pass --token-file');
  }
  try {
    return readFileSync(options.tokenFile, 'utf8').trim();
  } catch {
    throw new ManagerError('token_missing', 401, `Cannot read the token file ${options.tokenFile}: set SECRET_MANAGER_TOKEN or pass --token-file`);
  }
}

/** Calls the API and returns the parsed JSON body (undefined for 204). */
export async function callApi(options: ClientOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${resolveToken(options)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new ManagerError('unreachable', 503, `Cannot reach the Secret Manager at ${options.url}: is 'secret-manager serve' running?`);
  }
  if (response.status === 204) return undefined;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ManagerError('bad_response', 502, `The server answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const err = parsed as { error?: string; message?: string; field?: string } | undefined;
    throw new ManagerError(err?.error ?? 'http_error', response.status, err?.message ?? `HTTP ${response.status}`, err?.field);
  }
  return parsed;
}
