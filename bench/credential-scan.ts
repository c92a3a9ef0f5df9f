// `npm run bench` (credential scan): a scan of the deployed flows at 1k and 10k function nodes (the 10k flows reach the 8 MiB bound) on a deploy and again after a sync: its time and the longest the event loop waited meanwhile.
import { scanFlows } from '../src/plugin/core/credential-scan';
import { rememberLastShapes, secretlintDetector } from '../src/plugin/core/credential-shapes';
import type { FlowNodeConfig } from '../src/plugin/core/flow-nodes';

/** A function node of 20 lines of code and an http request header, as flows have them. */
function flows(count: number): FlowNodeConfig[] {
  const code = Array.from({ length: 20 }, (_, i) => `const v${i} = msg.payload.items.map((x) => x * ${i}); // step ${i}`).join('\n');
  return Array.from({ length: count }, (_, i) => ({ id: `n${i}`, type: 'function', z: 't1', name: `node ${i}`, func: code, headers: [{ keyValue: 'Accept', valueValue: 'application/json' }] }));
}

let detect = secretlintDetector();

async function main(): Promise<void> {
  const linter = secretlintDetector();
  await linter(['loads the detector']);
  const rows: string[] = [];
  // As the plugin scans: on a deploy, then after a sync (the same flows, their shapes remembered).
  for (const [count, when] of [[1_000, 'deploy'], [1_000, 'sync'], [10_000, 'deploy'], [10_000, 'sync']] as const) {
    const nodes = flows(count);
    if (when === 'deploy') detect = rememberLastShapes(linter);
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
    rows.push(`| ${count} | ${when} | ${(result.chars / 1048576).toFixed(1)} | ${result.limited ? 'yes' : 'no'} | ${ms.toFixed(0)} | ${longest.toFixed(0)} |`);
  }
  process.stdout.write('credential scan of the deployed flows (goal: the event loop never waits long, whatever the flows)\n');
  process.stdout.write('| function nodes | scan after | MiB read | bounded | scan ms | longest event-loop wait ms |\n|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
