// The ceiling of `npm run bench` (ceiling): a bare node:http server answering the manager's own bytes from memory, no checks.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One path the bare server answers: the manager's body of that space and its ETag, captured by the bench. */
export interface BareRoute {
  path: string;
  /** File holding the manager's answer, byte for byte. */
  file: string;
  etag: string;
}

const HEALTHZ = Buffer.from(JSON.stringify({ status: 'ok' }));

/** Serves `routes` (a 304 when If-None-Match is the ETag, else the bytes as a Buffer) and `/healthz`; prints `listening on URL`. */
function main(): void {
  const routes = new Map(
    (JSON.parse(process.env.BARE_ROUTES ?? '[]') as BareRoute[]).map((route) => [route.path, { etag: route.etag, body: readFileSync(route.file) }]),
  );
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': HEALTHZ.length });
      res.end(HEALTHZ);
      return;
    }
    const route = routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
      return;
    }
    // The same headers as the manager's answer, so both send the same bytes.
    if (req.headers['if-none-match'] === route.etag) {
      res.writeHead(304, { 'Cache-Control': 'no-store', ETag: route.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Cache-Control': 'no-store', ETag: route.etag, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': route.body.length });
    res.end(route.body);
  });
  // An orderly exit, so that `node --cpu-prof` writes its profile.
  process.once('SIGTERM', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
}

main();
