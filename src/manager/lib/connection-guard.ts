// The listener's defences against idle and slow connections: time limits, a cap on open sockets, who makes room at the cap, and no draining of unwanted bodies.
import type { Server as HttpServer, IncomingMessage, ServerOptions as HttpServerOptions, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from './logger';

/** How many connections the manager keeps open, and how long one may take to say what it wants. */
export interface ConnectionLimits {
  /** Most sockets open at once (below the common 1,024 open-file limit by default). */
  maxConnections: number;
  /** A socket must finish its TLS handshake, and then each request head, within this many ms. */
  headersTimeoutMs: number;
  /**
   * A request, body included, must have arrived within this many ms of its
   * first byte; in practice the time a body may take, as the head must come
   * sooner. The answer may take longer: a long poll, which has no body, does.
   */
  requestTimeoutMs: number;
}

/** Defaults for {@link ConnectionLimits} (README, "Connections and long polls under load"). */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 900, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 };

/** How often the pressure warning may be logged. */
const WARN_EVERY_MS = 60_000;

/** The node:http / node:https options that enforce `limits`' time limits. */
export function serverTimeouts(limits: ConnectionLimits): HttpServerOptions & { handshakeTimeout: number } {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // Node refuses a request timeout shorter than the headers timeout.
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    // Node checks both timeouts on this interval (30 s by default, which let a silent socket live ~90 s).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    handshakeTimeout: limits.headersTimeoutMs,
  };
}

/** Whether `req` declares a body (HTTP/1.1: a Content-Length other than 0, or a Transfer-Encoding); without either it has none. */
export function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

interface Entry {
  /** The TCP socket, then the TLS socket once the handshake is done (destroying either closes both). */
  socket: Socket;
  /** Requests in flight on it. */
  busy: number;
  /** Of those, the ones whose body is still arriving: the manager waits on the client for them, as for a head. */
  awaitingBody: number;
}

/**
 * Caps the open sockets at `maxConnections`. At the cap a new connection
 * makes room by closing the socket that has waited longest with nothing for
 * the manager to do: one that has not sent a whole request head (or finished
 * its TLS handshake) since it connected, one whose request body is still
 * arriving (counted from its head), or a keep-alive one idle since its last
 * answer. Only when every socket is serving a request is the newcomer closed
 * at once. A real client sends its request, body and all, right after
 * connecting, so its socket is the youngest and the last to go: a flood of
 * silent, dripping or slow-body sockets costs it at most a reconnect of an
 * idle keep-alive socket, never its read.
 *
 * A request with a body is answered with `Connection: close` unless its
 * body has arrived (been read) before its answer: a refusal given before the
 * body is read (401, 403, 413, 429…) closes the connection once sent rather
 * than drain a body of any length (README, "Connections and long polls
 * under load").
 */
