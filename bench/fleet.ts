// `npm run bench` (fleet): the manager in its own process under autocannon, interleaved with baselines; the client's watch and sync costs. Writes bench/results.json.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import autocannon from 'autocannon';
import { SyncEngine } from '../src/plugin/core/sync-engine';
import { EMPTY_SNAPSHOT, nextSnapshot } from '../src/plugin/core/snapshot';
import { DEFAULT_RETRY_POLICY } from '../src/plugin/core/retry';
import { WatchLoop } from '../src/plugin/core/watch-loop';
import { SecretManagerProvider } from '../src/providers/secret-manager-provider';
import { openDatabase } from 'secret-sync-manager/dist/database';
import { FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { request } from '../test/helpers/http';
import { CLI } from '../test/helpers/cli';
import { tempDir } from '../test/helpers/manager';
import { memoryLogger } from '../test/helpers/logger';
import { keepMasker } from './keep-masker';
import { naiveGet } from './naive-client';
import { serve } from './serve';
import { median } from './stats';

const ROUNDS = 5;
/** Distinct plugin instances the fleet poll figure names: the most the manager records per space. */
const FLEET_INSTANCES = 10_000;
const SECONDS = 3;

const BARE_304 = `require('node:http').createServer((q, s) => { s.writeHead(304, { etag: '"x"' }); s.end(); }).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;
const EXPRESS_HEALTHZ = `const app = require('express')(); app.get('/healthz', (q, s) => s.json({ status: 'ok' })); const srv = app.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + srv.address().port));`;

async function rps(url: string, headers: Record<string, string> = {}, instances = 0, fleetTokens: readonly string[] = []): Promise<{ rps: number; p99: number }> {
  let next = 0;
  // With `instances`, each request names one of that many plugin instances in turn, as a fleet's polls do; instance i
  // reads with token i mod the tokens, so each token's instances fit its quota of new ids and all are recorded.
  const fleetRequest = (req: autocannon.Request): autocannon.Request => {
    const i = next++ % instances;
    const auth = fleetTokens.length === 0 ? {} : { authorization: `Bearer ${fleetTokens[i % fleetTokens.length]}` };
    return { ...req, headers: { ...req.headers, ...auth, 'x-secret-sync-instance': `bench-${i}; name=bench-host; version=1.0.0` } };
  };
  const requests: autocannon.Request[] | undefined = instances === 0 ? undefined : [{ setupRequest: fleetRequest }];
  const result = await autocannon({ url, connections: 32, duration: SECONDS, headers, ...(requests ? { requests } : {}) });
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/** How long the manager's fleet store takes to write `count` changed instance rows in its batch (in this process, a database of its own). */
function fleetFlushMs(count: number): number {
  const db = openDatabase(join(tempDir('bench-fleet-'), 'secrets.db'));
  // One bench token names them all: lift its quota so every instance is recorded and written.
  const fleet = new FleetStore(db, { flushMs: 3_600_000, limits: { instancesPerToken: count, newInstancesBurst: count } });
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < count; i++) fleet.seen('fleet', { id: `instance-${i}`, name: `host-${i}`, version: '1.0.0' }, round + 1, 'bench');
    const t = performance.now();
    fleet.flush();
    times.push(performance.now() - t);
  }
  fleet.close();
  db.close();
  return median(times);
}


async function main(): Promise<void> {
  const dataDir = tempDir('bench-manager-');
  const adminToken = `bench-admin-${Date.now()}-token`;
  const manager = await serve([CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { SECRET_MANAGER_ADMIN_TOKEN: adminToken });
  const bare = await serve(['-e', BARE_304]);
  const healthz = await serve(['-e', EXPRESS_HEALTHZ], { NODE_PATH: join(__dirname, '../../node_modules') });
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof request> => request(method, manager.url + path, { token: adminToken, ...(body === undefined ? {} : { body }) });
  const tokens: Record<string, string> = {};
  for (const [space, count] of [['s1k', 1_000], ['s10k', 10_000]] as const) {
    let next = 0;
    const seed = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) await api('POST', `/v1/spaces/${space}/secrets`, { name: `KEY_${i}`, value: `value-${i}-${'x'.repeat(24)}` });
    };
    await Promise.all(Array.from({ length: 8 }, seed));
    tokens[space] = ((await api('POST', '/v1/tokens', { space })).body as { token: string }).token;
  }
  // 20 tokens × the default burst of 500 new instance ids = the 10,000 instances the fleet figure names.
  const fleetTokens: string[] = [];
  for (let i = 0; i < FLEET_INSTANCES / 500; i++) fleetTokens.push(((await api('POST', '/v1/tokens', { space: 's1k' })).body as { token: string }).token);
  const etagOf = async (space: string): Promise<string> => (await request('GET', `${manager.url}/v1/spaces/${space}/secrets`, { token: tokens[space] })).headers.get('etag') ?? '';
  const figures: Record<string, number[]> = { poll304: [], poll304Fleet: [], bare304: [], healthz: [], full1k: [], full10k: [], full10kP99: [] };
  // Interleaved rounds: every figure sees the same machine state.
  for (let round = 0; round < ROUNDS; round++) {
    figures.poll304!.push((await rps(`${manager.url}/v1/spaces/s1k/secrets`, { authorization: `Bearer ${tokens.s1k}`, 'if-none-match': await etagOf('s1k') })).rps);
    figures.poll304Fleet!.push((await rps(`${manager.url}/v1/spaces/s1k/secrets`, { authorization: `Bearer ${tokens.s1k}`, 'if-none-match': await etagOf('s1k') }, FLEET_INSTANCES, fleetTokens)).rps);
    figures.bare304!.push((await rps(bare.url)).rps);
    figures.healthz!.push((await rps(`${healthz.url}/healthz`)).rps);
    figures.full1k!.push((await rps(`${manager.url}/v1/spaces/s1k/secrets`, { authorization: `Bearer ${tokens.s1k}` })).rps);
    const full10k = await rps(`${manager.url}/v1/spaces/s10k/secrets`, { authorization: `Bearer ${tokens.s10k}` });
    figures.full10k!.push(full10k.rps);
    figures.full10kP99!.push(full10k.p99);
  }
  const client = await clientFigures(manager.url, tokens, api);
  const flushMs = fleetFlushMs(FLEET_INSTANCES);
  const rows: [string, number, string, string][] = [
    ['manager conditional polls (304), 1k secrets, req/s', median(figures.poll304!), '≥ 10,000', ''],
    ['  the same, each poll naming one of 10,000 instances, req/s', median(figures.poll304Fleet!), '≥ 10,000', `writing 10,000 changed instance rows in one batch: ${flushMs.toFixed(0)} ms`],
    ['  baseline: bare node:http 304, req/s', median(figures.bare304!), '', ''],
    ['  baseline: Express /healthz, req/s', median(figures.healthz!), '', ''],
    ['manager full reads, 1k secrets, req/s', median(figures.full1k!), '≥ 1,080', ''],
    ['manager full reads, 10k secrets, req/s', median(figures.full10k!), '≥ 86', `p99 ${median(figures.full10kP99!).toFixed(0)} ms`],
    ['watch: write acknowledged → published, 1k, p99 ms', client.watchP99, '≤ 20', `${client.requestsPerChange} request(s) per change`],
    ['watch at 10k secrets, p99 ms', client.watch10kP99, '≤ 60', ''],
    ['event-loop max delay during a 10k sync, ms', client.loopMaxMs, '≤ 10', `worst of ${ROUNDS}: ${client.loopWorstMs.toFixed(1)} ms; JSON.parse of the answer alone: ${client.parse10kMs.toFixed(1)} ms`],
    ['heap allocated by a 10k sync ÷ payload bytes', client.heapRatio, '≤ 2', `naive GET + parse: ${client.naiveHeapRatio.toFixed(2)}`],
    ['full sync of 1k ÷ naive axios GET + parse + assign', client.syncVsNaive, '≤ 1.1', `1k without the network: parse ${client.parse1kMs.toFixed(3)} ms, parse + validate + snapshot + diff ${client.parseBuild1kMs.toFixed(3)} ms`],
    ['bytes on the wire of a no-change poll at 10k', client.pollBytes, '', ''],
  ];
  process.stdout.write(`fleet (median of ${ROUNDS} interleaved rounds of ${SECONDS} s, 32 connections, Node ${process.version})\n| figure | measured | goal | note |\n|---|---|---|---|\n`);
  for (const [name, value, goal, note] of rows) process.stdout.write(`| ${name} | ${value.toFixed(value < 10 ? 2 : 0)} | ${goal} | ${note} |\n`);
  writeFileSync(join(__dirname, '../../bench/results.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, figures, client, fleetFlushMs: flushMs }, null, 2)}\n`);
  for (const server of [manager, bare, healthz]) server.child.kill('SIGTERM');
}

