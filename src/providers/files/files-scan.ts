// Lists the secrets directory and stats every entry (symlinks followed): what tells a change without reading a file.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { SyncError } from '../../shared/sync-error';
import { FILES_DIR_LABEL } from './files-settings';

/** Most entries read from one directory: the engine's limit of keys in one answer (README, "Strict answers"). */
export const MAX_ENTRIES = 20_000;

/**
 * An entry whose status changed this recently may change again within the
 * same timestamp tick with the same size (the kernel stamps file times from a
 * coarse clock, one tick of at most 10 ms): its stats cannot prove it
 * unchanged, so its answer gets no ETag and the next poll reads again.
 */
export const RACY_MS = 100;

/** Stats taken at once. */
const STATS_AT_ONCE = 64;

/** What an entry is, symlinks followed. */
export type EntryKind = 'file' | 'folder' | 'missing' | 'other' | 'unreadable';

/** One visible entry of the directory. */
export interface DirEntry {
  readonly name: string;
  readonly kind: EntryKind;
  /** Bytes, for a file. */
  readonly size: number;
  /** The error code of a failed stat (`ELOOP`), for an `unreadable` entry. */
  readonly code?: string;
}

/** One listing: the visible entries, and a hash of their names, kinds, sizes, times and inodes. */
export interface DirScan {
  /** Sorted by name; hidden entries (`..data`, `.name`) left out. */
  readonly entries: readonly DirEntry[];
  readonly hash: string;
  /** Some entry changed within {@link RACY_MS}: equal stats later would not prove equal contents. */
  readonly racy: boolean;
  /** The directory's own device and inode: a directory replaced by another needs a new watch. */
  readonly dirId: string;
}

function dirFailure(dir: string, err: unknown): SyncError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new SyncError('files_dir_missing', `The secrets directory ${dir} does not exist: check ${FILES_DIR_LABEL}; global.SECRETS keeps the last good secrets`);
  if (code === 'ENOTDIR') return new SyncError('files_dir_invalid', `${dir} is not a directory: check ${FILES_DIR_LABEL}; global.SECRETS keeps the last good secrets`);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : 'read failed';
  return new SyncError('files_dir_unreadable', `Cannot list the secrets directory ${dir}: ${why}${typeof code === 'string' ? ` (${code})` : ''}; global.SECRETS keeps the last good secrets`);
}

function kindOf(stats: BigIntStats): EntryKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  return 'other';
}

/** Stats one entry; a failure is part of the answer (a dangling symlink is `missing`), never thrown. */
async function statEntry(dir: string, name: string, racySince: bigint): Promise<{ entry: DirEntry; line: string; racy: boolean }> {
  try {
    const s = await stat(join(dir, name), { bigint: true });
    const kind = kindOf(s);
    const line = `${name}\0${kind}\0${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    return { entry: { name, kind, size: Number(s.size) }, line, racy: s.ctimeNs >= racySince || s.mtimeNs >= racySince };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    // ENOENT: a symlink to nothing, or an entry removed since the listing.
    const kind: EntryKind = code === 'ENOENT' ? 'missing' : 'unreadable';
    return { entry: { name, kind, size: 0, ...(kind === 'unreadable' ? { code } : {}) }, line: `${name}\0${kind}\0${code}`, racy: false };
  }
}

/** Lists `dir` and stats its visible entries; throws a coded SyncError when the directory itself cannot be read. */
export async function scanDir(dir: string, now: number): Promise<DirScan> {
  let names: string[];
  let dirId: string;
  try {
    const own = await stat(dir, { bigint: true });
    if (!own.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    dirId = `${own.dev}:${own.ino}`;
    names = await readdir(dir);
  } catch (err) {
    throw dirFailure(dir, err);
  }
  // Kubernetes' own entries (`..data`, `..2026_…`, `..data_tmp`) and editors' dot files are no keys.
  const visible = names.filter((name) => !name.startsWith('.')).sort();
  if (visible.length > MAX_ENTRIES) {
    throw new SyncError('files_too_many', `${dir} holds ${visible.length} entries, more than the ${MAX_ENTRIES} keys accepted; global.SECRETS keeps the last good secrets`);
  }
  const racySince = BigInt(now - RACY_MS) * 1_000_000n;
  const stats: Awaited<ReturnType<typeof statEntry>>[] = [];
  for (let i = 0; i < visible.length; i += STATS_AT_ONCE) {
    stats.push(...(await Promise.all(visible.slice(i, i + STATS_AT_ONCE).map((name) => statEntry(dir, name, racySince)))));
  }
  const hash = createHash('sha256')
    .update(`${dirId}\n`)
    .update(stats.map((s) => s.line).join('\n'))
    .digest('base64url');
  return { entries: stats.map((s) => s.entry), hash, racy: stats.some((s) => s.racy), dirId };
}