export class ConnectionGuard {
  readonly #open = new Set<Entry>();
  /** Sockets with no request in flight (none yet, or idle since the last answer), longest waiting first. */
  readonly #waiting = new Set<Entry>();
  readonly #bySocket = new WeakMap<Socket, Entry>();
  /** TCP sockets of an HTTPS server in their handshake, by address pair, to find them again as TLS sockets. */
  readonly #handshaking = new Map<string, Entry>();
  #closed = 0;
  #refused = 0;
  #warnedAt = -Infinity;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
  ) {}

  /** Sockets open now. */
  get size(): number {
    return this.#open.size;
  }

  /** Watches `server`'s connections; `tls` for an HTTPS server, whose requests come on TLS sockets. */
  attach(server: HttpServer | HttpsServer, tls: boolean): void {
    server.on('connection', (socket: Socket) => this.#accept(socket, tls));
    if (tls) server.on('secureConnection', (socket: Socket) => this.#secured(socket));
    // Before the application's listener, so the answer's Connection header is set before anything is written.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#request(req, res));
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    const body = declaresBody(req);
    // A request without a body (the fleet's poll): busy from its head to its answer's close, and nothing else to follow.
    if (!body) {
      const entry = this.#bySocket.get(req.socket);
      if (entry === undefined || !this.#open.has(entry)) return;
      entry.busy++;
      this.#waiting.delete(entry);
      this.#settle(entry);
      res.on('close', () => {
        entry.busy--;
        this.#settle(entry);
      });
      return;
    }
    let awaiting = true;
    // Node answers `Connection: close` and closes after the answer when this is false; restored once the body is read, so an
    // answer after its body keeps the connection exactly as before (Keep-Alive hint included).
    const keepAlive = res.shouldKeepAlive;
    res.shouldKeepAlive = false;
    const entry = this.#bySocket.get(req.socket);
    const tracked = entry !== undefined && this.#open.has(entry);
    if (tracked) {
      entry.busy++;
      entry.awaitingBody++;
      // A request with a body waits from its head on, behind every socket already waiting.
      this.#waiting.delete(entry);
      this.#settle(entry);
    }
    const arrived = (): void => {
      if (!awaiting) return;
      awaiting = false;
      if (!tracked) return;
      entry.awaitingBody--;
      this.#settle(entry);
    };
    // 'end' comes once the whole body has been read: the connection may then be kept for the next request.
    req.once('end', () => {
      if (!res.headersSent) res.shouldKeepAlive = keepAlive;
      arrived();
    });
    res.once('close', () => {
      arrived();
      if (!tracked) return;
      entry.busy--;
      this.#settle(entry);
    });
  }

  // A socket may make room when the manager waits on its client for everything in flight (or nothing is).
  #settle(entry: Entry): void {
    if (!this.#open.has(entry)) return;
    if (entry.busy === entry.awaitingBody) this.#waiting.add(entry);
    else this.#waiting.delete(entry);
  }

  #accept(socket: Socket, tls: boolean): void {
    if (this.#open.size >= this.limits.maxConnections) {
      const victim = this.#waiting.values().next().value;
      if (!victim) {
        socket.destroy();
        this.#refused++;
        this.#warn();
        return;
      }
      this.#forget(victim);
      victim.socket.destroy();
      this.#closed++;
      this.#warn();
    }
    const entry: Entry = { socket, busy: 0, awaitingBody: 0 };
    this.#open.add(entry);
    this.#waiting.add(entry);
    this.#bySocket.set(socket, entry);
    const pair = tls ? addressPair(socket) : undefined;
    if (pair !== undefined) this.#handshaking.set(pair, entry);
    socket.once('close', () => {
      this.#forget(entry);
      if (pair !== undefined && this.#handshaking.get(pair) === entry) this.#handshaking.delete(pair);
    });
  }

  // The handshake is done: from now on the TLS socket carries the requests, and closing it closes the TCP socket.
  #secured(socket: Socket): void {
    const pair = addressPair(socket);
    const entry = pair === undefined ? undefined : this.#handshaking.get(pair);
    if (!entry || pair === undefined) return;
    this.#handshaking.delete(pair);
    entry.socket = socket;
    this.#bySocket.set(socket, entry);
  }

  #forget(entry: Entry): void {
    this.#open.delete(entry);
    this.#waiting.delete(entry);
  }

  // Says at most once a minute that the cap was reached, with counts only (no address: they are the attacker's to choose).
  #warn(): void {
    const now = Date.now();
    if (now - this.#warnedAt < WARN_EVERY_MS) return;
    this.#warnedAt = now;
    this.logger.warn(
      `connection limit (${this.limits.maxConnections}) reached: closed ${this.#closed} idle connection(s) to make room, refused ${this.#refused} new one(s) with every connection busy; see README "Security and reliability"`,
    );
    this.#closed = 0;
    this.#refused = 0;
  }
}

// The two ends of a connection name it uniquely while it is open, on the TCP socket and on the TLS socket over it.
function addressPair(socket: Socket): string | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return undefined;
  return `${remoteAddress}:${remotePort}>${localAddress ?? ''}:${localPort ?? ''}`;
}