type Api = (m: string, p: string, b?: unknown) => ReturnType<typeof request>;

/** Watch latency in `space`: one change at a time, from the write's acknowledgement to the engine's publish; and requests per change. */
async function watchFigures(url: string, space: string, token: string, api: Api): Promise<{ p99: number; requestsPerChange: number }> {
  let published = 0;
  const provider = new SecretManagerProvider({ url, space, token });
  let requests = 0;
  const counted = {
    name: provider.name,
    fetch: (r: Parameters<typeof provider.fetch>[0]) => (requests++, provider.fetch(r)),
    waitForChange: (v: number, s: number, sig: AbortSignal) => (requests++, provider.waitForChange(v, s, sig)),
  };
  const engine = new SyncEngine({ provider: counted, onPublish: () => (published = performance.now()), policy: DEFAULT_RETRY_POLICY, logger: memoryLogger(), space });
  await engine.sync('startup');
  const loop = new WatchLoop({ waitForChange: counted.waitForChange, currentVersion: () => engine.state.version, sync: (p) => engine.sync('watch', p), logger: memoryLogger(), pollSeconds: 30 });
  loop.start();
  const latencies: number[] = [];
  const CHANGES = 50;
  // Let the first long poll reach the server before counting.
  await new Promise((r) => setTimeout(r, 50));
  const startRequests = requests;
  for (let i = 0; i < CHANGES; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const before = published;
    await api('PATCH', `/v1/spaces/${space}/secrets/KEY_0`, { value: `rotated-${i}-${Date.now()}` });
    const acked = performance.now();
    while (published === before) await new Promise((r) => setTimeout(r, 1));
    latencies.push(published - acked);
  }
  await loop.stop();
  const sorted = latencies.sort((a, b) => a - b);
  return { p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN, requestsPerChange: (requests - startRequests) / CHANGES };
}

