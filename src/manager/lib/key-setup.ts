// Opens the data directory's database with its master key (a file, SECRET_MANAGER_MASTER_KEY, or unwrapped by OpenBao Transit) and finishes an interrupted rotation.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendAudit, MANAGER_ACTOR } from './audit-store';
import { Cipher, KEY_BYTES } from './cipher';
import { DATABASE_FILE, openDatabase } from './database';
import type { ManagerDatabase } from './database';
import { renameDurable, syncDirectory, writeDurable } from './durable-file';
import { ManagerError } from './errors';
import { TransitKek, wrappedVersion } from './kek/transit';
import type { TransitSettings } from './kek/transit';
import { checkMasterKey, opensKeyCheck, sealKeyCheck } from './key-check';
import type { Logger } from './logger';
import { decodeMasterKey, holdsData, loadMasterKey } from './master-key';
import { loadSqlite } from './quiet-sqlite';

/** The meta row holding the master key wrapped by OpenBao Transit. */
export const KEK_META = 'kek';

/** The wrapped master key as the `kek` meta row stores it: never the key itself. */
export interface StoredKek {
  type: 'transit';
  mount: string;
  key: string;
  /** Transit's ciphertext, `vault:vN:…`. */
  ciphertext: string;
}

/** Parses a `kek` meta row; undefined for none. */
export function parseStoredKek(text: string | undefined): StoredKek | undefined {
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as Partial<StoredKek>;
  if (parsed.type !== 'transit' || typeof parsed.ciphertext !== 'string' || typeof parsed.key !== 'string' || typeof parsed.mount !== 'string') {
    throw new ManagerError('invalid_kek', 500, 'The database names a key-encryption key this manager does not know');
  }
  return parsed as StoredKek;
}

/** The `kek` row of the database `file`, read without writing anything; undefined without a database or a row. */
export function peekStoredKek(file: string): StoredKek | undefined {
  if (!holdsData(file)) return undefined;
  const { DatabaseSync } = loadSqlite();
  const sql = new DatabaseSync(file, { readOnly: true });
  try {
    if (!sql.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()) return undefined;
    const row = sql.prepare('SELECT value FROM meta WHERE key = ?').get(KEK_META) as { value: string } | undefined;
    return parseStoredKek(row?.value);
  } finally {
    sql.close();
  }
}

/** Where the next master key waits during a rotation: beside the key file, until the database is sealed with it. */
export function nextKeyFile(keyFile: string): string {
  return `${keyFile}.next`;
}

/** A rotation's new key, made recoverable (README, "Rotate the master key"). */
export interface PreparedKey {
  /** Where the new key is kept, for the operator's message. */
  readonly where: string;
  /** Runs in the re-encryption's transaction (transit stores the wrapped key there). */
  inTransaction(db: ManagerDatabase): void;
  /** Runs once that transaction has committed (a key file is renamed over the old one). */
  afterCommit(): void;
}

/** Where the master key lives, as a rotation writes the next one. */
export interface KeyKeeper {
  readonly kind: 'file' | 'env' | 'transit';
  readonly description: string;
  /** Keeps `key` where a start finds it, before any value is sealed with it. */
  prepare(key: Buffer): Promise<PreparedKey>;
}

const encodeKey = (key: Buffer): string => `${key.toString('base64')}\n`;

function fileKeeper(file: string): KeyKeeper {
  return {
    kind: 'file',
    description: `the key file ${file}`,
    prepare: (key) => {
      const next = nextKeyFile(file);
      writeDurable(next, encodeKey(key));
      return Promise.resolve({ where: file, inTransaction: () => undefined, afterCommit: () => renameDurable(next, file) });
    },
  };
}

