// Finds the master key: from the environment, from a named key file, or from a key file generated on first start.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES } from './cipher';
import { DATABASE_FILE } from './database';
import { ManagerError } from './errors';
import type { Logger } from './logger';

/** Where the key came from, for the startup log line (never the key itself). */
export type MasterKeySource = 'env' | 'file' | 'generated';

/** Options for {@link loadMasterKey}. */
export interface MasterKeyOptions {
  /** Value of SECRET_MANAGER_MASTER_KEY: 32 bytes as base64 or 64 hex digits. */
  envValue?: string | undefined;
  /** An explicit key file (SECRET_MANAGER_MASTER_KEY_FILE or --master-key-file); must exist. */
  keyFile?: string | undefined;
  /** Data directory holding the database and, when neither of the above is given, `master.key`. */
  dataDir: string;
  logger: Logger;
  /** Whether a missing `<dataDir>/master.key` may be generated (default true); a restore needs the key it was taken with. */
  generate?: boolean;
}

/** Decodes a key written as base64 or hex; throws `invalid_master_key` naming where it came from. */
export function decodeMasterKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ManagerError(
      'invalid_master_key',
      500,
      `${origin} must hold a ${KEY_BYTES}-byte key as base64 or 64 hex digits`,
    );
  }
  return key;
}

/** Whether the database file (or its WAL, before a checkpoint) holds anything. */
export function holdsData(databaseFile: string): boolean {
  return [databaseFile, `${databaseFile}-wal`].some((file) => {
    try {
      return statSync(file).size > 0;
    } catch {
      return false;
    }
  });
}

/**
 * Returns the master key and its source, generating `<dataDir>/master.key`
 * (mode 0600) on first start, that is while the database holds nothing;
 * `master_key_missing` when the key file is gone but the database is not.
 */
export function loadMasterKey(options: MasterKeyOptions): { key: Buffer; source: MasterKeySource; file?: string } {
  if (options.envValue !== undefined && options.envValue !== '') {
    return { key: decodeMasterKey(options.envValue, 'SECRET_MANAGER_MASTER_KEY'), source: 'env' };
  }
  const explicit = options.keyFile !== undefined && options.keyFile !== '';
  const file = explicit ? (options.keyFile as string) : join(options.dataDir, 'master.key');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || explicit) {
      throw new ManagerError('master_key_unreadable', 500, `Cannot read the master key file ${file}`);
    }
    // A new key cannot open data sealed with the lost one: say so, and write nothing that could be mistaken for the key.
    const databaseFile = join(options.dataDir, DATABASE_FILE);
    if (options.generate === false) {
      throw new ManagerError(
        'master_key_missing',
        500,
        `The master key file ${file} is missing: put the key the backup was taken with there (mode 0600), or give it with SECRET_MANAGER_MASTER_KEY or --master-key-file`,
      );
    }
    if (holdsData(databaseFile)) {
      throw new ManagerError(
        'master_key_missing',
        500,
        `The master key file ${file} is missing, but ${databaseFile} holds data sealed with a key: restore ${file} from your backup ` +
          '(or give the key with SECRET_MANAGER_MASTER_KEY or --master-key-file). No new key was generated',
      );
    }
    const key = randomBytes(KEY_BYTES);
    // 'wx' fails if another process created the file in the meantime, rather than overwriting its key.
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    options.logger.warn(`generated a new master key in ${file}: back it up, without it the data cannot be decrypted`);
    return { key, source: 'generated', file };
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    options.logger.warn(`master key file ${file} is readable by other users: run chmod 600 on it`);
  }
  return { key: decodeMasterKey(text, `The master key file ${file}`), source: 'file', file };
}
