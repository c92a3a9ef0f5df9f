// `npm run bench` (in Node-RED): a mass rotation of 10,000 values and one-key watch changes at 10, 1,000 and 10,000 keys, as flows in a real Node-RED process see them, against a naive client in the same kind of process; merged into bench/results.json.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { request } from '../test/helpers/http';
import { CLI } from '../test/helpers/cli';
import { tempDir } from '../test/helpers/manager';
import type { ProbeCommand, ProbeOptions } from './node-red-probe';
import { mergeResult } from './results-file';
import { serve } from './serve';
import { median, quantile } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** `mass` or `watch` runs one part alone (profiling, quick checks); the default runs both. */
const PART = process.env.BENCH_PART ?? 'all';
const MASS = 10_000;
const SIZES = [10, 1_000, 10_000] as const;
/** One-key changes per size, kind and round. */
const CHANGES = 20;
/** Settling time after a sync before the event loop and memory are read, ms: what the sync leaves behind (collections, frames) counts. */
const SETTLE_MS = 250;
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const hrNow = (): bigint => process.hrtime.bigint();
/** A value as a generator would make one: a prefix, the key's number and 16 random bytes in base64 (`+`, `/`, `=` give it URI and form-encoded forms). */
const newValue = (i: number, tag: string): string => `pw-${tag}-${i}-${randomBytes(16).toString('base64')}`;

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** When flows could read the new value, and when the HTTP answer that brought it reached the process (hrtime, ns). */
interface Seen {
  at: bigint;
  answered: bigint;
}

/** One Node-RED child and its IPC. */
class Probe {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (m: Record<string, unknown>) => void>();
  #seen: ((seen: Seen) => void) | undefined;
  #next = 0;
  url = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'seen') this.#seen?.({ at: BigInt(m.hr as string), answered: BigInt(m.answered as string) });
      else if (m.type === 'done' || m.type === 'error') {
        const done = this.#pending.get(m.id as number);
        this.#pending.delete(m.id as number);
        done?.(m);
      }
    });
  }

  static start(options: ProbeOptions): Promise<Probe> {
    const child = fork(join(__dirname, 'node-red-probe.js'), [], { env: { ...process.env, BENCH_PROBE: JSON.stringify(options) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const probe = new Probe(child);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`probe exited (${code})`)));
      child.on('message', (m: Record<string, unknown>) => {
        if (m.type !== 'ready') return;
        probe.url = m.url as string;
        resolve(probe);
      });
    });
  }

  /** Sends `command` and waits for its answer (rejects on the probe's error). */
  async call(command: DistributiveOmit<ProbeCommand, 'id'>, ms = 60_000): Promise<Record<string, unknown>> {
    const id = this.#next++;
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe did not answer ${command.type} within ${ms} ms`)), ms);
      this.#pending.set(id, (m) => (clearTimeout(timer), resolve(m)));
      this.#child.send({ ...command, id });
    });
    if (answer.type === 'error') throw new Error(`probe ${command.type}: ${String(answer.message)}`);
    return answer;
  }

  /** Arms the stamp for `key` = `expect`; resolves, once armed, with a promise of the moment flows can read it. */
  async arm(key: string, expect: string, ms = 60_000): Promise<{ seen: Promise<Seen> }> {
    const seen = new Promise<Seen>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flows did not see ${key} within ${ms} ms`)), ms);
      this.#seen = (stamp) => (clearTimeout(timer), (this.#seen = undefined), resolve(stamp));
    });
    await this.call({ type: 'arm', key, expect });
    return { seen };
  }

  /** What a function node reads as global.SECRETS[key] now. */
  async flowReads(key: string): Promise<unknown> {
    return ((await request('GET', `${this.url}/api/probe?key=${key}`)).body as { value: unknown }).value;
  }

  async stop(): Promise<void> {
    await this.call({ type: 'stop' }).catch(() => undefined);
  }
}

