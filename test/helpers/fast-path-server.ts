// A server with one of the manager's fast paths in front of a stand-in for Express: what the fast path passes on is answered 418 and recorded.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started server: its URL, the requests the fast path passed on (`METHOD /path`), and its close. */
export interface FastPathServer {
  url: string;
  passed: string[];
  close(): void;
}

/**
 * Serves `fast` on 127.0.0.1:0; a request it passes on (returns false for)
 * must have nothing written (no headers sent, none set), is recorded in
 * `passed` and answered 418.
 */
export async function startFastPathServer(fast: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<FastPathServer> {
  const passed: string[] = [];
  const server = http.createServer((req, res) => {
    if (fast(req, res)) return;
    // Nothing may have been written by the fast path before it passed the request on.
    assert.equal(res.headersSent, false);
    assert.equal(res.getHeaderNames().length, 0);
    passed.push(`${req.method} ${req.url}`);
    res.statusCode = 418;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, passed, close: () => server.close() };
}
