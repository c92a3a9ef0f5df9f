// Backups: a consistent copy of the database taken while the server serves, values still sealed, checked and named only once whole.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { renameDurable, syncFile } from './durable-file';
import { ManagerError } from './errors';
import { KEK_META, parseStoredKek } from './key-setup';
import { holdsData } from './master-key';
import { loadSqlite } from './quiet-sqlite';

/** What a backup holds, in counts and names: never a value or a key. */
export interface BackupSummary {
  bytes: number;
  secrets: number;
  /** Tokens not revoked (stored as SHA-256 hashes only). */
  tokens: number;
  auditEntries: number;
  /** The database's schema version (`PRAGMA user_version`). */
  schema: number;
  /** The transit key that wraps the master key in the backup, or null: the master key itself is never in it. */
  transitKey: string | null;
  takenAt: string;
}

/** The meta row a backup carries: when it was taken. */
export const BACKUP_TAKEN_AT = 'backup_taken_at';

function invalid(message: string): ManagerError {
  return new ManagerError('backup_invalid', 422, message);
}

/**
 * Checks an open copy of a manager database: SQLite's own check (unless
 * `check` is false), the schema, the key check; returns what it holds.
 * `backup_invalid` otherwise.
 */
export function describeCopy(sql: DatabaseSync, file: string, options: { check?: boolean } = {}): Omit<BackupSummary, 'bytes' | 'takenAt'> & { takenAt: string | null } {
  let check: unknown = 'ok';
  try {
    if (options.check !== false) check = (sql.prepare('PRAGMA quick_check').get() as { quick_check?: unknown } | undefined)?.quick_check;
    else sql.prepare('PRAGMA schema_version').get();
  } catch {
    throw invalid(`${file} is not a Secret Manager backup (not an SQLite database, or damaged)`);
  }
  if (check !== 'ok') throw invalid(`${file} is damaged: SQLite's check of it failed`);
  const schema = (sql.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  const tables = new Set((sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
  if (schema === 0 || !['meta', 'secrets', 'tokens'].every((name) => tables.has(name))) throw invalid(`${file} is not a Secret Manager backup`);
  const meta = (key: string): string | undefined => (sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  if (meta('key_check') === undefined) throw invalid(`${file} has no key check: it is not a Secret Manager backup`);
  const count = (query: string): number => (sql.prepare(query).get() as { n: number }).n;
  return {
    secrets: count('SELECT count(*) AS n FROM secrets'),
    tokens: count('SELECT count(*) AS n FROM tokens WHERE revoked_at IS NULL'),
    auditEntries: tables.has('audit') ? count('SELECT count(*) AS n FROM audit') : 0,
    schema,
    transitKey: parseStoredKek(meta(KEK_META))?.key ?? null,
    takenAt: meta(BACKUP_TAKEN_AT) ?? null,
  };
}

/**
 * Copies the database `databaseFile` to `dest` while the server may be
 * serving: SQLite's online backup in one step on a read-only connection of
 * its own, so the copy is the state of one commit, taken on libuv's thread
 * pool while the event loop serves. The copy (mode 0600) is made one file (no
 * WAL), stamped with the time, checked, synced, and only then renamed to
 * `dest`: a failed or killed backup never leaves a partial file under that
 * name. Values stay sealed; the master key is not in the database.
 * For the server's own backups, which are sent and removed, `check` false
 * skips SQLite's full check of the copy (it reads every page on the event
 * loop; the client checks what arrives) and `durable` false skips the syncs
 * (each would stall the event loop).
 */
export async function takeBackup(databaseFile: string, dest: string, options: { check?: boolean; durable?: boolean } = {}): Promise<BackupSummary> {
  if (!holdsData(databaseFile)) throw new ManagerError('no_database', 404, `There is no database at ${databaseFile}: check --data-dir`);
  const target = resolve(dest);
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  // Owner-only before SQLite writes a byte: it keeps the mode of a file that exists.
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const { DatabaseSync, backup } = loadSqlite();
    const source = new DatabaseSync(databaseFile, { readOnly: true });
    try {
      await backup(source, partial, { rate: -1 });
    } finally {
      source.close();
    }
    const takenAt = new Date().toISOString();
    const copy = new DatabaseSync(partial);
    let summary: ReturnType<typeof describeCopy>;
    try {
      // Synced once, whole, below: no sync for each step of making it one file and stamping it.
      copy.exec('PRAGMA synchronous = OFF');
      copy.exec('PRAGMA journal_mode = DELETE');
      copy.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(BACKUP_TAKEN_AT, takenAt);
      summary = describeCopy(copy, partial, options);
    } finally {
      copy.close();
    }
    if (options.durable === false) {
      renameSync(partial, target);
    } else {
      syncFile(partial);
      renameDurable(partial, target);
    }
    return { ...summary, takenAt, bytes: statSync(target).size };
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw err;
  }
}
