// `npm run bench`: long-poll wake-up latency and read throughput of the Secret Manager on 127.0.0.1.
import { rmSync } from 'node:fs';
import { request } from '../test/helpers/http';
import { startTestManager } from '../test/helpers/manager';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number): string => n.toFixed(2);
  return `${label}: n=${sorted.length} p50=${f(percentile(sorted, 50))}ms p95=${f(percentile(sorted, 95))}ms max=${f(sorted[sorted.length - 1] ?? NaN)}ms`;
}

async function main(): Promise<void> {
  const m = await startTestManager();
  const space = '/v1/spaces/bench/secrets';
  const token = await m.readToken('bench');
  for (let i = 0; i < 100; i++) await m.api('POST', space, { body: { name: `K${i}`, value: `value-${i}` } });

  // Long poll: time from the write's acknowledgement to the waiting reader's answer.
  const wake: number[] = [];
  for (let i = 0; i < 200; i++) {
    const { version } = (await request('GET', m.url + space, { token })).body as { version: number };
    const poll = request('GET', `${m.url}${space}?wait=30&version=${version}`, { token }).then(() => performance.now());
    await new Promise((r) => setTimeout(r, 2));
    await m.api('PATCH', `${space}/K0`, { body: { value: `rotated-${i}` } });
    const acked = performance.now();
    wake.push((await poll) - acked);
  }

  // Reads: full snapshots of 100 secrets, 8 clients at once, for 3 seconds.
  const until = performance.now() + 3000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await request('GET', m.url + space, { token });
        latencies.push(performance.now() - t);
      }
    }),
  );

  process.stdout.write(`${summary('long-poll wake after write ack', wake)}\n`);
  process.stdout.write(`${summary('snapshot read (100 secrets, 8 clients)', latencies)} throughput=${(latencies.length / 3).toFixed(0)} req/s\n`);
  await m.stop();
  rmSync(m.dataDir, { recursive: true, force: true });
}

void main();
