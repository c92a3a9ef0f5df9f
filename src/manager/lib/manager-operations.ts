// The running server's backups and master-key rotations: one at a time each, audited, with the key the server holds in memory.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from './audit-store';
import { recordBackup, takeServerBackup } from './backup';
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
  bytes: number;
  /** Removes the file and lets the next backup start; call once the answer is over. */
  release(): Promise<void>;
}

/** After a backup that took d, the next starts this many d later (at least a second): backups take at most a fifth of the time. */
export const BACKUP_PAUSE_FACTOR = 4;
/** Seconds a client is asked to wait while a backup is being taken or sent. */
const BACKUP_RETRY_SECONDS = 10;

/** What a killed server or restore leaves in the data directory: a backup being sent (and its partial copy), a restore's staging copy. */
const LEFT_BEHIND = /^(\.\.?backup-[0-9a-f]{16}|\.restore-[0-9a-f]{8})\.db([.-].*)?$/;

/** Backups and rotations of the running server (README, "HTTP API": `POST /v1/backup`, `POST /v1/master-key/rotate`). */
export class ManagerOperations {
  #backingUp = false;
  /** When the next backup may start: a pause after each, so backups asked back to back cannot take the fleet's CPU. */
  #nextBackupAt = 0;
  #rotating = false;
  readonly #now: () => number;

  constructor(
    private readonly deps: {
      db: ManagerDatabase;
      dataDir: string;
      secrets: SecretStore;
      /** The key the server seals with, and where it lives: a rotation replaces the cipher. */
      key: { cipher: Cipher; keeper: KeyKeeper };
      logger: Logger;
      now?: () => number;
    },
  ) {
    this.#now = deps.now ?? Date.now;
    // Copies a killed server or restore left: nobody will read them.
    for (const name of readdirSync(deps.dataDir)) if (LEFT_BEHIND.test(name)) rmSync(join(deps.dataDir, name), { force: true });
  }

  /**
   * Takes a backup into the data directory, audited as `actor`'s
   * (`backup.create`). One at a time, and after one that took d, the next
   * starts {@link BACKUP_PAUSE_FACTOR}·d later (at least a second): else 429
   * `backup_in_progress`, with the seconds to wait in `details.retryAfter`.
   */
  async backup(actor: Actor): Promise<ServerBackup> {
    const wait = this.#backingUp ? BACKUP_RETRY_SECONDS * 1000 : this.#nextBackupAt - this.#now();
    if (wait > 0) {
      throw new ManagerError('backup_in_progress', 429, 'A backup was just taken or is being sent: try again in a moment', undefined, { retryAfter: Math.ceil(wait / 1000) });
    }
    this.#backingUp = true;
    const started = this.#now();
    const file = join(this.deps.dataDir, `.backup-${randomBytes(8).toString('hex')}.db`);
    // Off the event loop: the file may be large.
    const release = (): Promise<void> =>
      rm(file, { force: true }).finally(() => {
        this.#backingUp = false;
        const now = this.#now();
        this.#nextBackupAt = now + Math.max(1000, BACKUP_PAUSE_FACTOR * (now - started));
      });
    try {
      const { bytes, takenAt } = await takeServerBackup(join(this.deps.dataDir, DATABASE_FILE), file);
      const name = `secret-manager-${takenAt.replace(/[-:]|\.\d+/g, '')}.db`;
      // Recorded before a byte leaves: who took the data (sealed) away, and when.
      recordBackup(this.deps.db, actor, name, takenAt);
      // The token's id, not its description: a description is anyone's text, and the log is one line per event.
      this.deps.logger.info(`took a backup (${bytes} bytes) for token ${actor.id ?? '-'}`);
      return { file, name, bytes, release };
    } catch (err) {
      await release();
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
