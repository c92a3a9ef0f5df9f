// A real Node-RED process for bench/node-red-sync.ts (forked, IPC): with the plugin or with a naive client, it stamps when flows can read new values, and measures its own event loop and memory.
import { subscribe } from 'node:diagnostics_channel';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import axios from 'axios';
import { PLUGIN_ID, SECRETS_KEY } from '../src/shared/contract';
import type { SecretSyncPluginApi } from '../src/shared/contract';
import { startNodeRed } from '../test/helpers/node-red';
import { nodeRed } from '../test/helpers/node-red-version';

/** What the parent asks; every answer echoes `id`. */
export type ProbeCommand =
  | { type: 'arm'; id: number; key: string; expect: string }
  | { type: 'sync'; id: number; space: string; token: string }
  | { type: 'measure'; id: number }
  | { type: 'naive-watch'; id: number; space: string; token: string }
  | { type: 'profile'; id: number; start: boolean; file?: string }
  | { type: 'stop'; id: number };

/** How the parent starts this probe (the environment variable BENCH_PROBE). */
export interface ProbeOptions {
  /** `plugin`: Node-RED with this package loaded and `secretSync` set; `naive`: Node-RED without it, the naive client runs on command. */
  kind: 'plugin' | 'naive';
  managerUrl: string;
  secretSync?: Record<string, unknown>;
}

const options = JSON.parse(process.env.BENCH_PROBE ?? '{}') as ProbeOptions;
const send = (message: Record<string, unknown>): void => void process.send?.(message);

/** A flow that answers `GET /api/probe?key=K` with what a function node reads as global.SECRETS[K]. */
const FLOWS = [
  { id: 'bench-tab', type: 'tab', label: 'Bench' },
  { id: 'bench-in', type: 'http in', z: 'bench-tab', url: '/probe', method: 'get', wires: [['bench-fn']] },
  { id: 'bench-fn', type: 'function', z: 'bench-tab', func: "const s = global.get('SECRETS') || {};\nmsg.payload = { value: s[msg.req.query.key] ?? null };\nreturn msg;", outputs: 1, libs: [], wires: [['bench-out']] },
  { id: 'bench-out', type: 'http response', z: 'bench-tab', statusCode: '', headers: {}, wires: [] },
];

async function main(): Promise<void> {
  const settings: Record<string, unknown> = options.kind === 'plugin' ? { secretSync: options.secretSync } : { nodesDir: [] };
  const nr = await startNodeRed({ flows: FLOWS, settings });
  const holder = nr.globalContext;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // Where flows read global.SECRETS (settings.js functionGlobalContext): an accessor, so the moment a new object lands there is stamped.
  // When the last HTTP answer reached this process (its head): the watch's client side is the time from there to the stamp.
  let answered = 0n;
  subscribe('http.client.response.finish', () => {
    answered = process.hrtime.bigint();
  });
  let current: unknown = holder[SECRETS_KEY];
  let armed: { key: string; expect: string } | undefined;
  Object.defineProperty(holder, SECRETS_KEY, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      current = value;
      if (armed && typeof value === 'object' && value !== null && (value as Record<string, unknown>)[armed.key] === armed.expect) {
        armed = undefined;
        send({ type: 'seen', hr: process.hrtime.bigint().toString(), answered: answered.toString() });
      }
    },
  });
  let base = process.memoryUsage();
  const naiveLoops = new Map<string, AbortController>();
  let session: Session | undefined;
  process.on('message', (command: ProbeCommand) => {
    void (async () => {
      switch (command.type) {
        case 'arm':
          armed = { key: command.key, expect: command.expect };
          loop.reset();
          base = process.memoryUsage();
          break;
        case 'sync':
          if (options.kind === 'plugin') {
            // The plugin's own API (what the package's nodes call through RED.plugins.get): one sync, as Sync now runs it.
            const registry = nodeRed.require('@node-red/registry') as { getPlugin(id: string): SecretSyncPluginApi };
            await registry.getPlugin(PLUGIN_ID).sync('legacy-node');
          } else {
            holder[SECRETS_KEY] = await naiveGet(options.managerUrl, command.space, command.token);
          }
          break;
        case 'measure': {
          const now = process.memoryUsage();
          send({ type: 'done', id: command.id, maxMs: loop.max / 1e6, rss: now.rss - base.rss, arrayBuffers: now.arrayBuffers - base.arrayBuffers, heapUsed: now.heapUsed - base.heapUsed });
          return;
        }
        case 'naive-watch': {
          const abort = new AbortController();
          naiveLoops.set(command.space, abort);
          void naiveWatch(options.managerUrl, command.space, command.token, (secrets) => (holder[SECRETS_KEY] = secrets), abort.signal);
          break;
        }
        case 'profile':
          if (command.start) {
            session = new Session();
            session.connect();
            await session.post('Profiler.enable');
            await session.post('Profiler.setSamplingInterval', { interval: 100 });
            await session.post('Profiler.start');
          } else if (session) {
            const { profile } = await session.post('Profiler.stop');
            writeFileSync(command.file ?? join(nr.userDir, 'sync.cpuprofile'), JSON.stringify(profile));
            session.disconnect();
            session = undefined;
          }
          break;
        case 'stop':
          for (const abort of naiveLoops.values()) abort.abort();
          await nr.stop();
          send({ type: 'done', id: command.id });
          process.exit(0);
      }
      send({ type: 'done', id: command.id });
    })().catch((err: unknown) => send({ type: 'error', id: command.id, message: err instanceof Error ? err.message : String(err) }));
  });
  // The bench ended (or failed): this process ends with it.
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready', url: nr.url });
}

/** The naive client: GET, JSON.parse, assign (bench/naive-client.ts, here in the Node-RED process). */
async function naiveGet(url: string, space: string, token: string): Promise<unknown> {
  const res = await axios.get<string>(`${url}/v1/spaces/${space}/secrets`, { headers: { authorization: `Bearer ${token}` }, responseType: 'text', transformResponse: [(d: unknown) => d] });
  return (JSON.parse(res.data) as { secrets: unknown }).secrets;
}

/** The naive long poll: the manager's `?wait=S&version=N` (README, "HTTP API"), parse, assign; nothing checked, nothing masked. */
async function naiveWatch(url: string, space: string, token: string, assign: (secrets: unknown) => void, signal: AbortSignal): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const first = await axios.get<string>(`${url}/v1/spaces/${space}/secrets`, { headers, responseType: 'text', transformResponse: [(d: unknown) => d] });
  let body = JSON.parse(first.data) as { version: number; secrets: unknown };
  assign(body.secrets);
  while (!signal.aborted) {
    const res = await axios.get<string>(`${url}/v1/spaces/${space}/secrets`, { headers, params: { wait: 55, version: body.version }, signal, responseType: 'text', transformResponse: [(d: unknown) => d], validateStatus: () => true }).catch(() => undefined);
    if (res === undefined) await new Promise((r) => setTimeout(r, 100));
    if (res?.status !== 200) continue;
    body = JSON.parse(res.data) as { version: number; secrets: unknown };
    assign(body.secrets);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench probe failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
