// Tests for src/manager/lib/audit-store.ts: folded entries (one per key and window, exact counts), their bound, failed count writes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditStore } from 'secret-sync-manager/dist/audit-store';
import type { Actor, AuditOptions } from 'secret-sync-manager/dist/audit-store';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { tempDir } from '../helpers/manager';

const MINUTE = 60_000;

describe('manager/audit-store', () => {
  let db: ManagerDatabase;
  let now: number;
  const stores: AuditStore[] = [];
  const open = (options: AuditOptions = {}): AuditStore => {
    const store = new AuditStore(db, { now: () => new Date(now), flushMs: 3_600_000, ...options });
    stores.push(store);
    return store;
  };
  const from = (ip: string): Actor => ({ id: null, name: 'unknown token', ip });
  const stored = (): { action: string; ip: string | null; count: number }[] =>
    (db.sql.prepare('SELECT action, ip, count FROM audit ORDER BY seq').all() as unknown as { action: string; ip: string | null; count: number }[]).map((row) => ({ ...row }));

  beforeEach(() => {
    db = openDatabase(join(tempDir(), 'secrets.db'));
    now = Date.parse('2026-11-29T10:00:00.000Z');
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    db.close();
  });

  it('folds the repeats of a key into one entry per window: written at once, counted exactly, the count stored by flush', () => {
    const audit = open({ foldMs: 10 * MINUTE });
    for (let i = 0; i < 500; i++) audit.note('session.fail|10.0.0.1', from('10.0.0.1'), { action: 'session.fail' });
    assert.deepEqual(stored(), [{ action: 'session.fail', ip: '10.0.0.1', count: 1 }], 'the first is written at once, the repeats are not');
    assert.equal(audit.list()[0]?.count, 500, 'the list shows the exact count before it is stored');
    audit.flush();
    assert.deepEqual(stored(), [{ action: 'session.fail', ip: '10.0.0.1', count: 500 }]);

    now += 10 * MINUTE;
    audit.note('session.fail|10.0.0.1', from('10.0.0.1'), { action: 'session.fail' });
    assert.deepEqual(
      audit.list().map((e) => e.count),
      [1, 500],
      'a new window, a new entry',
    );
  });

  it('writes the last count of a window that ended between flushes', () => {
    const audit = open({ foldMs: MINUTE });
    audit.note('k', from('10.0.0.1'), { action: 'auth.limit' });
    audit.note('k', from('10.0.0.1'), { action: 'auth.limit' });
    now += MINUTE;
    audit.note('k', from('10.0.0.1'), { action: 'auth.limit' });
    assert.deepEqual(stored().map((r) => r.count), [2, 1]);
  });

  it('holds at most maxOpen folded entries: beyond, the addresses share one entry per action, without an address', () => {
    const audit = open({ maxOpen: 50 });
    for (let i = 0; i < 2000; i++) audit.note(`auth.limit|10.0.${i >> 8}.${i & 255}`, from(`10.0.${i >> 8}.${i & 255}`), { action: 'auth.limit' });
    const entries = audit.list(1000);
    assert.equal(entries.length, 51, '50 addresses, then one shared entry');
    assert.deepEqual([entries[0]?.ip, entries[0]?.count], [null, 1950]);
    assert.equal(entries.reduce((sum, e) => sum + e.count, 0), 2000, 'every attempt is counted');
    assert.equal(stored().length, 51, 'one write per entry, not one per attempt');
    audit.flush();
    assert.equal(stored().find((r) => r.ip === null)?.count, 1950);
  });

  it('reports a failed count write and writes it at the next flush', () => {
    const errors: unknown[] = [];
    const audit = open({ onWriteError: (error) => errors.push(error) });
    audit.note('k', from('10.0.0.1'), { action: 'session.fail' });
    audit.note('k', from('10.0.0.1'), { action: 'session.fail' });
    db.sql.exec("CREATE TRIGGER refuse BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    audit.flush();
    assert.equal(errors.length, 1);
    assert.equal(stored()[0]?.count, 1);
    db.sql.exec('DROP TRIGGER refuse');
    audit.flush();
    assert.equal(stored()[0]?.count, 2);
  });

  it('throws when the first entry of a window cannot be written, and keeps nothing open for it', () => {
    const audit = open();
    db.sql.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    assert.throws(() => audit.note('k', from('10.0.0.1'), { action: 'session.create' }), /disk trouble/);
    db.sql.exec('DROP TRIGGER refuse');
    audit.note('k', from('10.0.0.1'), { action: 'session.create' });
    assert.deepEqual(stored(), [{ action: 'session.create', ip: '10.0.0.1', count: 1 }]);
  });
});
