// `npm run bench` (watch path): the plugin's own work for one watch change (answer → publication) against parse-and-assign, back to back and after the process idled; merged into bench/results.json.
import { DEFAULT_RETRY_POLICY } from '../src/plugin/core/retry';
import { SyncEngine } from '../src/plugin/core/sync-engine';
import type { SecretProvider } from '../src/providers/provider';
import { mergeResult } from './results-file';
import { quantile } from './stats';

/** Changes measured per size and pace; the first {@link WARM} of each run are left out (the code is still being compiled). */
const CHANGES = 200;
const WARM = 50;
/** The idle time between two changes in the "after idle" runs: what bench/node-red-sync.ts leaves between its changes. */
const IDLE_MS = 20;
const SIZES = [10, 1_000, 10_000];

const quiet = { debug: (): void => undefined, info: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A manager's answer of `size` keys in which KEY_0 took value number `round`. */
function answer(size: number, round: number): string {
  const secrets: Record<string, string> = {};
  for (let i = 0; i < size; i++) secrets[`KEY_${i}`] = i === 0 ? `pw-r${round}-0-${round.toString(36).padStart(16, 'x')}` : `pw-seed-${i}-abcdefghijklmnop`;
  return JSON.stringify({ space: 'bench', version: round, secrets });
}

/** µs from the answer's text to the moment flows could read it: the plugin's engine, and a naive `JSON.parse` and assignment. */
async function run(size: number, idleMs: number): Promise<{ ours: number[]; naive: number[] }> {
  const provider: SecretProvider = { fetch: () => Promise.resolve({ status: 'unchanged' }) } as unknown as SecretProvider;
  const engine = new SyncEngine({ provider, policy: DEFAULT_RETRY_POLICY, logger: quiet, space: 'bench' });
  const first = JSON.parse(answer(size, 0)) as { version: number; secrets: unknown };
  await engine.sync('watch', { status: 'changed', version: first.version, etag: null, secrets: first.secrets });
  const holder: { SECRETS?: unknown } = {};
  const ours: number[] = [];
  const naive: number[] = [];
  for (let round = 1; round <= CHANGES; round++) {
    const text = answer(size, round);
    const copy = answer(size, round);
    // The same pause before each of the two, the order alternating.
    const measureOurs = async (): Promise<void> => {
      await (idleMs > 0 ? sleep(idleMs) : new Promise<void>((r) => setImmediate(r)));
      const t = performance.now();
      const body = JSON.parse(text) as { version: number; secrets: unknown };
      await engine.sync('watch', { status: 'changed', version: body.version, etag: null, secrets: body.secrets, bytes: text.length });
      ours.push((performance.now() - t) * 1000);
    };
    const measureNaive = async (): Promise<void> => {
      await (idleMs > 0 ? sleep(idleMs) : new Promise<void>((r) => setImmediate(r)));
      const t = performance.now();
      holder.SECRETS = (JSON.parse(copy) as { secrets: unknown }).secrets;
      naive.push((performance.now() - t) * 1000);
    };
    if (round % 2 === 0) {
      await measureOurs();
      await measureNaive();
    } else {
      await measureNaive();
      await measureOurs();
    }
  }
  return { ours: ours.slice(WARM), naive: naive.slice(WARM) };
}

async function main(): Promise<void> {
  const rows: Record<string, { oursP50: number; naiveP50: number; oursP99: number; naiveP99: number }> = {};
  process.stdout.write(`watch path in one process (answer text → publication; ${CHANGES - WARM} changes each after ${WARM} to warm up; Node ${process.version})\n`);
  process.stdout.write('| keys | pace | plugin p50 / p99 µs | parse and assign p50 / p99 µs | difference p50 µs |\n|---|---|---|---|---|\n');
  for (const size of SIZES) {
    for (const idle of [0, IDLE_MS]) {
      const { ours, naive } = await run(size, idle);
      const row = { oursP50: quantile(ours, 0.5), naiveP50: quantile(naive, 0.5), oursP99: quantile(ours, 0.99), naiveP99: quantile(naive, 0.99) };
      rows[`${size} ${idle === 0 ? 'back to back' : `after ${idle} ms idle`}`] = row;
      process.stdout.write(
        `| ${size.toLocaleString('en')} | ${idle === 0 ? 'back to back' : `after ${idle} ms idle`} | ${row.oursP50.toFixed(0)} / ${row.oursP99.toFixed(0)} | ${row.naiveP50.toFixed(0)} / ${row.naiveP99.toFixed(0)} | ${(row.oursP50 - row.naiveP50).toFixed(0)} |\n`,
      );
    }
  }
  mergeResult('watchPath', { at: new Date().toISOString(), node: process.version, idleMs: IDLE_MS, rows });
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
