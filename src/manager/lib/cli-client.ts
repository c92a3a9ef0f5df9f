// The CLI's HTTP client for the manager's API: bearer auth, JSON in and out, errors as ManagerError.
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { ManagerError } from './errors';

/** How long a download (a backup) may take in all. */
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

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

/**
 * POSTs to `path` and writes the answer's body to `dest` (mode 0600) as it
 * arrives; resolves to the byte count. An error answer is a ManagerError; an
 * answer shorter than its Content-Length is `incomplete_download`.
 */
export async function downloadApi(options: ClientOptions, path: string, dest: string): Promise<number> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${resolveToken(options)}` },
      redirect: 'error',
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
  } catch {
    throw new ManagerError('unreachable', 503, `Cannot reach the Secret Manager at ${options.url}: is 'secret-manager serve' running?`);
  }
  if (!response.ok || response.body === null) {
    const text = await response.text().catch(() => '');
    let err: { error?: string; message?: string; details?: unknown } | undefined;
    try {
      err = JSON.parse(text) as typeof err;
    } catch {
      err = undefined;
    }
    throw new ManagerError(err?.error ?? 'http_error', response.status, err?.message ?? `HTTP ${response.status}`, undefined, err?.details);
  }
  const expected = Number(response.headers.get('content-length') ?? NaN);
  let bytes = 0;
  const counted = Readable.fromWeb(response.body as ReadableStream<Uint8Array>).on('data', (chunk: Buffer) => (bytes += chunk.length));
  try {
    await pipeline(counted, createWriteStream(dest, { mode: 0o600, flags: 'wx' }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    throw new ManagerError('incomplete_download', 502, `The answer from ${options.url} broke off after ${bytes} bytes`);
  }
  if (Number.isFinite(expected) && bytes !== expected) {
    throw new ManagerError('incomplete_download', 502, `The answer from ${options.url} broke off after ${bytes} of ${expected} bytes`);
  }
  return bytes;
}
