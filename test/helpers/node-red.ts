// Starts a real Node-RED runtime in this process (port 0, temp userDir, absolute flowFile), with the plugin loaded from the repo, on the line test/helpers/node-red-version.ts selects.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { inspect } from 'node:util';
import { join, resolve } from 'node:path';
import type { Express } from 'express';
import { request } from './http';
import type { RequestOptions, TestResponse } from './http';
import { assertSelectedNodeRed, nodeRed } from './node-red-version';
import type { EmbeddedNodeRed } from '../../scripts/embedded-node-red';

/** One captured Node-RED log line. */
export interface LogLine {
  level: number;
  msg: string;
}

/** A running test runtime. */
export interface TestNodeRed {
  url: string;
  /** `url` plus httpAdminRoot (no trailing slash): where the admin API and comms are. */
  adminUrl: string;
  userDir: string;
  /** The functionGlobalContext object handed to Node-RED (where global.SECRETS lives). */
  globalContext: Record<string, unknown>;
  logs: LogLine[];
  /** Calls the admin API at `path` (e.g. `/secret-sync/status`). */
  admin(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Calls an HTTP-in endpoint of the flows at `/api{path}`. */
  endpoint(path: string): Promise<TestResponse>;
  stop(): Promise<void>;
}

/** The repository root: Node-RED loads the package from here through `nodesDir`. */
export const REPO_ROOT = resolve(__dirname, '../../..');

let started = false;

/** Options of {@link startNodeRed}. */
export interface NodeRedOptions {
  flows?: unknown[];
  settings?: Record<string, unknown>;
  /** Leave functionGlobalContext out of the settings. */
  withoutGlobalContext?: boolean;
  /** Reuse a user directory (restart tests); default: a new temp directory. */
  userDir?: string;
  /** Keep the flows file already in `userDir`. */
  keepFlows?: boolean;
  /** Level of Node-RED's console log handler; default off. */
  consoleLevel?: string;
}

/** Node-RED's audit level: audit events carry `event` and `user` instead of `msg`. */
const AUDIT = 98;

function logText(msg: Record<string, unknown> & { level: number }): string {
  if (msg.level === AUDIT) {
    const fields = Object.fromEntries(Object.entries(msg).filter(([key]) => key !== 'level' && key !== 'timestamp'));
    return `audit ${JSON.stringify({ ...fields, user: (msg.user as { username?: string } | undefined)?.username })}`;
  }
  return typeof msg.msg === 'string' ? msg.msg : inspect(msg.msg, { depth: 8 });
}

/** Starts Node-RED; only once per process, as Node-RED's runtime is a singleton. */
export async function startNodeRed(options: NodeRedOptions = {}): Promise<TestNodeRed> {
  if (started) throw new Error('one Node-RED runtime per process: put this test in its own file under test/integration/runtime');
  started = true;
  const RED = nodeRed.require(nodeRed.packageName) as EmbeddedNodeRed;
  // The selected copy's Express, as its own red.js would use.
  const express = nodeRed.require('express') as () => Express;
  const userDir = options.userDir ?? mkdtempSync(join(tmpdir(), 'secret-sync-nr-'));
  const flowFile = join(userDir, 'flows.json');
  if (!options.keepFlows) writeFileSync(flowFile, JSON.stringify(options.flows ?? []));
  const globalContext: Record<string, unknown> = {};
  const logs: LogLine[] = [];
  const settings: Record<string, unknown> = {
    userDir,
    flowFile,
    uiHost: '127.0.0.1',
    httpAdminRoot: '/',
    httpNodeRoot: '/api',
    nodesDir: [REPO_ROOT],
    credentialSecret: 'test-credential-secret',
    editorTheme: { tours: false, palette: { catalogues: [] } },
    // An explicit choice, so the editor does not open its "update notifications" dialog.
    telemetry: { enabled: false },
    logging: {
      console: { level: options.consoleLevel ?? 'off' },
      capture: { level: 'trace', metrics: false, audit: true, handler: () => (msg: Record<string, unknown> & { level: number }) => logs.push({ level: msg.level, msg: logText(msg) }) },
    },
    ...(options.withoutGlobalContext ? {} : { functionGlobalContext: globalContext }),
    ...options.settings,
  };
  const app = express();
  const server = http.createServer(app);
  RED.init(server, settings);
  const adminRoot = typeof settings.httpAdminRoot === 'string' ? settings.httpAdminRoot : '/';
  app.use(adminRoot, RED.httpAdmin);
  app.use('/api', RED.httpNode);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await RED.start();
  assertSelectedNodeRed(RED.version());
  const adminUrl = url + adminRoot.replace(/\/$/, '');
  return {
    url,
    adminUrl,
    userDir,
    globalContext,
    logs,
    admin: (method, path, opts = {}) => request(method, adminUrl + path, opts),
    // Bounded: a request that reaches an http-in node while the node after it restarts is never answered (Node-RED drops the message).
    endpoint: (path) => request('GET', `${url}/api${path}`, { signal: AbortSignal.timeout(5_000) }),
    stop: async () => {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      // Again at the end: a test may have loaded Node-RED modules of its own (they must be this copy's).
      assertSelectedNodeRed(RED.version());
    },
  };
}

/** Waits until `check` returns a truthy value, polling every 25 ms for at most `ms`. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
