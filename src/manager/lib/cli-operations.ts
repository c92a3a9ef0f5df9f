// The CLI's operator commands: `backup`, `restore` and `rotate-master-key`, on the data directory or through a running server.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { MANAGER_ACTOR } from './audit-store';
import { describeCopy, recordBackup, takeBackup } from './backup';
import type { BackupSummary } from './backup';
import { callApi, downloadApi } from './cli-client';
import type { ClientOptions } from './cli-client';
import { DATABASE_FILE, openDatabase } from './database';
import { renameDurable, syncFile } from './durable-file';
import { ManagerError } from './errors';
import { kekSettingsFromEnv } from './kek/transit';
import { openKeyedDatabase } from './key-setup';
import { rotateMasterKey } from './key-rotation';
import type { RotationResult } from './key-rotation';
import { createLogger } from './logger';
import { holdsData } from './master-key';
import { loadSqlite } from './quiet-sqlite';
import { restoreBackup } from './restore';

interface Globals {
  url: string;
  dataDir: string;
  tokenFile?: string;
  json?: boolean;
}

function globalsOf(cmd: Command): Globals {
  return cmd.optsWithGlobals<Globals>();
}

function clientOf(globals: Globals): ClientOptions {
  return { url: globals.url, token: process.env.SECRET_MANAGER_TOKEN, tokenFile: globals.tokenFile ?? join(globals.dataDir, 'admin.token') };
}

function say(globals: Globals, data: unknown, text: string): void {
  process.stdout.write(globals.json ? `${JSON.stringify(data, null, 2)}\n` : text);
}

/** The niceness of `secret-manager backup` on the data directory. */
const BACKUP_NICENESS = 10;

const masterKeyFileOption = (): Option => new Option('--master-key-file <file>', 'file holding the 32-byte master key').env('SECRET_MANAGER_MASTER_KEY_FILE');

function whatItHolds(summary: Pick<BackupSummary, 'secrets' | 'tokens' | 'auditEntries' | 'transitKey'>): string {
  const key =
    summary.transitKey === null
      ? 'the master key is NOT in it: keep master.key (or SECRET_MANAGER_MASTER_KEY) safe, apart from the backups; a restore needs it'
      : `the master key is in it only wrapped by transit key '${summary.transitKey}': a restore needs that OpenBao / Vault key`;
  return `${summary.secrets} secrets (values sealed), ${summary.tokens} tokens (hashes only), ${summary.auditEntries} audit entries; ${key}\n`;
}

/** Tries a server busy with another backup (429) again this many times, after the wait it asks for (at most a minute). */
const BUSY_RETRIES = 5;

async function downloadRetrying(globals: Globals, partial: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadApi(clientOf(globals), '/v1/backup', partial);
    } catch (err) {
      const retryAfter = (err instanceof ManagerError && err.code === 'backup_in_progress' ? (err.details as { retryAfter?: unknown } | undefined)?.retryAfter : undefined) ?? NaN;
      if (attempt >= BUSY_RETRIES || typeof retryAfter !== 'number' || !(retryAfter >= 0)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 60) * 1000));
    }
  }
}

