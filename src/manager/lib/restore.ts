// `secret-manager restore`: a backup into an empty data directory, checked whole against the configured key before it is put in place.
import { randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appendAudit, MANAGER_ACTOR } from './audit-store';
import { BACKUP_LAST_AT, BACKUP_TAKEN_AT, describeCopy } from './backup';
import type { BackupSummary } from './backup';
import { Cipher } from './cipher';
import { DATABASE_FILE, MIGRATIONS, openDatabase } from './database';
import { syncDirectory, syncFile } from './durable-file';
import { ManagerError } from './errors';
import { TransitKek } from './kek/transit';
import { opensKeyCheck } from './key-check';
import { KEK_META, parseStoredKek } from './key-setup';
import type { KeyOptions, StoredKek } from './key-setup';
import { loadMasterKey } from './master-key';
import { loadSqlite } from './quiet-sqlite';
import { valueContext } from './secret-store';

/** What {@link restoreBackup} needs: the backup file, and the key settings a start of the data directory will use. */
export type RestoreOptions = Pick<KeyOptions, 'dataDir' | 'masterKey' | 'masterKeyFile' | 'kek' | 'logger'> & { file: string };

/** What was restored. */
export type RestoreSummary = Omit<BackupSummary, 'bytes' | 'takenAt'> & { takenAt: string | null; database: string };

function keyMismatch(file: string, why: string): ManagerError {
  return new ManagerError(
    'backup_key_mismatch',
    422,
    `The configured master key cannot decrypt ${file} (${why}): give the key the backup was taken with (a backup from before a rotation needs the key of that time). Nothing was restored`,
  );
}

/** The key a start of the data directory would use, for a backup; never generated. */
async function configuredKey(options: RestoreOptions, stored: StoredKek | undefined): Promise<Cipher> {
  if (options.kek === undefined) {
    if (stored !== undefined) {
      throw new ManagerError('kek_transit_required', 422, `${options.file} keeps its master key wrapped by OpenBao / Vault (transit key '${stored.key}'): set SECRET_MANAGER_KEK=transit and its settings`);
    }
    return new Cipher(loadMasterKey({ envValue: options.masterKey, keyFile: options.masterKeyFile, dataDir: options.dataDir, logger: options.logger, generate: false }).key);
  }
  if (stored === undefined) throw keyMismatch(options.file, 'its master key is not wrapped by OpenBao Transit, and SECRET_MANAGER_KEK=transit is set');
  if (stored.key !== options.kek.key || stored.mount !== options.kek.mount) {
    throw keyMismatch(options.file, `its master key is wrapped by transit key '${stored.key}' at mount '${stored.mount}', not '${options.kek.key}' at '${options.kek.mount}'`);
  }
  try {
    return new Cipher(await new TransitKek(options.kek).unwrap(stored.ciphertext));
  } catch (err) {
    if (err instanceof ManagerError && err.code === 'kek_unwrap_failed') throw keyMismatch(options.file, 'the transit key cannot unwrap its master key');
    throw err;
  }
}

/**
 * Restores `options.file` into `options.dataDir`, which must hold no database
 * (`restore_target_not_empty`). The backup is copied beside the database's
 * place, checked (SQLite's check, the schema, the key check and every value
 * opened with the configured key: `backup_invalid`, `backup_too_new`,
 * `backup_key_mismatch`), migrated, given a new database id (so no client's
 * ETag or version from before matches it) and the audit entry
 * `backup.restore`, then put in place without overwriting anything.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const target = join(options.dataDir, DATABASE_FILE);
  const present = [target, `${target}-wal`, `${target}-shm`, `${target}-journal`].filter((file) => existsSync(file));
  if (present.length > 0) {
    throw new ManagerError('restore_target_not_empty', 409, `${options.dataDir} already holds a database (${present.map((f) => basename(f)).join(', ')}): restore into an empty data directory`);
  }
  if (!existsSync(options.file)) throw new ManagerError('backup_not_found', 404, `There is no file ${options.file}`);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const staging = join(options.dataDir, `.restore-${randomBytes(4).toString('hex')}.db`);
  try {
    copyFileSync(options.file, staging, constants.COPYFILE_EXCL);
    chmodSync(staging, 0o600);
    const summary = await checkCopy(staging, options);
    const db = openDatabase(staging);
    try {
      db.transaction(() => {
        db.setMeta('instance_id', randomBytes(6).toString('hex'));
        db.sql.prepare('DELETE FROM meta WHERE key = ?').run(BACKUP_TAKEN_AT);
        // The restored database's last backup is the one it came from.
        if (summary.takenAt !== null) db.setMeta(BACKUP_LAST_AT, summary.takenAt);
        appendAudit(db, MANAGER_ACTOR, { action: 'backup.restore', target: basename(options.file) }, new Date());
      });
      // One file again: nothing of the restore waits in a WAL beside the staging name.
      db.sql.exec('PRAGMA journal_mode = DELETE');
    } finally {
      db.close();
    }
    syncFile(staging);
    try {
      // A link, unlike a rename, never replaces a database that appeared meanwhile.
      linkSync(staging, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ManagerError('restore_target_not_empty', 409, `${target} appeared during the restore: nothing was replaced`);
      throw err;
    }
    rmSync(staging);
    syncDirectory(options.dataDir);
    return { ...summary, database: target };
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${staging}${suffix}`, { force: true });
  }
}

async function checkCopy(staging: string, options: RestoreOptions): Promise<Omit<RestoreSummary, 'database'>> {
  const { DatabaseSync } = loadSqlite();
  let sql;
  try {
    sql = new DatabaseSync(staging, { readOnly: true });
  } catch {
    throw new ManagerError('backup_invalid', 422, `${options.file} is not a Secret Manager backup`);
  }
  try {
    const summary = describeCopy(sql, options.file);
    if (summary.schema > MIGRATIONS.length) {
      throw new ManagerError('backup_too_new', 422, `${options.file} comes from a newer Secret Manager (schema ${summary.schema}, this one knows ${MIGRATIONS.length}): restore it with that version`);
    }
    const meta = (key: string): string | undefined => (sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    const cipher = await configuredKey(options, parseStoredKek(meta(KEK_META)));
    if (!opensKeyCheck(meta('key_check') as string, cipher)) throw keyMismatch(options.file, 'its key check does not open');
    // Every value, not only the key check: a backup restored is one the manager can serve whole.
    let failed = 0;
    for (const row of sql.prepare('SELECT scope, name, sealed FROM secrets').iterate() as Iterable<{ scope: string; name: string; sealed: Uint8Array }>) {
      try {
        cipher.open(row.sealed, valueContext(row.scope, row.name));
      } catch {
        failed++;
      }
    }
    if (failed > 0) throw new ManagerError('backup_invalid', 422, `${options.file} is damaged: ${failed} of ${summary.secrets} values do not open with the key that opens its key check. Nothing was restored`);
    return summary;
  } finally {
    sql.close();
  }
}
