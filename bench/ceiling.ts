// `npm run bench` (ceiling): the manager against a bare node:http server sending its very bytes from memory, interleaved; merged into bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { request } from '../test/helpers/http';
import { CLI } from '../test/helpers/cli';
import { tempDir } from '../test/helpers/manager';
import type { BareRoute } from './bare-server';
import { mergeResult } from './results-file';
import { serve } from './serve';
import { median } from './stats';

/** The spaces measured, by name, and their sizes (README, "Performance"). */
const SPACES = [
  ['s100', 100],
  ['s1k', 1_000],
  ['s10k', 10_000],
] as const;

/** The goal of issue 25: every figure at least this share of the bare server's. */
const GOAL = 0.8;

interface Case {
  name: string;
  /** Path and request headers, on the manager and on the bare server. */
  path: string;
  managerHeaders: Record<string, string>;
  bareHeaders: Record<string, string>;
  status: 200 | 304;
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    // Comma-separated case names to run (e.g. `304 s1k,healthz`), for profiling one load at a time.
    only: { type: 'string' },
    // Starts the manager with `--cpu-prof` writing into this directory (a profile per run).
    profile: { type: 'string' },
    // A data directory to keep between runs: spaces already seeded are not seeded again.
    'data-dir': { type: 'string' },
    // The control: a second bare server in the manager's place, to see what ratio the machine gives two equal servers.
    control: { type: 'boolean', default: false },
    // The fixed rate (requests a second) at which both servers' CPU per request is compared; 0 skips that part.
    rate: { type: 'string', default: '8000' },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
/** The cases also measured at {@link RATE}. */
const AT_RATE = ['304 s1k', 'full s1k', 'healthz'];

/** CPU seconds (user and system) process `pid` has used, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses; in clock ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Requests a second on 32 connections, and the server's CPU time per request in µs (steadier than the rate on a
 * loaded machine); throws when any answer is not `status` (a figure of refusals would be no figure).
 */
async function measure(url: string, headers: Record<string, string>, status: number, pid: number | undefined, rate?: number): Promise<{ rps: number; cpuUs: number }> {
  const cpu = cpuSeconds(pid);
  const result = await autocannon({ url, connections: 32, duration: SECONDS, headers, ...(rate === undefined ? {} : { overallRate: rate }) });
  const other = Object.keys(result.statusCodeStats ?? {}).filter((code) => code !== String(status));
  if (other.length > 0 || result.errors > 0) throw new Error(`${url}: answers ${other.join(', ')} besides ${status}, ${result.errors} errors`);
  return { rps: result.requests.average, cpuUs: ((cpuSeconds(pid) - cpu) * 1e6) / result.requests.total };
}


async function main(): Promise<void> {
  const started = loadavg();
  const dataDir = args['data-dir'] ?? tempDir('bench-ceiling-');
  const adminToken = `bench-admin-${Date.now()}-token`;
  const profile = args.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${args.profile}`];
  const manager = await serve([...profile, CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { SECRET_MANAGER_ADMIN_TOKEN: adminToken });
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof request> => request(method, manager.url + path, { token: adminToken, ...(body === undefined ? {} : { body }) });
  const routes: BareRoute[] = [];
  const cases: Case[] = [];
  for (const [space, count] of SPACES) {
    const have = await api('GET', `/v1/spaces/${space}/secrets`);
    let next = Object.keys((have.body as { secrets?: object }).secrets ?? {}).length;
    const seed = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) await api('POST', `/v1/spaces/${space}/secrets`, { name: `KEY_${i}`, value: `value-${i}-${'x'.repeat(24)}` });
    };
    await Promise.all(Array.from({ length: 8 }, seed));
    const token = ((await api('POST', '/v1/tokens', { space })).body as { token: string }).token;
    const path = `/v1/spaces/${space}/secrets`;
    const read = await request('GET', manager.url + path, { token });
    const etag = read.headers.get('etag') ?? '';
    const file = join(dataDir, `${space}.json`);
    writeFileSync(file, read.text);
    routes.push({ path, file, etag });
    // As a plugin polls: its token and the instance it names (one instance: a fleet's bookkeeping is bench/fleet.ts's figure).
    const auth = { authorization: `Bearer ${token}`, 'x-secret-sync-instance': `bench-${space}; name=bench-host; version=1.0.0` };
    // The bare server gets the very same request (it ignores the token and the instance): both parse the same bytes.
    cases.push({ name: `304 ${space}`, path, managerHeaders: { ...auth, 'if-none-match': etag }, bareHeaders: { ...auth, 'if-none-match': etag }, status: 304 });
    cases.push({ name: `full ${space}`, path, managerHeaders: auth, bareHeaders: auth, status: 200 });
  }
  cases.push({ name: 'healthz', path: '/healthz', managerHeaders: {}, bareHeaders: {}, status: 200 });
  const bare = await serve([join(__dirname, 'bare-server.js')], { BARE_ROUTES: JSON.stringify(routes) });
  const control = args.control ? await serve([join(__dirname, 'bare-server.js')], { BARE_ROUTES: JSON.stringify(routes) }) : undefined;
  const measured = control ?? manager;
  const only = args.only?.split(',');
  const chosen = only === undefined ? cases : cases.filter((c) => only.includes(c.name));
  const figures: Record<string, { manager: number[]; bare: number[]; managerCpuUs: number[]; bareCpuUs: number[] }> = {};
  for (const c of chosen) figures[c.name] = { manager: [], bare: [], managerCpuUs: [], bareCpuUs: [] };
  // Interleaved: each case measures the manager and the bare server back to back, which goes first alternating by round.
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of chosen) {
      const f = figures[c.name]!;
      const runs: ['manager' | 'bare', () => Promise<void>][] = [
        ['manager', async () => {
          const m = await measure(measured.url + c.path, control ? c.bareHeaders : c.managerHeaders, c.status, measured.child.pid);
          f.manager.push(m.rps);
          f.managerCpuUs.push(m.cpuUs);
        }],
        ['bare', async () => {
          const m = await measure(bare.url + c.path, c.bareHeaders, c.status, bare.child.pid);
          f.bare.push(m.rps);
          f.bareCpuUs.push(m.cpuUs);
        }],
      ];
      if (round % 2 === 1) runs.reverse();
      // A profile is of the manager's load alone: the bare server is not measured then.
      for (const [who, run] of runs) if (args.profile === undefined || who === 'manager') await run();
    }
  }
  // At one fixed rate both servers answer the same requests at the same pace, so the client sleeps between answers for
  // both alike: the CPU a request costs each, without the extra a saturated server pays to wake a waiting client.
  const atRate: Record<string, { managerCpuUs: number[]; bareCpuUs: number[] }> = {};
  const rated = RATE > 0 && args.profile === undefined ? chosen.filter((c) => AT_RATE.includes(c.name)) : [];
  for (const c of rated) atRate[c.name] = { managerCpuUs: [], bareCpuUs: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of rated) {
      const f = atRate[c.name]!;
      const runs = [
        async (): Promise<void> => void f.managerCpuUs.push((await measure(measured.url + c.path, control ? c.bareHeaders : c.managerHeaders, c.status, measured.child.pid, RATE)).cpuUs),
        async (): Promise<void> => void f.bareCpuUs.push((await measure(bare.url + c.path, c.bareHeaders, c.status, bare.child.pid, RATE)).cpuUs),
      ];
      if (round % 2 === 1) runs.reverse();
      for (const run of runs) await run();
    }
  }
  const ended = loadavg();
  const load = `load average ${started.map((l) => l.toFixed(2)).join(' ')} at the start, ${ended.map((l) => l.toFixed(2)).join(' ')} at the end`;
  process.stdout.write(`ceiling${control ? ' (control: bare against bare)' : ''} (median of ${ROUNDS} interleaved rounds of ${SECONDS} s, 32 connections, Node ${process.version}; ${load})\n`);
  process.stdout.write('| figure | manager req/s | bare node:http req/s | ratio | goal | CPU µs per request: manager / bare |\n|---|---|---|---|---|---|\n');
  const summary: Record<string, { manager: number; bare: number; ratio: number; managerCpuUs: number; bareCpuUs: number }> = {};
  for (const [name, f] of Object.entries(figures)) {
    // The median of each round's own ratio: a round's two runs saw the same machine.
    const ratio = median(f.manager.map((m, i) => m / (f.bare[i] ?? NaN)));
    const row = { manager: median(f.manager), bare: median(f.bare), ratio, managerCpuUs: median(f.managerCpuUs), bareCpuUs: median(f.bareCpuUs) };
    summary[name] = row;
    const verdict = `≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'not met'}`;
    process.stdout.write(`| ${name} | ${row.manager.toFixed(0)} | ${row.bare.toFixed(0)} | ${ratio.toFixed(2)} | ${verdict} | ${row.managerCpuUs.toFixed(0)} / ${row.bareCpuUs.toFixed(0)} |\n`);
  }
  const rateSummary: Record<string, { managerCpuUs: number; bareCpuUs: number; ratio: number }> = {};
  if (rated.length > 0) {
    process.stdout.write(`\nat ${RATE} requests a second each (median of ${ROUNDS} rounds): CPU per request, and what it makes of the ratio\n`);
    process.stdout.write('| figure | manager µs | bare node:http µs | bare ÷ manager | goal |\n|---|---|---|---|---|\n');
    for (const [name, f] of Object.entries(atRate)) {
      const ratio = median(f.bareCpuUs.map((b, i) => b / (f.managerCpuUs[i] ?? NaN)));
      rateSummary[name] = { managerCpuUs: median(f.managerCpuUs), bareCpuUs: median(f.bareCpuUs), ratio };
      process.stdout.write(`| ${name} | ${median(f.managerCpuUs).toFixed(1)} | ${median(f.bareCpuUs).toFixed(1)} | ${ratio.toFixed(2)} | ≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'not met'} |\n`);
    }
  }
  const ceiling = { at: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, loadavg: { start: started, end: ended }, summary, figures, rate: RATE, atRate: rateSummary, atRateFigures: atRate };
  if (only === undefined && !control) mergeResult('ceiling', ceiling);
  manager.child.kill('SIGTERM');
  bare.child.kill('SIGTERM');
  control?.child.kill('SIGTERM');
  await new Promise((resolve) => manager.child.once('exit', resolve));
}

void main();
