// The key check: a known text sealed with the master key in the meta table, so a wrong key is refused before it serves garbage.
import type { Cipher } from './cipher';
import type { ManagerDatabase } from './database';
import { ManagerError } from './errors';

const KEY_CHECK_PLAINTEXT = 'secret-manager key check';
const KEY_CHECK_CONTEXT = 'key_check';

/** The key check sealed with `cipher`, as the meta row stores it (base64). */
export function sealKeyCheck(cipher: Cipher): string {
  return cipher.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT).toString('base64');
}

/** Whether `cipher` opens the stored key check `stored` (base64). */
export function opensKeyCheck(stored: string, cipher: Cipher): boolean {
  try {
    return cipher.open(Buffer.from(stored, 'base64'), KEY_CHECK_CONTEXT) === KEY_CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}

/**
 * Checks `cipher` against the database's key check, writing one on a new
 * database; `master_key_mismatch` when the key is not the database's.
 */
export function checkMasterKey(db: ManagerDatabase, cipher: Cipher): void {
  const stored = db.getMeta('key_check');
  if (stored === undefined) {
    db.transaction(() => db.setMeta('key_check', sealKeyCheck(cipher)));
    return;
  }
  if (!opensKeyCheck(stored, cipher)) {
    throw new ManagerError('master_key_mismatch', 500, 'The master key is not the one this database was created with');
  }
}
