// Raw TCP clients for connection-level attacks and checks: silent sockets, header and body drippers, hand-written HTTP/1.1 requests.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** A raw socket and what became of it. */
export interface RawClient {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Whether the connection has ended (closed by either side). */
  closed(): boolean;
  /** Resolves when the connection has ended. */
  ended: Promise<void>;
  /** Resolves once the TCP connection is up (or ended). */
  connected: Promise<void>;
}

/** Opens a TCP connection to 127.0.0.1:`port` that sends nothing unless told to; from `localAddress` (another 127.x.y.z) if given. */
export function rawClient(port: number, localAddress?: string): RawClient {
  const socket = connect({ port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) });
  let data = '';
  let isClosed = false;
  // A server that cuts the connection may reset it; that is an ending, not a test failure.
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  const ended = new Promise<void>((resolve) => socket.once('close', () => ((isClosed = true), resolve())));
  const connected = Promise.race([new Promise<void>((resolve) => socket.once('connect', () => resolve())), ended]);
  return { socket, received: () => data, closed: () => isClosed, ended, connected };
}

/** Opens `count` silent connections, all connected (or already closed by the server) when it resolves. */
export async function silentFlood(port: number, count: number): Promise<RawClient[]> {
  const clients = Array.from({ length: count }, () => rawClient(port));
  await Promise.all(clients.map((c) => c.connected));
  return clients;
}

/**
 * Opens `count` connections that start a request head and then send one more
 * header line every `everyMs`, never finishing it; returns a stop function
 * that ends the dripping and closes whatever is left.
 */
export async function dripFlood(port: number, count: number, everyMs: number): Promise<{ clients: RawClient[]; stop(): void }> {
  const clients = Array.from({ length: count }, () => rawClient(port));
  await Promise.all(clients.map((c) => c.connected));
  for (const c of clients) if (!c.closed()) c.socket.write('GET /v1/spaces/demo/secrets HTTP/1.1\r\nHost: manager\r\n');
  let line = 0;
  const timer = setInterval(() => {
    line++;
    for (const c of clients) if (!c.closed()) c.socket.write(`X-Drip-${line}: ${'a'.repeat(8)}\r\n`);
  }, everyMs);
  return {
    clients,
    stop: () => {
      clearInterval(timer);
      for (const c of clients) c.socket.destroy();
    },
  };
}

/** Options of {@link slowBodyFlood}. */
export interface SlowBodyOptions {
  /** The request head of connection `i`, declaring a body. */
  head: (i: number) => string;
  everyMs: number;
  /** What is sent every `everyMs`: a byte of the body (default), or a chunk of one byte for a chunked body. */
  piece?: string;
  /** The address connection `i` comes from (another 127.x.y.z). */
  localAddress?: (i: number) => string;
}

/**
 * Opens `count` connections that each send a whole request head declaring a
 * body and then one byte of the body every `everyMs`, never finishing it.
 * Returns a stop function that ends the dripping and closes whatever is left.
 */
export async function slowBodyFlood(port: number, count: number, options: SlowBodyOptions): Promise<{ clients: RawClient[]; stop(): void }> {
  const clients = Array.from({ length: count }, (_, i) => rawClient(port, options.localAddress?.(i)));
  await Promise.all(clients.map((c) => c.connected));
  clients.forEach((c, i) => c.closed() || c.socket.write(options.head(i)));
  const piece = options.piece ?? ' ';
  const timer = setInterval(() => {
    for (const c of clients) if (!c.closed()) c.socket.write(piece);
  }, options.everyMs);
  return {
    clients,
    stop: () => {
      clearInterval(timer);
      for (const c of clients) c.socket.destroy();
    },
  };
}

/** One byte of a chunked body, framed. */
export const CHUNKED_BYTE = '1\r\n \r\n';

/** A request head declaring a body of `length` bytes (or chunked when `length` is 'chunked'). */
export function headWithBody(method: string, path: string, length: number | 'chunked', headers: Record<string, string> = {}): string {
  const framing = length === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(length) };
  const lines = Object.entries({ Host: 'manager', 'Content-Type': 'application/json', ...framing, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/**
 * Writes up to `total` bytes of body on `client` as fast as the server takes
 * them, 1 MiB at a time (each framed as a chunk when `chunked`), stopping
 * when the connection ends; resolves with how many bytes were written (a
 * server that stops reading and closes leaves most of them unsent).
 */
export async function pushBody(client: RawClient, total: number, chunked = false): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 0x20);
  let written = 0;
  while (written < total && !client.closed()) {
    const piece = total - written >= chunk.length ? chunk : chunk.subarray(0, total - written);
    const flushed = client.socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece);
    written += piece.length;
    if (!flushed) await Promise.race([new Promise((resolve) => client.socket.once('drain', resolve)), client.ended]);
  }
  return written;
}

/** Sends a whole GET request head on `client` (keep-alive). */
export function sendGet(client: RawClient, path: string, headers: Record<string, string> = {}): void {
  const lines = Object.entries({ Host: 'manager', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  client.socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
}

/** Waits until `check` holds, polling; throws naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
