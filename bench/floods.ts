// `npm run bench` (floods): a plugin's read and watch latency while an attacker floods the manager; merged into bench/results.json.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SecretManagerProvider } from '../src/providers/secret-manager-provider';
import type { FetchResult } from '../src/providers/provider';
import { startServe } from '../test/helpers/cli';
import { request } from '../test/helpers/http';
import { tempDir } from '../test/helpers/manager';
import { mergeResult } from './results-file';
import { quantile } from './stats';

/** Plugin reads per flood, one every PACE_MS, each on a new connection as a plugin polling every minute makes. */
const READS = 300;
const PACE_MS = 20;
/** Changes per flood whose long-poll wake-up is timed. */
const WAKES = 30;
const GOAL_MS = 50;
/** Rounds of every flood, interleaved; the table shows the median round and the worst p99. */
const ROUNDS = 3;
const FILE_LIMIT = 1_024;

/** The attacker's tokens: a read token of space hog, and a viewer token. */
interface AttackTokens {
  hog: string;
  viewer: string;
}

interface Phase {
  name: string;
  /** flood-attacker.ts arguments after the port, or none for the baseline. */
  attack?: (tokens: AttackTokens) => string[];
}

// The manager runs with its defaults: 900 connections, 600 long polls, 60 a token, 8 bodies on their way per token or address.
const PHASES: Phase[] = [
  { name: 'no flood' },
  { name: 'silent sockets: 900 (the cap) at once, then 500 new a second', attack: () => ['silent', '900', '500'] },
  { name: 'header drippers: 900 at once, then 500 new a second, each a header line a second', attack: () => ['drip', '900', '500'] },
  { name: "one token's long polls: 1,100 at once (600 slots), each sent again 1 s after it ends", attack: ({ hog }) => ['longpoll', '1100', '1', hog] },
  {
    name: "one read token's slow usage reports: 900 at once, then 500 new a second, each a byte of its body a second",
    attack: ({ hog }) => ['slowusage', '900', '500', hog],
  },
  { name: 'slow sign-ins from 2,000 addresses: 900 (the cap) at once, then 500 new a second, each a byte of its body a second', attack: () => ['slowsignin', '900', '500'] },
  { name: 'wrong-token guesses back to back on 32 connections', attack: () => ['wrongtoken', '32', '0'] },
  { name: "sign-ins with a valid viewer token back to back on 32 connections", attack: ({ viewer }) => ['signin', '32', '0', viewer] },
];