function envKeeper(newKeyFile: string | undefined): KeyKeeper {
  return {
    kind: 'env',
    description: 'SECRET_MANAGER_MASTER_KEY',
    prepare: (key) => {
      if (newKeyFile === undefined) {
        throw new ManagerError(
          'key_not_rotatable',
          409,
          'The master key comes from SECRET_MANAGER_MASTER_KEY, which the manager cannot change: stop the server and run `secret-manager rotate-master-key --offline --new-key-file FILE`',
        );
      }
      try {
        writeDurable(newKeyFile, encodeKey(key), 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ManagerError('key_file_exists', 409, `${newKeyFile} exists already: name a new file`);
        throw err;
      }
      return Promise.resolve({ where: newKeyFile, inTransaction: () => undefined, afterCommit: () => undefined });
    },
  };
}

function storedKek(kek: TransitKek, ciphertext: string): StoredKek {
  return { type: 'transit', mount: kek.settings.mount, key: kek.settings.key, ciphertext };
}

/** `retire`: the key file a move into transit leaves behind, removed once the database no longer needs it. */
function transitKeeper(kek: TransitKek, retire?: string): KeyKeeper {
  return {
    kind: 'transit',
    description: kek.describe(),
    prepare: async (key) => {
      const wrapped = storedKek(kek, await kek.wrap(key));
      return {
        where: kek.describe(),
        inTransaction: (db) => db.setMeta(KEK_META, JSON.stringify(wrapped)),
        afterCommit: () => {
          if (retire === undefined) return;
          rmSync(retire, { force: true });
          syncDirectory(dirname(retire));
        },
      };
    },
  };
}

/** How to find the master key (README, "Run it"). */
export interface KeyOptions {
  dataDir: string;
  /** SECRET_MANAGER_MASTER_KEY. */
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  /** SECRET_MANAGER_KEK=transit and its settings. */
  kek?: TransitSettings | undefined;
  logger: Logger;
  /**
   * Finish or undo an interrupted rotation (rename or remove `master.key.next`),
   * and rewrap a transit-wrapped key: only for the data directory's one writer,
   * never beside a running server, whose rotation may be under way.
   */
  recover?: boolean;
  /** Hold the database's lock until closed (the offline rotation). */
  exclusive?: boolean;
  /** The offline rotation of a key from SECRET_MANAGER_MASTER_KEY: where the new key goes. */
  newKeyFile?: string | undefined;
  /** The offline rotation: with `kek` set, a database whose key is a file or SECRET_MANAGER_MASTER_KEY moves into transit. */
  moveIntoTransit?: boolean;
}

/** The open database, the cipher of its master key, and where that key lives. */
export interface KeyedDatabase {
  db: ManagerDatabase;
  cipher: Cipher;
  keeper: KeyKeeper;
  /** Where the key came from, for the start's log line: never the key. */
  source: string;
}

/** Opens the database of `options.dataDir` with its master key; see {@link KeyOptions}. */
export async function openKeyedDatabase(options: KeyOptions): Promise<KeyedDatabase> {
  const file = join(options.dataDir, DATABASE_FILE);
  const stored = peekStoredKek(file);
  if (options.kek !== undefined && !(options.moveIntoTransit === true && stored === undefined)) return openWithTransit(options, options.kek, file, stored);
  if (stored !== undefined) {
    throw new ManagerError(
      'kek_transit_required',
      500,
      `${file} keeps its master key wrapped by OpenBao / Vault (transit key '${stored.key}' at mount '${stored.mount}'): set SECRET_MANAGER_KEK=transit and its SECRET_MANAGER_KEK_* settings`,
    );
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const loaded = loadMasterKey({ envValue: options.masterKey, keyFile: options.masterKeyFile, dataDir: options.dataDir, logger: options.logger });
  const db = openDatabase(file, { exclusive: options.exclusive === true });
  try {
    const cipher = chooseKey(db, loaded.key, loaded.file, options);
    // Moving into transit retires the data directory's key file (an explicit --master-key-file is the operator's to remove).
    const retire = loaded.file === join(options.dataDir, 'master.key') ? loaded.file : undefined;
    const keeper = options.kek !== undefined ? transitKeeper(new TransitKek(options.kek), retire) : loaded.file === undefined ? envKeeper(options.newKeyFile) : fileKeeper(loaded.file);
    return { db, cipher, keeper, source: loaded.file ?? 'SECRET_MANAGER_MASTER_KEY' };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The key that opens the database's key check: the key file's, or (after a
 * rotation killed between its commit and its rename) `master.key.next`'s.
 */
function chooseKey(db: ManagerDatabase, key: Buffer, keyFile: string | undefined, options: KeyOptions): Cipher {
  const cipher = new Cipher(key);
  const stored = db.getMeta('key_check');
  const next = keyFile === undefined ? undefined : nextKeyFile(keyFile);
  const pending = next !== undefined && existsSync(next);
  if (stored === undefined || opensKeyCheck(stored, cipher)) {
    checkMasterKey(db, cipher);
    // The data is under the key file's key: a next key beside it is from a rotation that never committed, and seals nothing.
    if (pending && options.recover === true) {
      rmSync(next, { force: true });
      syncDirectory(dirname(next));
      options.logger.warn(`removed ${next}: a master-key rotation was stopped before it committed, the data is still under ${keyFile}`);
    }
    return cipher;
  }
  if (pending) {
    let nextCipher: Cipher | undefined;
    try {
      nextCipher = new Cipher(decodeMasterKey(readFileSync(next, 'utf8'), next));
    } catch {
      nextCipher = undefined;
    }
    if (nextCipher !== undefined && opensKeyCheck(stored, nextCipher)) {
      if (options.recover === true) {
        renameDurable(next, keyFile as string);
        options.logger.warn(`finished a master-key rotation stopped after its commit: ${next} is now ${keyFile}`);
      }
      return nextCipher;
    }
  }
  const hint = keyFile === undefined ? ' (after `rotate-master-key --offline --new-key-file FILE` committed, the data is under the key in FILE)' : '';
  throw new ManagerError('master_key_mismatch', 500, `The master key is not the one this database was created with${hint}`);
}

async function openWithTransit(options: KeyOptions, settings: TransitSettings, file: string, stored: StoredKek | undefined): Promise<KeyedDatabase> {
  const kek = new TransitKek(settings);
  let key: Buffer;
  let created: StoredKek | undefined;
  if (stored !== undefined) {
    if (stored.key !== settings.key || stored.mount !== settings.mount) {
      throw new ManagerError(
        'kek_key_mismatch',
        500,
        `${file} keeps its master key wrapped by transit key '${stored.key}' at mount '${stored.mount}', but SECRET_MANAGER_KEK_KEY / _MOUNT name '${settings.key}' at '${settings.mount}'`,
      );
    }
    key = await kek.unwrap(stored.ciphertext);
  } else if (holdsData(file)) {
    throw new ManagerError(
      'kek_not_transit',
      500,
      `${file} holds data sealed with a master key that OpenBao does not keep: run \`secret-manager rotate-master-key --offline\` with SECRET_MANAGER_KEK=transit set to move it there, or unset SECRET_MANAGER_KEK`,
    );
  } else {
    // Wrapped before anything is written: with OpenBao down, the data directory stays as it was.
    key = randomBytes(KEY_BYTES);
    created = storedKek(kek, await kek.wrap(key));
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(file, { exclusive: options.exclusive === true });
  try {
    const cipher = new Cipher(key);
    const fresh = created;
    if (fresh !== undefined) {
      db.transaction(() => {
        if (db.getMeta('key_check') !== undefined) return;
        db.setMeta(KEK_META, JSON.stringify(fresh));
        db.setMeta('key_check', sealKeyCheck(cipher));
      });
    }
    checkMasterKey(db, cipher);
    if (stored !== undefined && options.recover === true) await rewrapIfMoved(db, kek, stored, options.logger);
    if (existsSync(join(options.dataDir, 'master.key'))) {
      options.logger.warn(`${join(options.dataDir, 'master.key')} is not used with SECRET_MANAGER_KEK=transit: keep it with the backups it opens, not in the data directory`);
    }
    return { db, cipher, keeper: transitKeeper(kek), source: kek.describe() };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Rewraps the stored key when the transit key has a newer version, so OpenBao may retire the old ones (README, "Keep the master key in OpenBao or Vault"). */
async function rewrapIfMoved(db: ManagerDatabase, kek: TransitKek, stored: StoredKek, logger: Logger): Promise<void> {
  let ciphertext: string;
  try {
    ciphertext = await kek.rewrap(stored.ciphertext);
  } catch (err) {
    const code = err instanceof ManagerError ? err.code : 'unexpected';
    logger.warn(`could not rewrap the master key with the latest version of ${kek.describe()} (${code}): it stays wrapped with version ${wrappedVersion(stored.ciphertext)}`);
    return;
  }
  const from = wrappedVersion(stored.ciphertext);
  const to = wrappedVersion(ciphertext);
  if (to <= from) return;
  db.transaction(() => {
    db.setMeta(KEK_META, JSON.stringify({ ...stored, ciphertext }));
    appendAudit(db, MANAGER_ACTOR, { action: 'master_key.rewrap', target: `v${from} to v${to}` }, new Date());
  });
  logger.info(`rewrapped the master key with version ${to} of ${kek.describe()} (was version ${from})`);
}
