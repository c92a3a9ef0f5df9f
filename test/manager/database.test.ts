// Tests for src/manager/lib/database.ts: a database of an earlier version is upgraded in place, its tokens and secrets kept; a failed transaction reports its own error.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MIGRATIONS, openDatabase } from 'secret-sync-manager/dist/database';
import { loadSqlite } from 'secret-sync-manager/dist/quiet-sqlite';
import { tempDir } from '../helpers/manager';

describe('manager/database', () => {
  it('upgrades a version 1 database: tokens keep working, the viewer role, the audit trail (with counts) and the fleet appear', () => {
    const file = join(tempDir(), 'secrets.db');
    const old = new (loadSqlite().DatabaseSync)(file);
    old.exec(MIGRATIONS[0]!);
    old.exec('PRAGMA user_version = 1');
    old.prepare("INSERT INTO tokens (id, hash, role, space, description, created_at) VALUES ('t1', 'h1', 'read', 'demo', 'line 3', '2026-01-01T00:00:00.000Z')").run();
    old.close();

    const db = openDatabase(file);
    try {
      assert.equal((db.sql.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length);
      assert.deepEqual({ ...(db.sql.prepare('SELECT id, role, space, description, last_used_at FROM tokens').get() as object) }, {
        id: 't1',
        role: 'read',
        space: 'demo',
        description: 'line 3',
        last_used_at: null,
      });
      db.sql.prepare("INSERT INTO tokens (id, hash, role, space, description, created_at) VALUES ('t2', 'h2', 'viewer', NULL, 'ops', '2026-01-02T00:00:00.000Z')").run();
      assert.throws(() => db.sql.prepare("INSERT INTO tokens (id, hash, role, created_at) VALUES ('t3', 'h3', 'root', 'x')").run(), /CHECK constraint/);
      assert.equal((db.sql.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n, 0);
      db.sql.prepare("INSERT INTO audit (at, actor, action) VALUES ('2026-01-03T00:00:00.000Z', 'ops', 'secret.create')").run();
      assert.equal((db.sql.prepare('SELECT count FROM audit').get() as { count: number }).count, 1, 'an entry counts one event unless folded');
      assert.equal((db.sql.prepare('SELECT COUNT(*) AS n FROM instances').get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });

  it('reports the error itself when SQLite has already rolled the transaction back (SQLITE_FULL), and goes on working', () => {
    const db = openDatabase(join(tempDir(), 'secrets.db'));
    try {
      const pages = (db.sql.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
      db.sql.exec(`PRAGMA max_page_count = ${pages}`);
      assert.throws(
        () => db.transaction(() => db.setMeta('big', 'x'.repeat(100_000))),
        (e: { code?: string; errcode?: number }) => e.code === 'ERR_SQLITE_ERROR' && e.errcode === 13,
      );
      db.sql.exec('PRAGMA max_page_count = 1073741823');
      db.transaction(() => db.setMeta('big', 'x'.repeat(100_000)));
      assert.equal(db.getMeta('big')?.length, 100_000);
    } finally {
      db.close();
    }
  });
});
