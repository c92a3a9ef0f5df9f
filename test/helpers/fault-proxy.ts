// A local HTTP server in front of the real Secret Manager that passes requests through or injects faults.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | { kind: 'pass'; delayMs?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'drip'; body: string; intervalMs: number }
  | { kind: 'hang' };

/** One request as the proxy saw it (whether a token came, never its value). */
export interface SeenRequest {
  at: number;
  method: string;
  path: string;
  ifNoneMatch: string | undefined;
  hasToken: boolean;
}

/** A started proxy. */
export interface FaultProxy {
  url: string;
  requests: SeenRequest[];
  /** Faults for the next requests, in order; afterwards the fallback applies. */
  queue(...faults: Fault[]): void;
  /** What every request gets once the queue is empty (default: pass). */
  setFallback(fault: Fault): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `upstream` (e.g. the manager's URL). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: SeenRequest[] = [];
  const pending: Fault[] = [];
  let fallback: Fault = { kind: 'pass' };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((req, res) => {
    requests.push({
      at: Date.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '',
      ifNoneMatch: req.headers['if-none-match'],
      hasToken: typeof req.headers.authorization === 'string',
    });
    const forward = (): void => {
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstreamReq.on('error', () => res.destroy());
      req.pipe(upstreamReq);
    };
    const fault = pending.shift() ?? fallback;
    switch (fault.kind) {
      case 'pass':
        if (fault.delayMs) later(fault.delayMs, forward);
        else forward();
        return;
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        let i = 0;
        const step = (): void => {
          if (res.destroyed) return;
          if (i >= fault.body.length) {
            res.end();
            return;
          }
          res.write(fault.body[i++]);
          later(fault.intervalMs, step);
        };
        step();
        return;
      }
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    queue: (...faults) => pending.push(...faults),
    setFallback: (fault) => {
      fallback = fault;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
