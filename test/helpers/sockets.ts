// Raw TCP clients for connection-level attacks and checks: silent sockets, header drippers, hand-written HTTP/1.1 requests.
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

/** Opens a TCP connection to 127.0.0.1:`port` that sends nothing unless told to. */
export function rawClient(port: number): RawClient {
  const socket = connect(port, '127.0.0.1');
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
