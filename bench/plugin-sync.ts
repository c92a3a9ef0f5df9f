// The plugin's 10k sync without the network (`node --expose-gc --max-semi-space-size=64 dist/bench/plugin-sync.js`): heap allocated and main-thread time of the engine alone, with its masker, and of the service as the plugin runs it.
import { performance } from 'node:perf_hooks';
import { SecretSyncService } from '../src/plugin/core/service';
import { resolveConfig } from '../src/plugin/core/config';
import { DEFAULT_RETRY_POLICY } from '../src/plugin/core/retry';
import { SyncEngine } from '../src/plugin/core/sync-engine';
import type { FetchResult, SecretProvider } from '../src/providers/provider';
import { memoryLogger } from '../test/helpers/logger';
import { keepMasker } from './keep-masker';
import { median } from './stats';

const KEYS = 10_000;
const ROUNDS = 5;

/** Answers as the Secret Manager would, each a new version with every value changed, parsed from text as the provider parses it. */
function answers(count: number): { provider: SecretProvider; bytes: number } {
  const texts: string[] = [];
  for (let version = 1; version <= count; version++) {
    const secrets: Record<string, string> = {};
    for (let i = 0; i < KEYS; i++) secrets[`KEY_${i}`] = `value-${i}-v${version}-${'x'.repeat(24)}`;
    texts.push(JSON.stringify({ space: 's10k', version, secrets }));
  }
  let next = 0;
  const provider: SecretProvider = {
    name: 'bench',
    fetch: () => {
      const text = texts[next++]!;
      const body = JSON.parse(text) as { version: number; secrets: unknown };
      return Promise.resolve<FetchResult>({ status: 'changed', version: body.version, etag: null, secrets: body.secrets, bytes: text.length });
    },
  };
  return { provider, bytes: Buffer.byteLength(texts[0]!) };
}


/** Heap allocated (from a collected heap, nothing collected meanwhile) and main-thread active ms of one run of `work`. */
async function measure(work: () => Promise<unknown>): Promise<{ heap: number; activeMs: number }> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const elu = performance.eventLoopUtilization();
  await work();
  const activeMs = performance.eventLoopUtilization(elu).active;
  return { heap: process.memoryUsage().heapUsed - before, activeMs };
}

async function main(): Promise<void> {
  if (global.gc === undefined) throw new Error('run with --expose-gc --max-semi-space-size=64');
  const { provider, bytes } = answers(3 * (ROUNDS + 1) + 1);
  const logger = memoryLogger([]);
  const held: unknown[] = [];
  const kinds: Record<string, () => { sync: () => Promise<unknown> }> = {
    'engine, masker left out': () => {
      const engine = new SyncEngine({ provider, onPublish: (p) => held.push(p), policy: DEFAULT_RETRY_POLICY, logger, space: 's10k', compileMasker: keepMasker });
      return { sync: () => engine.sync('manual') };
    },
    'engine with its masker': () => {
      const engine = new SyncEngine({ provider, onPublish: (p) => held.push(p), policy: DEFAULT_RETRY_POLICY, logger, space: 's10k' });
      return { sync: () => engine.sync('manual') };
    },
    'the service as the plugin runs it (publication, status to the editor, masked)': () => {
      const holder: Record<string, unknown> = {};
      const config = resolveConfig({ url: 'http://127.0.0.1:9', space: 's10k', token: 'bench', interval: 'off' }, {}, () => '');
      const service = new SecretSyncService({ config, createProvider: () => provider, onPublish: (p) => (holder.SECRETS = p.snapshot.secrets), preferences: { load: () => undefined, save: () => Promise.resolve() }, logger, splay: 0 });
      // What the entry and the print mask do with every status: a comms frame, masked.
      service.on('status', (status) => held.push(service.publication().masker.value(status)));
      return { sync: () => service.sync('manual') };
    },
  };
  process.stdout.write(`a 10k sync without the network (answer ${(bytes / 1024).toFixed(0)} KiB; median of ${ROUNDS})\n| path | heap ÷ answer bytes | main-thread ms |\n|---|---|---|\n`);
  for (const [name, make] of Object.entries(kinds)) {
    await make().sync();
    const runs: { heap: number; activeMs: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const run = make();
      runs.push(await measure(run.sync));
      held.length = 0;
    }
    process.stdout.write(`| ${name} | ${(median(runs.map((r) => r.heap)) / bytes).toFixed(2)} | ${median(runs.map((r) => r.activeMs)).toFixed(1)} |\n`);
  }
}

void main();
