// The files provider's settings (`secretSync.files`): their one type, and reading them from settings.js and SECRET_SYNC_FILES_* (environment wins).
import { isAbsolute } from 'node:path';
import { envValue } from '../../shared/env';
import { isRecord } from '../../shared/guards';
import { SyncError } from '../../shared/sync-error';

/** Files provider settings (`secretSync.files`, README "Read secrets from files"). */
export interface FilesSettings {
  /** The directory holding one file per key (`files.dir`). */
  dir: string;
}

const FILES_FIELDS = {
  dir: 'SECRET_SYNC_FILES_DIR',
} as const;

/** `secretSync.files.dir (SECRET_SYNC_FILES_DIR)`: how messages name the field. */
export const FILES_DIR_LABEL = `secretSync.files.dir (${FILES_FIELDS.dir})`;

/**
 * Resolves the files settings; throws SyncError `config_missing` without a
 * directory and `config_invalid` for one that is not an absolute path (a
 * relative one would depend on where Node-RED was started).
 */
export function resolveFilesSettings(raw: unknown, env: Readonly<Record<string, string | undefined>>): FilesSettings {
  if (raw !== undefined && !isRecord(raw)) throw new SyncError('config_invalid', 'secretSync.files must be an object', { field: 'files' });
  const dir = envValue(env, FILES_FIELDS.dir) ?? raw?.dir;
  if (dir === undefined || dir === '') {
    throw new SyncError('config_missing', `The secrets directory is missing: set ${FILES_DIR_LABEL}`, { field: 'files.dir' });
  }
  if (typeof dir !== 'string' || !isAbsolute(dir)) {
    throw new SyncError('config_invalid', `${FILES_DIR_LABEL} must be an absolute directory path`, { field: 'files.dir' });
  }
  return { dir };
}