async function clientFigures(url: string, tokens: Record<string, string>, api: Api) {
  const watch1k = await watchFigures(url, 's1k', tokens.s1k!, api);
  const watch10k = await watchFigures(url, 's10k', tokens.s10k!, api);
  // A 10k sync as the plugin runs it (masker compiled before publish): the longest the event loop waited.
  const s10k = new SecretManagerProvider({ url, space: 's10k', token: tokens.s10k! });
  const stalls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    stalls.push(
      await longestStall(async () => {
        const engine = new SyncEngine({ provider: s10k, policy: DEFAULT_RETRY_POLICY, logger: memoryLogger(), space: 's10k' });
        await engine.sync('manual');
      }),
    );
  }
  const loopMaxMs = median(stalls);
  // The one step that cannot be sliced: parsing the 10k answer.
  const body10k = (await request('GET', `${url}/v1/spaces/s10k/secrets`, { token: tokens.s10k })).text;
  const parse10k: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    JSON.parse(body10k);
    parse10k.push(performance.now() - t);
  }
  const loopWorstMs = Math.max(...stalls);
  // Heap: what a 10k sync allocates, ours and a naive client's, in a process of its own with a young generation large enough that nothing is collected meanwhile.
  const payloadBytes = Buffer.byteLength((await request('GET', `${url}/v1/spaces/s10k/secrets`, { token: tokens.s10k })).text);
  const heap = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', join(__dirname, 'heap-probe.js')], {
      env: { ...process.env, BENCH_URL: url, BENCH_SPACE: 's10k', BENCH_TOKEN: tokens.s10k! },
      encoding: 'utf8',
    }),
  ) as { ours: number; naive: number };
  // Full sync of 1k against a naive GET + parse + assign, interleaved; the masker compile is measured apart (a naive client masks nothing).
  const s1k = new SecretManagerProvider({ url, space: 's1k', token: tokens.s1k! });
  const naiveTimes: number[] = [];
  const ourTimes: number[] = [];
  const naiveTarget: Record<string, unknown> = {};
  for (let i = 0; i < 200; i++) {
    let t = performance.now();
    naiveTarget.SECRETS = await naiveGet(url, 's1k', tokens.s1k!);
    naiveTimes.push(performance.now() - t);
    t = performance.now();
    await new SyncEngine({ provider: s1k, onPublish: (p) => (naiveTarget.SECRETS = p.snapshot.secrets), policy: DEFAULT_RETRY_POLICY, logger: memoryLogger(), space: 's1k', compileMasker: keepMasker }).sync('manual');
    ourTimes.push(performance.now() - t);
  }
  // Where the 1k difference goes, without the network: parsing alone, and parsing plus the engine's validation, snapshot and diff.
  const body1k = (await request('GET', `${url}/v1/spaces/s1k/secrets`, { token: tokens.s1k })).text;
  const parseTimes: number[] = [];
  const buildTimes: number[] = [];
  for (let i = 0; i < 500; i++) {
    let t = performance.now();
    JSON.parse(body1k);
    parseTimes.push(performance.now() - t);
    t = performance.now();
    nextSnapshot((JSON.parse(body1k) as { secrets: unknown }).secrets, EMPTY_SNAPSHOT);
    buildTimes.push(performance.now() - t);
  }
  const etag = (await request('GET', `${url}/v1/spaces/s10k/secrets`, { token: tokens.s10k })).headers.get('etag') ?? '';
  const pollBytes = await wireBytes(url, `/v1/spaces/s10k/secrets`, { authorization: `Bearer ${tokens.s10k}`, 'if-none-match': etag });
  return {
    watchP99: watch1k.p99,
    watch10kP99: watch10k.p99,
    requestsPerChange: watch1k.requestsPerChange,
    loopMaxMs,
    loopWorstMs,
    parse10kMs: median(parse10k),
    heapRatio: heap.ours / payloadBytes,
    naiveHeapRatio: heap.naive / payloadBytes,
    syncVsNaive: median(ourTimes) / median(naiveTimes),
    parse1kMs: median(parseTimes),
    parseBuild1kMs: median(buildTimes),
    pollBytes,
  };
}

/** The longest the event loop went without a turn while `work` ran, in ms, sampled by a 1 ms timer. */
async function longestStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  await work();
  clearInterval(timer);
  longest = Math.max(longest, performance.now() - last - 1);
  return longest;
}

/** Bytes the server sends for one request: status line, headers and body, as they cross the socket. */
function wireBytes(url: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('end', () => resolve(bytes));
    socket.on('error', reject);
  });
}

void main();
