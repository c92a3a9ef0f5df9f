// The running server's backups and master-key rotations: one at a time each, audited, with the key the server holds in memory.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import { takeBackup } from './backup';
import type { BackupSummary } from './backup';
import type { Cipher } from './cipher';
import { DATABASE_FILE } from './database';
import type { ManagerDatabase } from './database';
import { ManagerError } from './errors';
import type { KeyKeeper } from './key-setup';
import { rotateMasterKey } from './key-rotation';
import type { RotationResult } from './key-rotation';
import type { Logger } from './logger';
import type { SecretStore } from './secret-store';

/** A backup taken by the server, waiting in its data directory to be sent. */
export interface ServerBackup {
  file: string;
  /** The name to offer the client, e.g. `secret-manager-20250101T020000Z.db`. */
  name: string;
  summary: BackupSummary;
  /** Removes the file and lets the next backup start; call once the answer is over. */
  release(): void;
}

const TEMP_BACKUP = /^\.backup-[0-9a-f]{16}\.db(\..*)?$/;

/** Backups and rotations of the running server (README, "HTTP API": `POST /v1/backup`, `POST /v1/master-key/rotate`). */
export class ManagerOperations {
  #backingUp = false;
  #rotating = false;

  constructor(
    private readonly deps: {
      db: ManagerDatabase;
      dataDir: string;
      secrets: SecretStore;
      /** The key the server seals with, and where it lives: a rotation replaces the cipher. */
      key: { cipher: Cipher; keeper: KeyKeeper };
      logger: Logger;
    },
  ) {
    // Backups a killed server was sending: nobody will read them.
    for (const name of readdirSync(deps.dataDir)) if (TEMP_BACKUP.test(name)) rmSync(join(deps.dataDir, name), { force: true });
  }

  /** Takes a backup into the data directory, audited as `actor`'s (`backup.create`); 429 `backup_in_progress` while another is taken or sent. */
  async backup(actor: Actor): Promise<ServerBackup> {
    if (this.#backingUp) throw new ManagerError('backup_in_progress', 429, 'A backup is being taken or sent: try again when it is done');
    this.#backingUp = true;
    const file = join(this.deps.dataDir, `.backup-${randomBytes(8).toString('hex')}.db`);
    const release = (): void => {
      rmSync(file, { force: true });
      this.#backingUp = false;
    };
    try {
      // Neither a full check nor syncs on the event loop for a copy that is sent and removed: `backup --remote` checks what arrives.
      const summary = await takeBackup(join(this.deps.dataDir, DATABASE_FILE), file, { check: false, durable: false });
      const name = `secret-manager-${summary.takenAt.replace(/[-:]|\.\d+/g, '')}.db`;
      // Recorded before a byte leaves: who took the data (sealed) away, and when.
      this.deps.db.transaction(() => appendAudit(this.deps.db, actor, { action: 'backup.create', target: name }, new Date()));
      this.deps.logger.info(`took a backup (${summary.secrets} secrets, ${summary.bytes} bytes) for ${actor.name}`);
      return { file, name, summary, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Rotates the master key while serving; 409 `rotation_in_progress` during another, `key_not_rotatable` for SECRET_MANAGER_MASTER_KEY. */
  async rotate(actor: Actor): Promise<RotationResult> {
    if (this.#rotating) throw new ManagerError('rotation_in_progress', 409, 'A master-key rotation is under way');
    this.#rotating = true;
    try {
      const { db, key, secrets, logger } = this.deps;
      const result = await rotateMasterKey(db, key.cipher, key.keeper, actor, (next) => {
        // Synchronously at the commit: no write can seal with the old key after it.
        key.cipher = next;
        secrets.useCipher(next);
      });
      logger.info(`rotated the master key: ${result.values} values sealed again, the new key kept in ${result.where}`);
      return result;
    } finally {
      this.#rotating = false;
    }
  }
}
