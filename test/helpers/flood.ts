// Many requests over a few keep-alive connections, a bounded number of them: for the attack suites and the flood bench.
import http from 'node:http';

/** One request of a flood. */
export interface FloodRequest {
  method: string;
  /** Path and query, e.g. `/v1/spaces/demo/secrets`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends `count` requests built by `make(i)`, `connections` at a time, each
 * connection kept alive; resolves with how many answers had each status
 * (0: no answer). A server that answers before reading the whole body (413)
 * still counts as answered.
 */
export async function flood(baseUrl: string, count: number, make: (i: number) => FloodRequest, connections = 16): Promise<Map<number, number>> {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const status = await send(agent, hostname, Number(port), make(i));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}

/** Sends one request; resolves with its status, or 0 when the connection failed before an answer. */
export function send(agent: http.Agent, host: string, port: number, request: FloodRequest): Promise<number> {
  return new Promise((resolve) => {
    const headers = { ...request.headers, ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }) };
    const req = http.request({ agent, host, port, method: request.method, path: request.path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer')));
    // An answer may come, and the socket close, before the whole body is written: the answer counts.
    req.on('error', () => resolve(0));
    req.end(request.body);
  });
}