// Through the server: the backup arrives as a file, checked before it is named.
async function backupRemote(globals: Globals, dest: string): Promise<BackupSummary> {
  const partial = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString('hex')}.partial`);
  try {
    const bytes = await downloadRetrying(globals, partial);
    const sql = new (loadSqlite().DatabaseSync)(partial, { readOnly: true });
    let summary;
    try {
      summary = describeCopy(sql, dest);
    } finally {
      sql.close();
    }
    syncFile(partial);
    renameDurable(partial, dest);
    return { ...summary, bytes, takenAt: summary.takenAt ?? new Date().toISOString() };
  } finally {
    rmSync(partial, { force: true });
  }
}

// On the data directory, beside a running server or not; recorded in its audit trail.
async function backupLocal(globals: Globals, dest: string): Promise<BackupSummary> {
  const file = join(resolve(globals.dataDir), DATABASE_FILE);
  // A batch job beside the server: it gives way to the server for the CPU, as `nice` would.
  try {
    setPriority(BACKUP_NICENESS);
  } catch {
    // Not allowed here (some containers): it runs at the normal priority.
  }
  const summary = await takeBackup(file, dest);
  const db = openDatabase(file);
  try {
    recordBackup(db, MANAGER_ACTOR, basename(dest), summary.takenAt);
  } finally {
    db.close();
  }
  return summary;
}

/** `secret-manager backup <file>`. */
export function backupCommand(): Command {
  return new Command('backup')
    .argument('<file>', 'where to write the backup (replaced if it exists)')
    .description('write a consistent copy of the database while the server serves (values stay sealed; the master key is not in it)')
    .option('--remote', 'take it through a running server (POST /v1/backup at --url, with an admin token) instead of reading --data-dir')
    .action(async (file: string, opts: { remote?: boolean }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const dest = resolve(file);
      const summary = opts.remote ? await backupRemote(globals, dest) : await backupLocal(globals, dest);
      say(globals, { file: dest, ...summary }, `wrote ${dest} (${summary.bytes} bytes, taken at ${summary.takenAt}): ${whatItHolds(summary)}`);
    });
}

/** `secret-manager restore <file>`. */
export function restoreCommand(): Command {
  return new Command('restore')
    .argument('<file>', 'a backup written by `secret-manager backup` or POST /v1/backup')
    .description('fill an empty data directory from a backup, after checking that the configured master key opens all of it')
    .addOption(masterKeyFileOption())
    .action(async (file: string, opts: { masterKeyFile?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const summary = await restoreBackup({
        file: resolve(file),
        dataDir: resolve(globals.dataDir),
        masterKey: process.env.SECRET_MANAGER_MASTER_KEY,
        masterKeyFile: opts.masterKeyFile,
        kek: kekSettingsFromEnv(),
        logger: createLogger({ level: 'error' }),
      });
      const taken = summary.takenAt === null ? '' : ` (taken at ${summary.takenAt})`;
      say(globals, summary, `restored ${resolve(file)}${taken} into ${summary.database}: ${summary.secrets} secrets, ${summary.tokens} tokens, ${summary.auditEntries} audit entries. Start the server with the same key settings\n`);
    });
}

function rotationText(result: RotationResult): string {
  const where =
    result.keeper === 'env'
      ? `the new key is in ${result.where}: give it as SECRET_MANAGER_MASTER_KEY from the next start on`
      : result.keeper === 'transit'
        ? `the new key is kept wrapped by ${result.where}`
        : `the new key is in ${result.where}`;
  // A transit backup carries its own wrapped key, which OpenBao opens while it keeps that key version.
  const backups = result.keeper === 'transit' ? 'Backups taken before now still open through OpenBao' : 'Backups taken before now need the old key';
  return `rotated the master key: ${result.values} values sealed again; ${where}. ${backups}\n`;
}

async function rotateOffline(globals: Globals, newKeyFile: string | undefined, masterKeyFile: string | undefined): Promise<RotationResult> {
  const dataDir = resolve(globals.dataDir);
  if (!holdsData(join(dataDir, DATABASE_FILE))) throw new ManagerError('no_database', 404, `There is no database in ${dataDir}: check --data-dir`);
  const kek = kekSettingsFromEnv();
  const keyed = await openKeyedDatabase({
    dataDir,
    masterKey: process.env.SECRET_MANAGER_MASTER_KEY,
    masterKeyFile,
    kek,
    logger: createLogger({ level: 'warn' }),
    recover: true,
    exclusive: true,
    newKeyFile: newKeyFile === undefined ? undefined : resolve(newKeyFile),
    moveIntoTransit: kek !== undefined,
  });
  try {
    if (newKeyFile !== undefined && keyed.keeper.kind !== 'env') throw new ManagerError('invalid_option', 400, '--new-key-file is for a master key given as SECRET_MANAGER_MASTER_KEY');
    return await rotateMasterKey(keyed.db, keyed.cipher, keyed.keeper, MANAGER_ACTOR);
  } finally {
    keyed.db.close();
  }
}

/** `secret-manager rotate-master-key`. */
export function rotateCommand(): Command {
  return new Command('rotate-master-key')
    .description('seal every value again under a new master key, in one transaction (README, "Rotate the master key")')
    .option('--offline', 'work on --data-dir of a stopped server instead of asking the running one (--url, admin token)')
    .option('--new-key-file <file>', 'with --offline and SECRET_MANAGER_MASTER_KEY: where to write the new key (a new file)')
    .addOption(masterKeyFileOption())
    .action(async (opts: { offline?: boolean; newKeyFile?: string; masterKeyFile?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      if (opts.newKeyFile !== undefined && !opts.offline) throw new ManagerError('invalid_option', 400, '--new-key-file goes with --offline');
      const result = opts.offline ? await rotateOffline(globals, opts.newKeyFile, opts.masterKeyFile) : ((await callApi(clientOf(globals), 'POST', '/v1/master-key/rotate')) as RotationResult);
      say(globals, result, rotationText(result));
    });
}
