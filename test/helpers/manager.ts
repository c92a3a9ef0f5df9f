// Starts a real Secret Manager on 127.0.0.1 in a temp directory, with every log line captured for leak checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, startServer } from 'secret-sync-manager';
import type { RunningServer, ServerOptions } from 'secret-sync-manager';
import { request } from './http';
import type { RequestOptions, TestResponse } from './http';

/** A test manager: the server, its admin token, its captured logs and a request helper. */
export interface TestManager {
  server: RunningServer;
  url: string;
  dataDir: string;
  adminToken: string;
  logs: string[];
  /** Calls the API at `path` (e.g. `/v1/tokens`), with the admin token unless `token` is given. */
  api(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Issues a read token for `space`. */
  readToken(space: string): Promise<string>;
  /** Stops the server; `keepData` leaves the directory for a restart. */
  stop(keepData?: boolean): Promise<void>;
}

/** Makes a fresh temp data directory. */
export function tempDir(prefix = 'secret-manager-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a manager; pass `dataDir` to reopen an existing one. */
export async function startTestManager(options: Partial<ServerOptions> = {}): Promise<TestManager> {
  const dataDir = options.dataDir ?? tempDir();
  const logs: string[] = [];
  const adminToken = options.adminToken ?? `admin-${Math.random().toString(36).slice(2)}-token-for-tests`;
  const server = await startServer({
    port: 0,
    ...options,
    dataDir,
    adminToken,
    logger: createLogger({ level: 'debug', sink: (_level, line) => logs.push(line) }),
  });
  const api = (method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> =>
    request(method, server.url + path, { token: adminToken, ...opts });
  return {
    server,
    url: server.url,
    dataDir,
    adminToken,
    logs,
    api,
    readToken: async (space) => {
      const res = await api('POST', '/v1/tokens', { body: { space } });
      return (res.body as { token: string }).token;
    },
    stop: async (keepData = false) => {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A value unique to one test, to search logs, files and responses for. */
export function canary(label = 'canary'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
