// The embedded SQLite database: durable settings, the schema and its migrations, and transactions.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { ManagerError } from './errors';
import { loadSqlite } from './quiet-sqlite';

const SCHEMA_V1 = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE secrets (
  scope       TEXT NOT NULL,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('string', 'pairs')),
  fields      TEXT,
  description TEXT NOT NULL DEFAULT '',
  sealed      BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (scope, name)
) WITHOUT ROWID;
CREATE TABLE revisions (
  scope TEXT PRIMARY KEY,
  rev   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'read')),
  space       TEXT,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
`;

// V2: the viewer role and token last use; the audit trail; the fleet of plugin instances per space.
const SCHEMA_V2 = `
CREATE TABLE tokens_v2 (
  id           TEXT PRIMARY KEY,
  hash         TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL CHECK (role IN ('admin', 'read', 'viewer')),
  space        TEXT,
  description  TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  revoked_at   TEXT,
  last_used_at TEXT
);
INSERT INTO tokens_v2 (id, hash, role, space, description, created_at, revoked_at)
  SELECT id, hash, role, space, description, created_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v2 RENAME TO tokens;
CREATE TABLE audit (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  actor_id TEXT,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  scope    TEXT,
  target   TEXT,
  ip       TEXT
);
CREATE TABLE instances (
  space          TEXT NOT NULL,
  id             TEXT NOT NULL,
  name           TEXT NOT NULL DEFAULT '',
  version        TEXT NOT NULL DEFAULT '',
  synced_version INTEGER,
  last_seen      TEXT NOT NULL,
  usage          TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (space, id)
) WITHOUT ROWID;
`;

// V3: an audit entry can stand for repeated events (a flood of failed sign-ins folded into one entry).
const SCHEMA_V3 = `
ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
`;

// V4: the token that recorded each instance (its quota counts it), and the space version at which its last usage report named keys the space did not have.
const SCHEMA_V4 = `
ALTER TABLE instances ADD COLUMN token_id TEXT;
ALTER TABLE instances ADD COLUMN usage_dropped_at INTEGER;
`;

/** The schema, one migration per version (`PRAGMA user_version`); exported for the upgrade test. */
export const MIGRATIONS: readonly string[] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4];

/** The database's file name in the data directory. */
export const DATABASE_FILE = 'secrets.db';

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /** Hold SQLite's exclusive lock until closed, refusing (`database_in_use`) while another process has the database open. */
  exclusive?: boolean;
}

/** SQLITE_BUSY: another connection holds the lock. */
function isBusy(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === 5;
}

/** The open database with the few helpers the stores share. */
export interface ManagerDatabase {
  readonly sql: DatabaseSync;
  /** Random id of this database, created with it; part of every ETag so a recreated database never matches an old one. */
  readonly instanceId: string;
  /** Runs `fn` in one IMMEDIATE transaction: all of it is durable when this returns, or none of it. */
  transaction<T>(fn: () => T): T;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

/**
 * Opens (creating if needed) the database at `file`. WAL with `synchronous=FULL`
 * so a commit acknowledged to a client survives a crash or power loss;
 * `secure_delete` zeroes the pages of deleted secrets.
 */
export function openDatabase(file: string, options: OpenOptions = {}): ManagerDatabase {
  const { DatabaseSync } = loadSqlite();
  if (file !== ':memory:') {
    // Create the file owner-only first: SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const sql = new DatabaseSync(file);
  try {
    sql.exec('PRAGMA busy_timeout = 5000');
    if (options.exclusive) sql.exec('PRAGMA locking_mode = EXCLUSIVE');
    sql.exec('PRAGMA journal_mode = WAL');
    sql.exec('PRAGMA synchronous = FULL');
    sql.exec('PRAGMA foreign_keys = ON');
    sql.exec('PRAGMA secure_delete = ON');
    // In exclusive locking mode the lock taken by a write is kept until close: no server can open the database meanwhile.
    if (options.exclusive) sql.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    sql.close();
    if (isBusy(err)) {
      throw new ManagerError('database_in_use', 409, `${file} is open in another process (a running 'secret-manager serve'?)${options.exclusive ? ': stop it first' : ''}`);
    }
    throw err;
  }

  let depth = 0;
  const transaction = <T>(fn: () => T): T => {
    // Nested calls join the outer transaction instead of failing on a second BEGIN.
    if (depth > 0) return fn();
    sql.exec('BEGIN IMMEDIATE');
    depth++;
    try {
      const result = fn();
      sql.exec('COMMIT');
      return result;
    } catch (err) {
      try {
        sql.exec('ROLLBACK');
      } catch {
        // SQLite has rolled back by itself (it does on SQLITE_FULL and I/O errors): the first error is the one to report.
      }
      throw err;
    } finally {
      depth--;
    }
  };

  migrate(sql, transaction);

  const getMeta = (key: string): string | undefined => {
    const row = sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  };
  const setMeta = (key: string, value: string): void => {
    sql.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  };

  let instanceId = getMeta('instance_id');
  if (instanceId === undefined) {
    instanceId = randomBytes(6).toString('hex');
    const id = instanceId;
    transaction(() => setMeta('instance_id', id));
  }

  return {
    sql,
    instanceId,
    transaction,
    getMeta,
    setMeta,
    close: () => {
      if (sql.isOpen) sql.close();
    },
  };
}

function migrate(sql: DatabaseSync, transaction: <T>(fn: () => T) => T): void {
  const row = sql.prepare('PRAGMA user_version').get() as { user_version: number };
  for (let version = row.user_version; version < MIGRATIONS.length; version++) {
    transaction(() => {
      sql.exec(MIGRATIONS[version] as string);
      sql.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}
