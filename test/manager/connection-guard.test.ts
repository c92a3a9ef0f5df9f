// Tests for src/manager/lib/connection-guard.ts: who makes room at the connection cap, and the listener's time limits, over HTTP and HTTPS.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { ConnectionGuard, declaresBody, serverTimeouts } from 'secret-sync-manager/dist/connection-guard';
import type { ConnectionLimits } from 'secret-sync-manager/dist/connection-guard';
import { createLogger } from 'secret-sync-manager';
import { createTestPki } from '../helpers/certs';
import type { TestPki } from '../helpers/certs';
import { headWithBody, rawClient, sendGet, silentFlood, until } from '../helpers/sockets';
import type { RawClient } from '../helpers/sockets';

interface Harness {
  port: number;
  guard: ConnectionGuard;
  logs: string[];
  /** Answers every request held on `/hold` so far. */
  release(): void;
  /** Requests that reached the handler. */
  served: string[];
  close(): Promise<void>;
}

const LIMITS: ConnectionLimits = { maxConnections: 3, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 };

async function serve(limits: Partial<ConnectionLimits>, pki?: TestPki): Promise<Harness> {
  const all = { ...LIMITS, ...limits };
  const held: http.ServerResponse[] = [];
  const served: string[] = [];
  const handler: http.RequestListener = (req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/hold') held.push(res);
    // Reads the whole body, then holds the answer (as a route working on a request would) or answers with its size.
    else if (req.url === '/read-hold' || req.url === '/read') {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => (req.url === '/read' ? res.end(`read ${size}`) : held.push(res)));
    }
    // Answers at once, whatever body the request has: as a refusal before the body is read.
    else res.end('quick');
  };
  const server = pki
    ? https.createServer({ cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key), ...serverTimeouts(all) }, handler)
    : http.createServer(serverTimeouts(all), handler);
  const logs: string[] = [];
  const guard = new ConnectionGuard(all, createLogger({ level: 'debug', sink: (_level, line) => logs.push(line) }));
  guard.attach(server, pki !== undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    guard,
    logs,
    served,
    release: () => held.splice(0).forEach((res) => res.end('released')),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('manager/connection-guard', () => {
  let harness: Harness | undefined;
  const clients: RawClient[] = [];
  const open = (port: number): RawClient => {
    const client = rawClient(port);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await harness?.close();
    harness = undefined;
  });

  it('at the cap, a newcomer closes the oldest socket that has sent nothing', async () => {
    const h = (harness = await serve({}));
    const silent = await silentFlood(h.port, 3);
    clients.push(...silent);
    await until(() => h.guard.size === 3, 'three sockets');
    const newcomer = open(h.port);
    sendGet(newcomer, '/quick');
    await until(() => newcomer.received().includes('quick'), 'the newcomer answered');
    await until(() => silent[0]!.closed(), 'the oldest silent socket closed');
    assert.deepEqual(silent.map((c) => c.closed()), [true, false, false]);
    assert.equal(h.guard.size, 3);
    assert.match(h.logs.join('\n'), /connection limit \(3\) reached: closed 1 idle connection/);
  });

  it('closes the socket waiting longest with no request in flight, silent or idle keep-alive, never one serving a request; with every socket busy the newcomer is refused', async () => {
    const h = (harness = await serve({}));
    const busy = open(h.port);
    sendGet(busy, '/hold');
    const idle = open(h.port);
    sendGet(idle, '/quick');
    await until(() => idle.received().includes('quick') && h.served.includes('/hold'), 'one busy socket and one idle keep-alive socket');
    const silent = open(h.port);
    await until(() => h.guard.size === 3, 'three sockets');
    // The keep-alive socket has waited since its answer, longer than the silent one since it connected.
    const second = open(h.port);
    sendGet(second, '/quick');
    await until(() => idle.closed(), 'the idle keep-alive socket closed');
    await until(() => second.received().includes('quick'), 'the second answered');
    const third = open(h.port);
    await until(() => silent.closed(), 'the silent socket closed');
    sendGet(third, '/hold');
    await until(() => h.served.filter((u) => u === '/hold').length === 2, 'the third busy');
    sendGet(second, '/hold');
    await until(() => h.served.filter((u) => u === '/hold').length === 3, 'every socket busy');
    const refused = open(h.port);
    await until(() => refused.closed(), 'the newcomer refused');
    assert.equal(busy.closed() || second.closed() || third.closed(), false, 'no busy socket was closed');
    h.release();
    await until(() => [busy, second, third].every((c) => c.received().includes('released')), 'the held requests answered');
  });

  it('over HTTPS, counts sockets in their handshake and after it, and never closes one serving a request', async function () {
    this.timeout(20_000);
    const pki = createTestPki();
    const h = (harness = await serve({}, pki));
    const secure = (): Promise<tls.TLSSocket> =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: h.port, ca: readFileSync(pki.caFile) }, () => resolve(socket));
        socket.on('error', reject);
      });
    const busy = await secure();
    let busyAnswer = '';
    busy.on('data', (chunk: Buffer) => (busyAnswer += chunk.toString()));
    busy.write('GET /hold HTTP/1.1\r\nHost: manager\r\n\r\n');
    await until(() => h.served.includes('/hold'), 'the long request held');
    // Sockets that never start their handshake, and one that finished it but sends nothing.
    const handshaken = await secure();
    const silent = await silentFlood(h.port, 5);
    clients.push(...silent);
    await until(() => handshaken.destroyed || handshaken.readableEnded, 'the handshaken silent socket closed to make room');
    await until(() => silent.filter((c) => !c.closed()).length === 2, 'the cap kept: the busy socket and the two newest silent ones');
    const read = await secure();
    let answer = '';
    read.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    read.write('GET /quick HTTP/1.1\r\nHost: manager\r\n\r\n');
    await until(() => answer.includes('quick'), 'a read during the flood answered');
    h.release();
    await until(() => busyAnswer.includes('released'), 'the long request answered, never cut');
    for (const s of [busy, read]) s.destroy();
  });

  it('closes a socket that sends no request head in time, yet lets an answer take longer than the request timeout', async () => {
    const h = (harness = await serve({ maxConnections: 100, headersTimeoutMs: 200, requestTimeoutMs: 300 }));
    const silent = open(h.port);
    const dripping = open(h.port);
    await dripping.connected;
    dripping.socket.write('GET /quick HTTP/1.1\r\n');
    const drip = setInterval(() => dripping.closed() || dripping.socket.write('X-Drip: 1\r\n'), 50);
    const slow = open(h.port);
    sendGet(slow, '/hold');
    try {
      await until(() => silent.closed() && dripping.closed(), 'the silent and dripping sockets closed');
    } finally {
      clearInterval(drip);
    }
    // The held request has now waited past the request timeout: its answer still arrives.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(slow.closed(), false);
    h.release();
    await until(() => slow.received().includes('released'), 'the slow answer delivered');
  });

  it('at the cap, a socket whose request body is still arriving makes room, one whose body arrived and is being answered does not', async () => {
    const h = (harness = await serve({}));
    const working = open(h.port);
    await working.connected;
    working.socket.write(`${headWithBody('PUT', '/read-hold', 4)}full`);
    await until(() => h.served.includes('/read-hold'), 'the request with its whole body held');
    const slow = open(h.port);
    await slow.connected;
    slow.socket.write(`${headWithBody('PUT', '/read-hold', 1_000)}a`);
    await until(() => h.served.length === 2, 'the slow body under way');
    const silent = open(h.port);
    await until(() => h.guard.size === 3, 'a silent socket too');
    // The slow body has waited since its head, longer than the silent socket since it connected.
    const first = open(h.port);
    sendGet(first, '/quick');
    await until(() => slow.closed(), 'the slow body closed to make room');
    await until(() => first.received().includes('quick'), 'the newcomer answered');
    const second = open(h.port);
    sendGet(second, '/quick');
    await until(() => silent.closed() || first.closed(), 'the next waiting socket closed');
    await until(() => second.received().includes('quick'), 'the second newcomer answered');
    assert.equal(working.closed(), false, 'the request being answered was not closed');
    h.release();
    await until(() => working.received().includes('released'), 'the held request answered');
  });

  it('an answer given before the request body was read says Connection: close and closes the connection; one given after keeps it open', async () => {
    const h = (harness = await serve({ maxConnections: 10 }));
    const early = open(h.port);
    await early.connected;
    early.socket.write(`${headWithBody('POST', '/quick', 1_000_000)}only the start`);
    await until(() => early.closed(), 'the connection closed after the early answer');
    assert.match(early.received(), /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(early.received(), /\r\nConnection: close\r\n/i);
    const read = open(h.port);
    await read.connected;
    read.socket.write(`${headWithBody('POST', '/read', 4)}full`);
    await until(() => read.received().includes('read 4'), 'the answer after the body');
    assert.match(read.received(), /\r\nConnection: keep-alive\r\nKeep-Alive: timeout=\d+\r\n/i);
    sendGet(read, '/quick');
    await until(() => read.received().includes('quick'), 'the next request on the same connection answered');
    assert.equal(read.closed(), false);
  });

  it('a request declares a body with a Content-Length other than 0 or a Transfer-Encoding', () => {
    const req = (headers: http.IncomingHttpHeaders): http.IncomingMessage => ({ headers }) as http.IncomingMessage;
    assert.equal(declaresBody(req({})), false);
    assert.equal(declaresBody(req({ 'content-length': '0' })), false);
    assert.equal(declaresBody(req({ 'content-length': '12' })), true);
    assert.equal(declaresBody(req({ 'transfer-encoding': 'chunked' })), true);
  });
});