interface MassFigures {
  ms: number;
  loopMaxMs: number;
  rssMb: number;
  arrayBuffersMb: number;
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  const dataDir = tempDir('bench-nr-manager-');
  const adminToken = `bench-admin-${Date.now()}-token`;
  const manager = await serve([CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { SECRET_MANAGER_ADMIN_TOKEN: adminToken });
  process.once('exit', () => manager.child.kill('SIGTERM'));
  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    // A connection reset on a loaded machine is tried again (twice); a create that did land the first time then answers 409.
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await request(method, manager.url + path, { token: adminToken, ...(body === undefined ? {} : { body }) });
        if (res.status === 409 && attempt > 0) return res.body;
        if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
        return res.body;
      } catch (err) {
        if (attempt >= 2 || !(err instanceof TypeError)) throw err;
        await sleep(200);
      }
    }
  };
  /** Writes `count` values of `space` (8 requests at once: the manager's bound on bodies per token), answers when the last is acknowledged. */
  const writeAll = async (space: string, count: number, method: 'POST' | 'PATCH', tag: string): Promise<string[]> => {
    const values = Array.from({ length: count }, (_, i) => newValue(i, tag));
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        if (method === 'POST') await api('POST', `/v1/spaces/${space}/secrets`, { name: `KEY_${i}`, value: values[i] });
        else await api('PATCH', `/v1/spaces/${space}/secrets/KEY_${i}`, { value: values[i] });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return values;
  };
  const tokens: Record<string, string> = {};
  for (const size of SIZES) {
    for (const side of ['a', 'b']) {
      const space = `w${size}-${side}`;
      await writeAll(space, size, 'POST', 'seed');
      tokens[space] = ((await api('POST', '/v1/tokens', { space })) as { token: string }).token;
    }
  }
  // Ours: one Node-RED per size with the plugin on the `a` space; the naive client: one Node-RED per size without it, on `b`.
  const ours: Record<number, Probe> = {};
  const naive: Record<number, Probe> = {};
  for (const size of SIZES) {
    const space = `w${size}-a`;
    // The 10k one starts with syncs on demand only, for the mass rotation; the watch is switched on after it.
    const interval = size === MASS ? 'off' : 'watch';
    ours[size] = await Probe.start({ kind: 'plugin', managerUrl: manager.url, secretSync: { url: manager.url, space, token: tokens[space], interval, syncOnDeploy: false } });
    naive[size] = await Probe.start({ kind: 'naive', managerUrl: manager.url });
  }

  // Mass rotation: every value of the 10k space rotated, then one sync each (ours: the plugin's sync, as Sync now runs it; naive: GET, parse, assign).
  const mass: Record<'ours' | 'naive', MassFigures[]> = { ours: [], naive: [] };
  const massSpace = `w${MASS}-a`;
  const massOne = async (kind: 'ours' | 'naive', values: string[], round: number): Promise<void> => {
    const probe = kind === 'ours' ? ours[MASS]! : naive[MASS]!;
    const key = `KEY_${MASS - 1}`;
    const { seen } = await probe.arm(key, values[MASS - 1]!);
    const profile = PROFILE_DIR !== undefined && kind === 'ours';
    if (profile) await probe.call({ type: 'profile', start: true });
    const t0 = hrNow();
    await probe.call({ type: 'sync', space: massSpace, token: tokens[massSpace]! });
    const { at } = await seen;
    await sleep(SETTLE_MS);
    if (profile) await probe.call({ type: 'profile', start: false, file: join(PROFILE_DIR, `mass-${round}.cpuprofile`) });
    const m = await probe.call({ type: 'measure' });
    if ((await probe.flowReads('KEY_0')) !== values[0]) throw new Error(`${kind}: a flow does not read the rotated value`);
    mass[kind].push({ ms: Number(at - t0) / 1e6, loopMaxMs: m.maxMs as number, rssMb: (m.rss as number) / 2 ** 20, arrayBuffersMb: (m.arrayBuffers as number) / 2 ** 20 });
  };
  for (let round = 0; round < (PART === 'watch' ? 0 : ROUNDS); round++) {
    const values = await writeAll(massSpace, MASS, 'PATCH', `r${round}`);
    // Interleaved, the order alternating: neither kind always runs right after the rotation's writes.
    const order: ('ours' | 'naive')[] = round % 2 === 0 ? ['ours', 'naive'] : ['naive', 'ours'];
    for (const kind of order) await massOne(kind, values, round);
    process.stderr.write(`mass rotation round ${round + 1}: ours ${mass.ours[round]!.ms.toFixed(1)} ms, naive ${mass.naive[round]!.ms.toFixed(1)} ms\n`);
  }

  // Watch: one changed key at a time reaches a flow, ours and the naive long poll taking turns.
  const put = await request('PUT', `${ours[MASS]!.url}/secret-sync/preferences`, { body: { interval: 'watch' } });
  if (put.status !== 200) throw new Error(`preferences: ${put.status}`);
  for (const size of SIZES) await naive[size]!.call({ type: 'naive-watch', space: `w${size}-b`, token: tokens[`w${size}-b`]! });
  await sleep(1_000);
  const watch: Record<number, Record<'ours' | 'naive', number[]>> = {};
  // Of each change's time, the part after the answer reached the process: the client's own work.
  const client: Record<number, Record<'ours' | 'naive', number[]>> = {};
  for (const size of SIZES) {
    watch[size] = { ours: [], naive: [] };
    client[size] = { ours: [], naive: [] };
  }
  let change = 0;
  const watchOne = async (size: number, kind: 'ours' | 'naive'): Promise<void> => {
    const probe = kind === 'ours' ? ours[size]! : naive[size]!;
    const space = `w${size}-${kind === 'ours' ? 'a' : 'b'}`;
    const value = newValue(0, `w${change++}`);
    const { seen } = await probe.arm('KEY_0', value, 30_000);
    // Let the previous change's long poll be sent again before this change is written.
    await sleep(20);
    await api('PATCH', `/v1/spaces/${space}/secrets/KEY_0`, { value });
    const acked = hrNow();
    const { at, answered } = await seen;
    watch[size]![kind].push(Number(at - acked) / 1e6);
    client[size]![kind].push(Number(at - answered) / 1e6);
  };
  for (let round = 0; round < (PART === 'mass' ? 0 : ROUNDS); round++) {
    for (const size of SIZES) {
      // With BENCH_PROFILE_DIR, the plugin's process is profiled through the first round's changes of each size.
      const profile = PROFILE_DIR !== undefined && round === 0;
      if (profile) await ours[size]!.call({ type: 'profile', start: true });
      for (let i = 0; i < CHANGES; i++) {
        const order: ('ours' | 'naive')[] = i % 2 === 0 ? ['ours', 'naive'] : ['naive', 'ours'];
        for (const kind of order) await watchOne(size, kind);
      }
      if (profile) await ours[size]!.call({ type: 'profile', start: false, file: join(PROFILE_DIR, `watch-${size}.cpuprofile`) });
    }
    process.stderr.write(`watch round ${round + 1} done\n`);
  }
  const loadEnd = loadavg();
  for (const probe of [...Object.values(ours), ...Object.values(naive)]) await probe.stop();
  manager.child.kill('SIGTERM');

  const pick = (kind: 'ours' | 'naive', f: (x: MassFigures) => number): number => median(mass[kind].map(f));
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
  const load = `load average ${loadStart.map((x) => x.toFixed(1)).join(' ')} at the start, ${loadEnd.map((x) => x.toFixed(1)).join(' ')} at the end`;
  const out: string[] = [];
  out.push(`in Node-RED (real processes: the manager, Node-RED with the plugin, Node-RED with a naive client; ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, Node ${process.version}; ${load})`);
  out.push(`mass rotation of ${MASS.toLocaleString('en')} values, then one sync each (median of ${ROUNDS} interleaved rounds)`);
  out.push('| figure | plugin | naive client | ratio | goal |\n|---|---|---|---|---|');
  const row = (name: string, f: (x: MassFigures) => number, unit: string, goal: string): void => {
    const a = pick('ours', f);
    const b = pick('naive', f);
    out.push(`| ${name} | ${a.toFixed(1)} ${unit} | ${b.toFixed(1)} ${unit} | ${ratio(a, b)} | ${goal} |`);
  };
  row('sync requested → flows read the new values', (x) => x.ms, 'ms', '≤ 10×');
  row('event-loop max delay, sync and 250 ms after', (x) => x.loopMaxMs, 'ms', '≤ 2×');
  row('RSS growth', (x) => x.rssMb, 'MB', '≤ 10 MB');
  row('arrayBuffers growth', (x) => x.arrayBuffersMb, 'MB', '');
  out.push(`\nwatch: one changed key, write acknowledged → flows read it (${ROUNDS} rounds × ${CHANGES} changes, interleaved; the naive client long-polls with ?wait=55&version=N)`);
  out.push('| keys | plugin p50 / p99 | naive long poll p50 / p99 | ratio p50 / p99 | goal |\n|---|---|---|---|---|');
  for (const size of SIZES) {
    const w = watch[size]!;
    const [a50, a99, b50, b99] = [quantile(w.ours, 0.5), quantile(w.ours, 0.99), quantile(w.naive, 0.5), quantile(w.naive, 0.99)];
    out.push(`| ${size.toLocaleString('en')} | ${a50.toFixed(1)} / ${a99.toFixed(1)} ms | ${b50.toFixed(1)} / ${b99.toFixed(1)} ms | ${ratio(a50, b50)} / ${ratio(a99, b99)} | ≤ 1.2× |`);
  }
  out.push('\nof which after the answer reached the process (the client\'s own work: parse, check, mask, publish), p50 / p99');
  out.push('| keys | plugin | naive long poll |\n|---|---|---|');
  for (const size of SIZES) {
    const c = client[size]!;
    out.push(`| ${size.toLocaleString('en')} | ${quantile(c.ours, 0.5).toFixed(2)} / ${quantile(c.ours, 0.99).toFixed(2)} ms | ${quantile(c.naive, 0.5).toFixed(2)} / ${quantile(c.naive, 0.99).toFixed(2)} ms |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  mergeResult('nodeRed', { at: new Date().toISOString(), node: process.version, cores: cpus().length, loadStart, loadEnd, mass, watch, client });
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
