// Run by bench/fleet.ts in its own process (`--expose-gc --max-semi-space-size=64`): heap allocated by one 10k sync, ours and the naive client's.
import { SyncEngine } from '../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../src/plugin/core/retry';
import { SecretManagerProvider } from '../src/providers/secret-manager-provider';
import { memoryLogger } from '../test/helpers/logger';
import { keepMasker } from './keep-masker';
import { naiveGet } from './naive-client';

/**
 * Heap bytes allocated while `work` ran, from a collected heap. The young
 * generation is large enough that nothing is collected meanwhile, so this is
 * the most the sync can have held at once.
 */
async function allocated(work: () => Promise<unknown>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  await work();
  return process.memoryUsage().heapUsed - before;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_URL ?? '';
  const space = process.env.BENCH_SPACE ?? '';
  const token = process.env.BENCH_TOKEN ?? '';
  if (global.gc === undefined) throw new Error('run with --expose-gc');
  const provider = new SecretManagerProvider({ url, space, token });
  const held: unknown[] = [];
  // One round each first, so both measured rounds run warm code.
  await naiveGet(url, space, token);
  await new SyncEngine({ provider, policy: DEFAULT_RETRY_POLICY, logger: memoryLogger(), space, compileMasker: keepMasker }).sync('manual');
  // The masker compile left out, as before: masking.ts measures it, and a naive client masks nothing.
  const ours = await allocated(async () => {
    const engine = new SyncEngine({ provider, onPublish: (p) => held.push(p), policy: DEFAULT_RETRY_POLICY, logger: memoryLogger(), space, compileMasker: keepMasker });
    await engine.sync('manual');
  });
  const naive = await allocated(async () => held.push(await naiveGet(url, space, token)));
  process.stdout.write(`${JSON.stringify({ ours, naive })}\n`);
}

void main();
