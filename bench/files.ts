// `npm run bench` (files): what a sync of a directory costs, for 10 and 1,000 files: files opened and milliseconds, first sync, no change, one key changed.
import fsPromises from 'node:fs/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesProvider } from '../src/providers/files/files-provider';
import { KubernetesVolume } from '../test/helpers/kubernetes-volume';

/** Counts the files the provider opens (it reads through fs/promises' open only). */
function countOpens(): { count: () => number } {
  let opened = 0;
  const original = fsPromises.open;
  fsPromises.open = ((...args: Parameters<typeof original>) => {
    opened++;
    return original(...args);
  });
  return { count: () => opened };
}

async function main(): Promise<void> {
  const opens = countOpens();
  const root = mkdtempSync(join(tmpdir(), 'bench-files-'));
  const rows: string[] = [];
  try {
    for (const count of [10, 1_000]) {
      const dir = join(root, `k8s-${count}`);
      mkdirSync(dir);
      const volume = new KubernetesVolume(dir);
      const payload = Object.fromEntries(Array.from({ length: count }, (_, i) => [`K${i}`, `value-${i}-${'x'.repeat(40)}`]));
      volume.write(payload);
      // The default settle (200 ms) is part of what a changed sync takes; it is reported apart.
      const provider = new FilesProvider({ dir, space: 'bench' });
      const signal = AbortSignal.timeout(60_000);
      const measure = async (etag: string | undefined): Promise<{ opened: number; ms: number; etag: string | undefined }> => {
        const before = opens.count();
        const started = performance.now();
        const result = await provider.fetch({ etag, signal });
        return { opened: opens.count() - before, ms: performance.now() - started, etag: result.status === 'changed' ? (result.etag ?? undefined) : etag };
      };
      const first = await measure(undefined);
      const unchanged = await measure(first.etag);
      volume.write({ ...payload, K0: 'moved' });
      const changed = await measure(first.etag);
      rows.push(`| ${count} | ${first.opened} (${first.ms.toFixed(0)} ms) | ${unchanged.opened} (${unchanged.ms.toFixed(1)} ms) | ${changed.opened} (${changed.ms.toFixed(0)} ms) |`);
      provider.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write('files opened per sync of a Kubernetes Secret volume (a changed sync includes the 200 ms the directory must hold still)\n');
  process.stdout.write('| files | first sync | no change | one key changed |\n|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
