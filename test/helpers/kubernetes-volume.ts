// Reproduces on disk what the kubelet's atomic writer does for a Secret or ConfigMap volume, step by step, so tests can look between the steps.
import { mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The kubelet's timestamped data directory prefix: `..2026_11_30_08_00_00.` (then random characters). */
function timestampPrefix(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `..${at.getUTCFullYear()}_${pad(at.getUTCMonth() + 1)}_${pad(at.getUTCDate())}_${pad(at.getUTCHours())}_${pad(at.getUTCMinutes())}_${pad(at.getUTCSeconds())}.`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * One projected volume at `dir`, written the way the kubelet's AtomicWriter
 * does: payload files in a new `..<timestamp>` directory, `..data_tmp`
 * symlinked to it and renamed over `..data`, each key a symlink
 * `KEY -> ..data/KEY` created when new and removed when gone, and the old
 * timestamped directory removed last.
 */
export class KubernetesVolume {
  constructor(readonly dir: string) {}

  /** Writes `payload` at once. */
  write(payload: Readonly<Record<string, string>>, at = new Date()): void {
    for (const step of this.steps(payload, at)) void step;
  }

  /** Writes `payload` one step at a time: each `next()` runs one step and yields its name. */
  *steps(payload: Readonly<Record<string, string>>, at = new Date()): Generator<string, void, void> {
    const dataLink = join(this.dir, '..data');
    const oldTsDir = exists(dataLink) ? readlinkSync(dataLink) : undefined;
    const tsDir = mkdtempSync(join(this.dir, timestampPrefix(at)));
    const tsName = tsDir.slice(this.dir.length + 1);
    for (const [key, value] of Object.entries(payload)) writeFileSync(join(tsDir, key), value, { mode: 0o644 });
    yield 'wrote the new timestamped directory';
    const tmpLink = join(this.dir, '..data_tmp');
    symlinkSync(tsName, tmpLink);
    yield 'linked ..data_tmp to it';
    renameSync(tmpLink, dataLink);
    yield 'renamed ..data_tmp over ..data';
    for (const key of Object.keys(payload)) if (!exists(join(this.dir, key))) symlinkSync(join('..data', key), join(this.dir, key));
    yield 'created the symlinks of new keys';
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith('.') && !(name in payload)) unlinkSync(join(this.dir, name));
    }
    yield 'removed the symlinks of removed keys';
    if (oldTsDir !== undefined) rmSync(join(this.dir, oldTsDir), { recursive: true, force: true });
    yield 'removed the old timestamped directory';
  }
}
