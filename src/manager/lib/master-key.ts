// Finds the master key: from the environment, from a named key file, or from a key file generated on first start.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES } from './cipher';
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
  /** Data directory holding the generated `master.key` when neither of the above is given. */
  dataDir: string;
  logger: Logger;
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

/** Returns the master key and its source, generating `<dataDir>/master.key` (mode 0600) on first start. */
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
