// A counting proxy in front of moto: counts AWS requests by action (X-Amz-Target), can answer ThrottlingException for the next N, InternalServiceError to all, or rewrite an answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started proxy. */
export interface AwsProxy {
  url: string;
  /** Requests seen per action (`ListSecrets`, `BatchGetSecretValue`, …), throttled ones included. */
  counts: Map<string, number>;
  /** Every request seen, in order: its action and whether it was throttled. */
  seen: { action: string; throttled: boolean }[];
  /** Total requests seen. */
  total(): number;
  /** Clears the counts. */
  resetCounts(): void;
  /** Answers the next `n` requests with `400 ThrottlingException` as AWS does, then passes through again. */
  throttle(n: number): void;
  /** Answers every request with `500 InternalServiceError` carrying `message` (undefined: pass through again). */
  fail(message: string | undefined): void;
  /** Rewrites the body of moto's 200 answers to `action` (undefined: pass them through again). */
  rewrite(action: string, edit: ((body: string) => string) | undefined): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `upstream` (moto's URL), the Host header kept so signatures stay valid. */
export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const target = new URL(upstream);
  const counts = new Map<string, number>();
  const seen: { action: string; throttled: boolean }[] = [];
  let throttles = 0;
  let failure: string | undefined;
  const rewrites = new Map<string, (body: string) => string>();
  const server = http.createServer((req, res) => {
    const header = req.headers['x-amz-target'];
    const action = typeof header === 'string' ? (header.split('.').pop() ?? header) : 'unknown';
    counts.set(action, (counts.get(action) ?? 0) + 1);
    const throttled = throttles > 0;
    seen.push({ action, throttled });
    const answer = (status: number, type: string, message: string): void => {
      req.resume();
      const body = JSON.stringify({ __type: type, message });
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (throttled) {
      throttles--;
      answer(400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (failure !== undefined) {
      answer(500, 'InternalServiceError', failure);
      return;
    }
    const edit = rewrites.get(action);
    const upstreamReq = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      if (edit === undefined || up.statusCode !== 200) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (chunk: Buffer) => chunks.push(chunk));
      up.on('end', () => {
        const body = edit(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': up.headers['content-type'] ?? 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    seen,
    total: () => seen.length,
    resetCounts: () => {
      counts.clear();
      seen.length = 0;
    },
    throttle: (n) => {
      throttles = n;
    },
    fail: (message) => {
      failure = message;
    },
    rewrite: (action, edit) => {
      if (edit === undefined) rewrites.delete(action);
      else rewrites.set(action, edit);
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
