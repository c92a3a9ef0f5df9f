// Master-key rotation: every value and the key check sealed again under a new key in one transaction, the new key kept first where a start finds it.
import { randomBytes } from 'node:crypto';
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import { Cipher, KEY_BYTES } from './cipher';
import type { ManagerDatabase } from './database';
import { sealKeyCheck } from './key-check';
import type { KeyKeeper } from './key-setup';
import { valueContext } from './secret-store';

/** What a rotation did. */
export interface RotationResult {
  /** Values sealed again. */
  values: number;
  /** Where the new key is kept: a key file, a new key file (SECRET_MANAGER_MASTER_KEY), or the transit key. */
  where: string;
  keeper: KeyKeeper['kind'];
  at: string;
}

/**
 * Rotates the master key of `db` from `current` (README, "Rotate the master key"):
 *
 * 1. a new random key is kept where a start finds it before anything is sealed
 *    with it: written and synced as `master.key.next`, written to a new key
 *    file, or wrapped by OpenBao;
 * 2. one transaction seals every value and the key check again under it (and,
 *    with transit, stores the new wrapped key) with its audit entry;
 * 3. `onCommit` runs at once (the server seals with the new key from then on),
 *    then `master.key.next` is renamed over `master.key`.
 *
 * Killed before 2 commits, the data is under the old key; after, under the
 * new one; a start uses whichever opens the key check and finishes step 3.
 */
export async function rotateMasterKey(
  db: ManagerDatabase,
  current: Cipher,
  keeper: KeyKeeper,
  actor: Actor,
  onCommit: (next: Cipher) => void = () => undefined,
): Promise<RotationResult> {
  const key = randomBytes(KEY_BYTES);
  const next = new Cipher(key);
  const prepared = await keeper.prepare(key);
  key.fill(0);
  const at = new Date();
  // A failed transaction leaves the new key where it was kept: a failed COMMIT may still have reached the disk, and a start
  // keeps whichever key opens the key check (README, "Rotate the master key").
  const values = db.transaction(() => {
    // Names first, then one row at a time: the table is not changed under a statement that reads it.
    const names = db.sql.prepare('SELECT scope, name FROM secrets').all() as unknown as { scope: string; name: string }[];
    const read = db.sql.prepare('SELECT sealed FROM secrets WHERE scope = ? AND name = ?');
    const write = db.sql.prepare('UPDATE secrets SET sealed = ? WHERE scope = ? AND name = ?');
    for (const { scope, name } of names) {
      const { sealed } = read.get(scope, name) as { sealed: Uint8Array };
      const context = valueContext(scope, name);
      write.run(next.seal(current.open(sealed, context), context), scope, name);
    }
    db.setMeta('key_check', sealKeyCheck(next));
    prepared.inTransaction(db);
    appendAudit(db, actor, { action: 'master_key.rotate', target: keeper.kind }, at);
    return names.length;
  });
  onCommit(next);
  prepared.afterCommit();
  // The old ciphertexts' pages leave the WAL; secure_delete has zeroed them in the database. Best effort: a reader may hold the WAL.
  try {
    db.sql.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } catch {
    // The next automatic checkpoint moves them.
  }
  return { values, where: prepared.where, keeper: keeper.kind, at: at.toISOString() };
}
