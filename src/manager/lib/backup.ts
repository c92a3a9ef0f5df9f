// Backups: a consistent copy of the database taken while the server serves, values still sealed, checked and named only once whole.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import type { ManagerDatabase } from './database';
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

/**
 * The meta row of the database backed up: when its last backup was taken (ISO
 * 8601), written with the `backup.create` audit entry; the metrics' backup
 * age reads it (README, "Operate the Secret Manager").
 */
export const BACKUP_LAST_AT = 'backup_last_at';

/** Records a backup of `db` taken at `takenAt`: its audit entry and the time of the last backup, in one transaction. */
export function recordBackup(db: ManagerDatabase, actor: Actor, name: string, takenAt: string): void {
  db.transaction(() => {
    appendAudit(db, actor, { action: 'backup.create', target: name }, new Date());
    db.setMeta(BACKUP_LAST_AT, takenAt);
  });
}

function invalid(message: string): ManagerError {
  return new ManagerError('backup_invalid', 422, message);
}

/**
 * Checks an open copy of a manager database: SQLite's own check, the schema,
 * the key check; returns what it holds. `backup_invalid` otherwise.
 */
export function describeCopy(sql: DatabaseSync, file: string): Omit<BackupSummary, 'bytes' | 'takenAt'> & { takenAt: string | null } {
  let check: unknown;
  try {
    check = (sql.prepare('PRAGMA quick_check').get() as { quick_check?: unknown } | undefined)?.quick_check;
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
 * The online copy of `databaseFile` into the existing (0600) file `into`:
 * SQLite's backup in one step on a read-only connection of its own, so the
 * copy is the state of one commit, taken on libuv's thread pool while the
 * event loop serves; then made one file (no WAL) and stamped with the time.
 * `inspect` runs on the copy before it is closed.
 */
async function copyInto<T>(databaseFile: string, into: string, inspect: (copy: DatabaseSync) => T): Promise<T & { takenAt: string }> {
  const { DatabaseSync, backup } = loadSqlite();
  const source = new DatabaseSync(databaseFile, { readOnly: true });
  try {
    await backup(source, into, { rate: -1 });
  } finally {
    source.close();
  }
  const takenAt = new Date().toISOString();
  const copy = new DatabaseSync(into);
  try {
    // Synced once, whole, by the caller that keeps it: no sync for each step of making it one file and stamping it.
    copy.exec('PRAGMA synchronous = OFF');
    copy.exec('PRAGMA journal_mode = DELETE');
    copy.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(BACKUP_TAKEN_AT, takenAt);
    return { ...inspect(copy), takenAt };
  } finally {
    copy.close();
  }
}

/** Runs `write` on a new 0600 file beside `dest`, then renames it to `dest`: a failed or killed backup leaves no partial file under that name. */
async function besideThenRename<T>(databaseFile: string, dest: string, write: (partial: string) => Promise<T>, durable: boolean): Promise<T & { bytes: number }> {
  if (!holdsData(databaseFile)) throw new ManagerError('no_database', 404, `There is no database at ${databaseFile}: check --data-dir`);
  const target = resolve(dest);
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  // Owner-only before SQLite writes a byte: it keeps the mode of a file that exists.
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const result = await write(partial);
    if (durable) {
      syncFile(partial);
      renameDurable(partial, target);
    } else {
      renameSync(partial, target);
    }
    return { ...result, bytes: statSync(target).size };
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw err;
  }
}

/**
 * Copies the database `databaseFile` to `dest` while the server may be
 * serving (see copyInto), checks the copy whole (SQLite's check, the schema,
 * the key check) and counts what it holds, syncs it and only then names it
 * `dest`. Values stay sealed; the master key is not in the database.
 */
export async function takeBackup(databaseFile: string, dest: string): Promise<BackupSummary> {
  return besideThenRename(databaseFile, dest, (partial) => copyInto(databaseFile, partial, (copy) => describeCopy(copy, partial)), true);
}

/**
 * The server's own copy, sent and then removed: no check, no count and no
 * sync, each of which would hold the event loop (every page read, or a disk
 * flush); the client checks what arrives (`secret-manager backup --remote`).
 */
export async function takeServerBackup(databaseFile: string, dest: string): Promise<{ bytes: number; takenAt: string }> {
  return besideThenRename(databaseFile, dest, (partial) => copyInto(databaseFile, partial, () => ({})), false);
}
