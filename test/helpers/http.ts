// A small fetch wrapper for tests: one call, status, headers and parsed body back; and a raw request that sends a path verbatim.
import http from 'node:http';

/** What a test request returns. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined for an empty or non-JSON one. */
  body: unknown;
}

/** Options of {@link request}. */
export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (already serialized); wins over `body`. */
  raw?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends one HTTP request and reads the whole answer. */
export async function request(method: string, url: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: payload ?? null, signal: options.signal ?? null });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** What {@link rawRequest} returns. */
export interface RawResponse {
  status: number;
  text: string;
}

/**
 * Sends `method rawPath` exactly as written (no URL normalisation: `//`,
 * `%2e`, `..` and `;` reach the server as they are), to 127.0.0.1:`port`.
 */
export function rawRequest(port: number, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer to ${method} ${rawPath}`)));
    req.on('error', reject);
    req.end();
  });
}
