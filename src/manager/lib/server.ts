// Starts and stops the Secret Manager: data directory, master key, database, admin bootstrap and the HTTP listener.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DATABASE_FILE } from './database';
import { ChangeFeed } from './change-feed';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, serverTimeouts } from './connection-guard';
import type { ConnectionLimits } from './connection-guard';
import { ManagerError, isDiskFull } from './errors';
import { createApp, resolveLimits } from './http/app';
import { fastHealthz } from './http/fast-healthz';
import { fastRead } from './http/fast-read';
import { fastRefuse } from './http/fast-refuse';
import { AuthGuard } from './http/auth-guard';
import type { ApiLimits } from './http/app';
import type { FleetLimits } from './fleet-quota';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { AuditStore, MANAGER_ACTOR } from './audit-store';
import { FleetStore } from './fleet-store';
import { ManagerMetrics } from './metrics/metrics';
import type { TransitSettings } from './kek/transit';
import { openKeyedDatabase } from './key-setup';
import { ManagerOperations } from './manager-operations';
import { SecretStore } from './secret-store';
import { TokenStore } from './token-store';

/** Options for {@link startServer}. */
export interface ServerOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** SECRET_MANAGER_MASTER_KEY (base64 or hex); else `masterKeyFile`; else `<dataDir>/master.key`. */
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  /** SECRET_MANAGER_KEK=transit: the master key is kept wrapped by OpenBao / Vault Transit (README, "Run it"). */
  kek?: TransitSettings | undefined;
  /** SECRET_MANAGER_ADMIN_TOKEN: registered as an admin token if new. */
  adminToken?: string | undefined;
  /** PEM files to serve HTTPS instead of HTTP. */
  tls?: { certFile: string; keyFile: string } | undefined;
  logger?: Logger;
  /** The API's and the fleet's bounds (README, "Limits"). */
  limits?: Partial<ApiLimits & FleetLimits>;
  /** The connection cap and the time a socket may take to send its request (README, "Security and reliability"). */
  connections?: Partial<ConnectionLimits>;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8390`. */
  url: string;
  port: number;
  /** Set when this start generated the first admin token and wrote it there. */
  adminTokenFile?: string;
  secrets: SecretStore;
  tokens: TokenStore;
  /** Stops listening, releases long polls, closes the database. */
  close(): Promise<void>;
}

/** Default port of `secret-manager serve`. */
export const DEFAULT_PORT = 8390;

/** A failed background write for a log line: a full disk is named as such. */
function describeWriteError(error: unknown): string {
  if (isDiskFull(error)) return 'the disk holding the data directory is full';
  return error instanceof Error ? error.message : String(error);
}

function bootstrapAdmin(tokens: TokenStore, options: ServerOptions, logger: Logger): string | undefined {
  if (options.adminToken !== undefined && options.adminToken !== '') {
    tokens.ensure(options.adminToken, 'admin', 'from SECRET_MANAGER_ADMIN_TOKEN', MANAGER_ACTOR);
    return undefined;
  }
  if (tokens.hasActiveAdmin()) return undefined;
  const { token } = tokens.create({ role: 'admin', space: null, description: 'first admin token' }, MANAGER_ACTOR);
  const file = join(options.dataDir, 'admin.token');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  logger.info(`created the first admin token in ${file}`);
  return file;
}

/** Opens the data directory and starts listening; rejects with a ManagerError on bad configuration. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  // The key first (a file, the environment, or unwrapped by OpenBao), then the database; an interrupted rotation is finished here.
  const keyed = await openKeyedDatabase({
    dataDir: options.dataDir,
    masterKey: options.masterKey,
    masterKeyFile: options.masterKeyFile,
    kek: options.kek,
    logger,
    recover: true,
  });
  const { db, source } = keyed;
  let listener: http.Server | undefined;
  let fleet: FleetStore | undefined;
  let audit: AuditStore | undefined;
  const limits = resolveLimits(options.limits);
  const feed = new ChangeFeed(limits);
  try {
    const secrets = new SecretStore(db, keyed.cipher, feed);
    const tokens = new TokenStore(db);
    const adminTokenFile = bootstrapAdmin(tokens, options, logger);
    // The fleet's bookkeeping is best effort: a failed write is logged and tried again, the reads are served.
    fleet = new FleetStore(db, {
      onWriteError: (error) => logger.warn(`could not record the fleet's reads; trying again in 5 s (${describeWriteError(error)})`),
      onLimit: (message) => logger.warn(message),
      limits: options.limits ?? {},
    });
    audit = new AuditStore(db, { onWriteError: (error) => logger.warn(`could not write the counts of folded audit entries; trying again in 5 s (${describeWriteError(error)})`) });
    const connections = { ...DEFAULT_CONNECTION_LIMITS, ...options.connections };
    const guard = new AuthGuard(audit, logger, limits.auth);
    // Metrics (README, "Operate the Secret Manager"): every path counts its answers in plain integers, read when Prometheus scrapes.
    const metrics = new ManagerMetrics({ db, secrets, fleet, databaseFile: join(options.dataDir, DATABASE_FILE), waiters: () => feed.size, maxWaiters: limits.maxWaiters });
    const requests = metrics.requests;
    const operations = new ManagerOperations({ db, dataDir: options.dataDir, secrets, key: keyed, logger });
    const app = createApp({ secrets, tokens, feed, fleet, audit, instanceId: db.instanceId, logger, limits, bodyTimeoutMs: connections.requestTimeoutMs, guard, metrics, operations });
    // The health check, the fleet's polls and wrong tokens skip Express; everything else, errors included, is Express's.
    const healthz = fastHealthz({ logger, requests });
    const fast = fastRead({ secrets, tokens, fleet, instanceId: db.instanceId, logger, requests });
    const refuse = fastRefuse({ tokens, guard, logger, requests });
    const handler: http.RequestListener = (req, res) => {
      if (!healthz(req, res) && !fast(req, res) && !refuse(req, res)) app(req, res);
    };
    const timeouts = serverTimeouts(connections);
    const server = options.tls
      ? https.createServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile), ...timeouts }, handler)
      : http.createServer(timeouts, handler);
    listener = server;
    new ConnectionGuard(connections, logger).attach(server, options.tls !== undefined);
    if (limits.maxWaiters >= connections.maxConnections) {
      logger.warn(`${limits.maxWaiters} long polls may take all ${connections.maxConnections} connections: keep --max-waiters below --max-connections`);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port, address } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
    logger.info(`listening on ${url} (data in ${options.dataDir}, master key from ${source})`);
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= new Promise<void>((resolve) => {
        feed.close();
        server.close(() => {
          fleet?.close();
          audit?.close();
          db.close();
          logger.info('stopped');
          resolve();
        });
        server.closeIdleConnections();
        // Connections busy at close time get a moment to finish, then are cut so shutdown is bounded.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    };
    return { url, port, secrets, tokens, close, ...(adminTokenFile === undefined ? {} : { adminTokenFile }) };
  } catch (err) {
    feed.close();
    listener?.close();
    fleet?.close();
    audit?.close();
    db.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ManagerError('port_in_use', 500, `Port ${options.port ?? DEFAULT_PORT} is already in use`);
    }
    throw err;
  }
}
