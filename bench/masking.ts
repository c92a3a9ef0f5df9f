// `npm run bench` (masking): cost of masking one debug message against 10, 1k and 10k secrets, and of compiling the mask per sync.
import { randomBytes } from 'node:crypto';
import { Masker } from '../src/plugin/core/masker';
import { buildSnapshot } from '../src/plugin/core/snapshot';

function secrets(count: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`KEY_${i}`] = randomBytes(18).toString('base64url');
  return out;
}

/** A debug message of about `bytes` characters, holding one secret, as a flow builds it. */
function message(bytes: number, secret: string): Record<string, unknown> {
  const filler = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bytes / 27)).slice(0, bytes);
  return { topic: 'sensor/1', payload: { text: filler, headers: { authorization: `Bearer ${secret}` }, n: 42 } };
}

function microsPer(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(200, iterations); i++) run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

function main(): void {
  const rows: string[] = [];
  for (const count of [10, 1_000, 10_000]) {
    const values = secrets(count);
    const snapshot = buildSnapshot(values);
    const started = process.hrtime.bigint();
    const masker = new Masker(snapshot);
    const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
    const secret = values.KEY_0!;
    const cells = [200, 2_000, 20_000].map((bytes) => {
      const msg = message(bytes, secret);
      return microsPer(() => masker.value(msg), bytes > 5_000 ? 500 : 5_000).toFixed(1);
    });
    rows.push(`| ${count} | ${masker.patternCount} | ${buildMs.toFixed(0)} | ${cells.join(' | ')} |`);
  }
  process.stdout.write('masking one debug message (µs per message; goal: flat in the number of secrets, linear in message size)\n');
  process.stdout.write('| secrets | masked forms | full compile (ms) | 200 B | 2 KB | 20 KB |\n|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

main();