interface Figures {
  reads: number;
  failed: number;
  medianMs: number;
  p99Ms: number;
  wakeMedianMs: number;
  wakeP99Ms: number;
  wakeFailed: number;
  /** Requests (or connections) the attacker sent a second while the reads were measured. */
  attackPerSecond: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A running attacker: how many requests it has sent so far, and how to stop it. */
interface Attacker {
  sent(): number;
  stop(): void;
}

/** Starts the attacker against `port`; resolves once it has started flooding and the flood has built up. */
async function attack(port: number, args: string[]): Promise<Attacker> {
  const child = spawn(process.execPath, [join(__dirname, 'flood-attacker.js'), args[0]!, String(port), ...args.slice(1)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let sent = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const match of chunk.toString().matchAll(/sent (\d+)/g)) sent = Number(match[1]);
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the attacker exited (${String(code)})`)));
  });
  await pause(2_000);
  return { sent: () => sent, stop: () => child.kill('SIGKILL') };
}

/** Why reads failed, by SyncError code, across every flood: named under the table. */
const failures: Record<string, number> = {};

function failure(err: unknown): void {
  const code = (err as { code?: unknown }).code;
  const key = typeof code === 'string' ? code : 'error';
  failures[key] = (failures[key] ?? 0) + 1;
}

async function readFigures(url: string, token: string): Promise<{ times: number[]; failed: number }> {
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < READS; i++) {
    const provider = new SecretManagerProvider({ url, space: 'demo', token });
    const started = performance.now();
    try {
      await provider.fetch({ signal: AbortSignal.timeout(10_000) });
      times.push(performance.now() - started);
    } catch (err) {
      failed++;
      failure(err);
    }
    await pause(PACE_MS);
  }
  return { times, failed };
}

/** From sending a write to the answer of the long poll waiting for it, WAKES times. */
async function wakeFigures(url: string, token: string, admin: string): Promise<{ times: number[]; failed: number }> {
  const provider = new SecretManagerProvider({ url, space: 'demo', token });
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < WAKES; i++) {
    try {
      const now = (await provider.fetch({ signal: AbortSignal.timeout(10_000) })) as Extract<FetchResult, { status: 'changed' }>;
      const watch = provider.waitForChange(now.version ?? 0, 60, AbortSignal.timeout(30_000));
      // Long enough for the poll to reach the manager and wait.
      await pause(50);
      const sent = performance.now();
      await request('PATCH', `${url}/v1/spaces/demo/secrets/KEY_0`, { token: admin, body: { value: `rotated-${i}-${Date.now()}` } });
      if ((await watch)?.status !== 'changed') throw new Error('not woken');
      times.push(performance.now() - sent);
    } catch (err) {
      failed++;
      failure(err);
    }
  }
  return { times, failed };
}

async function main(): Promise<void> {
  const admin = `bench-admin-${Date.now()}-token`;
  // Under the common open-file limit of 1,024, which the default connection cap stays below.
  const manager = await startServe(tempDir('bench-floods-'), { SECRET_MANAGER_ADMIN_TOKEN: admin }, FILE_LIMIT);
  const { url } = manager;
  const port = Number(new URL(url).port);
  for (let i = 0; i < 100; i++) await request('POST', `${url}/v1/spaces/demo/secrets`, { token: admin, body: { name: `KEY_${i}`, value: `value-${i}-${'x'.repeat(24)}` } });
  const tokenOf = async (space: string): Promise<string> => ((await request('POST', `${url}/v1/tokens`, { token: admin, body: { space } })).body as { token: string }).token;
  const demo = await tokenOf('demo');
  const tokens: AttackTokens = {
    hog: await tokenOf('hog'),
    viewer: ((await request('POST', `${url}/v1/tokens`, { token: admin, body: { role: 'viewer', description: 'flooding viewer' } })).body as { token: string }).token,
  };
  const rounds: Record<string, Figures[]> = {};
  try {
    // `node dist/bench/floods.js drip` runs the baseline and the floods whose name holds that word.
    const only = process.argv[2];
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of PHASES.filter((p) => only === undefined || !p.attack || p.name.includes(only))) {
        const attacker = phase.attack ? await attack(port, phase.attack(tokens)) : undefined;
        try {
          const [sentBefore, started] = [attacker?.sent() ?? 0, performance.now()];
          const reads = await readFigures(url, demo);
          const attackPerSecond = ((attacker?.sent() ?? 0) - sentBefore) / ((performance.now() - started) / 1000);
          const wakes = await wakeFigures(url, demo, admin);
          (rounds[phase.name] ??= []).push({
            reads: READS,
            failed: reads.failed,
            medianMs: quantile(reads.times, 0.5),
            p99Ms: quantile(reads.times, 0.99),
            wakeMedianMs: quantile(wakes.times, 0.5),
            wakeP99Ms: quantile(wakes.times, 0.99),
            wakeFailed: wakes.failed,
            attackPerSecond,
          });
        } finally {
          attacker?.stop();
        }
        // The attacker's sockets close with its process; its long polls end as the manager sees them go.
        await pause(1_000);
      }
    }
  } finally {
    manager.child.kill('SIGTERM');
  }
  process.stdout.write(
    `floods (manager defaults under ulimit -n ${FILE_LIMIT}: 900 connections, 600 long polls, 60 a token, 8 bodies on their way per token or address; per round ${READS} plugin reads, each on a new connection, and ${WAKES} watch wake-ups; median of ${ROUNDS} interleaved rounds; Node ${process.version})\n`,
  );
  process.stdout.write(
    `| flood | attacker's requests (or connections) a second | plugin read median / p99 | goal | worst p99 of a round | failed reads | watch wake-up median / p99 (failed) |\n|---|---|---|---|---|---|---|\n`,
  );
  const mid = (figures: Figures[], pick: (f: Figures) => number): number => quantile(figures.map(pick), 0.5);
  // No attacker (the baseline): no rate. Older results.json rounds have none either.
  const rate = (perSecond: number): string => (perSecond > 0 ? perSecond.toFixed(0) : '');
  for (const [name, figures] of Object.entries(rounds)) {
    const failed = figures.reduce((sum, f) => sum + f.failed, 0);
    const wakeFailed = figures.reduce((sum, f) => sum + f.wakeFailed, 0);
    process.stdout.write(
      `| ${name} | ${rate(mid(figures, (f) => f.attackPerSecond))} | ${mid(figures, (f) => f.medianMs).toFixed(1)} / ${mid(figures, (f) => f.p99Ms).toFixed(1)} ms | p99 < ${GOAL_MS} ms | ${Math.max(...figures.map((f) => f.p99Ms)).toFixed(1)} ms | ${failed} of ${READS * figures.length} | ${mid(figures, (f) => f.wakeMedianMs).toFixed(1)} / ${mid(figures, (f) => f.wakeP99Ms).toFixed(1)} ms (${wakeFailed}) |\n`,
    );
  }
  if (Object.keys(failures).length > 0) process.stdout.write(`failures by code: ${JSON.stringify(failures)}\n`);
  mergeResult('floods', { at: new Date().toISOString(), node: process.version, rounds });
}

void main();
