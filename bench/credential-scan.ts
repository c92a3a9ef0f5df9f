// `npm run bench` (credential scan): one scan of the deployed flows at 1k and 10k function nodes (the 10k flows reach the 8 MiB bound): its time and the longest the event loop waited meanwhile.
import { scanFlows } from '../src/plugin/core/credential-scan';
import { secretlintDetector } from '../src/plugin/core/credential-shapes';
import type { FlowNodeConfig } from '../src/plugin/core/flow-nodes';

/** A function node of 20 lines of code and an http request header, as flows have them. */
function flows(count: number): FlowNodeConfig[] {
  const code = Array.from({ length: 20 }, (_, i) => `const v${i} = msg.payload.items.map((x) => x * ${i}); // step ${i}`).join('\n');
  return Array.from({ length: count }, (_, i) => ({ id: `n${i}`, type: 'function', z: 't1', name: `node ${i}`, func: code, headers: [{ keyValue: 'Accept', valueValue: 'application/json' }] }));
}

async function main(): Promise<void> {
  const detect = secretlintDetector();
  await detect(['loads the detector']);
  const rows: string[] = [];
  for (const count of [1_000, 10_000]) {
    const nodes = flows(count);
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    const result = await scanFlows({ flows: nodes, credentialsOf: () => undefined, passwordFields: () => undefined, synced: { ranges: () => [], keyOf: () => undefined }, detect });
    const ms = performance.now() - started;
    clearInterval(timer);
    rows.push(`| ${count} | ${(result.chars / 1048576).toFixed(1)} | ${result.limited ? 'yes' : 'no'} | ${ms.toFixed(0)} | ${longest.toFixed(0)} |`);
  }
  process.stdout.write('credential scan of the deployed flows (goal: the event loop never waits long, whatever the flows)\n');
  process.stdout.write('| function nodes | MiB read | bounded | scan ms | longest event-loop wait ms |\n|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
