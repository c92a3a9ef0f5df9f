// Tests for src/manager/lib/fleet-store.ts: reads recorded in memory and written in batches, retention, the cap, forgetting, write failures.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { FLEET_RETENTION_MS, FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { tempDir } from '../helpers/manager';

const DAY = 24 * 3_600_000;

describe('manager/fleet-store', () => {
  let db: ManagerDatabase;
  let now: number;
  const stores: FleetStore[] = [];
  const open = (options: ConstructorParameters<typeof FleetStore>[1] = {}): FleetStore => {
    const store = new FleetStore(db, { now: () => new Date(now), flushMs: 3_600_000, ...options });
    stores.push(store);
    return store;
  };
  const rows = (): { id: string; last_seen: string; synced_version: number }[] =>
    db.sql.prepare('SELECT id, last_seen, synced_version FROM instances ORDER BY id').all() as unknown as { id: string; last_seen: string; synced_version: number }[];
  /** Runs one flush while every transaction fails with `message`. */
  const flushWhileDiskFails = (fleet: FleetStore, message: string): void => {
    const transaction = db.transaction;
    db.transaction = () => {
      throw new Error(message);
    };
    try {
      fleet.flush();
    } finally {
      db.transaction = transaction;
    }
  };
  const who = (id: string, version = '1.0.0'): { id: string; name: string; version: string } => ({ id, name: `host-${id}`, version });

  beforeEach(() => {
    db = openDatabase(join(tempDir(), 'secrets.db'));
    now = Date.parse('2026-11-29T10:00:00.000Z');
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    db.close();
  });

  it('records a read in memory and writes it at the next flush, in one batch', () => {
    const fleet = open();
    fleet.seen('demo', who('a'), 3);
    fleet.seen('demo', who('b'), 3);
    assert.deepEqual(rows(), [], 'a read runs no SQL');
    fleet.flush();
    assert.deepEqual(rows().map((r) => [r.id, r.synced_version]), [['a', 3], ['b', 3]]);
  });

  it('keeps the exact last read in memory; a steady poller rewrites its row only every 5 minutes', () => {
    const fleet = open();
    fleet.seen('demo', who('a'), 3);
    fleet.flush();
    now += 60_000;
    fleet.seen('demo', who('a'), 3);
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:00:00.000Z', 'an unchanged poll within 5 min is not written');
    assert.equal(fleet.list('demo')[0]?.lastSeen, '2026-11-29T10:01:00.000Z', 'but the console sees it');
    now += 5 * 60_000;
    fleet.seen('demo', who('a'), 3);
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:06:00.000Z');
    now += 1_000;
    fleet.seen('demo', who('a'), 4);
    assert.equal(fleet.list('demo')[0]?.syncedVersion, 4, 'a new version is written at once when listed');
  });

  it('forgets an instance not seen for 7 days, and its usage no longer counts', () => {
    const fleet = open();
    fleet.seen('demo', who('old'), 1);
    fleet.seen('demo', who('live'), 1);
    fleet.setUsage('demo', 'old', [{ key: 'API_TOKEN', nodes: 2 }]);
    assert.equal(fleet.usersOf('API_TOKEN', ['demo']).length, 1);
    now += FLEET_RETENTION_MS - DAY;
    fleet.seen('demo', who('live'), 1);
    now += 2 * DAY;
    fleet.flush();
    assert.deepEqual(fleet.list('demo').map((i) => i.id), ['live']);
    assert.deepEqual(fleet.usersOf('API_TOKEN', ['demo']), []);
    assert.deepEqual(rows().map((r) => r.id), ['live']);
  });

  it('records at most maxPerSpace instances of a space; reads by more are not recorded', () => {
    const fleet = open({ maxPerSpace: 2 });
    for (const id of ['a', 'b', 'c']) fleet.seen('demo', who(id), 1);
    fleet.seen('other', who('c'), 1);
    assert.deepEqual(fleet.list('demo').map((i) => i.id).sort(), ['a', 'b']);
    assert.deepEqual(fleet.list('other').map((i) => i.id), ['c']);
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    fleet.seen('demo', who('c'), 1);
    assert.deepEqual(fleet.list('demo').map((i) => i.id).sort(), ['b', 'c'], 'forgetting one makes room');
  });

  it('forgets an instance on request; 404 instance_not_found for one it does not know', () => {
    const fleet = open();
    fleet.seen('demo', who('a'), 1);
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    assert.deepEqual(fleet.list('demo'), []);
    assert.deepEqual(fleet.spaces(), []);
    assert.throws(() => fleet.forget('demo', 'a', MANAGER_ACTOR), (e: { code: string; status: number }) => e.code === 'instance_not_found' && e.status === 404);
  });

  it('reports a failed write, loses nothing, and writes it at the next flush', () => {
    const errors: unknown[] = [];
    const fleet = open({ onWriteError: (e) => errors.push(e) });
    fleet.seen('demo', who('a'), 1);
    flushWhileDiskFails(fleet, 'database or disk is full');
    assert.equal(errors.length, 1);
    assert.deepEqual(rows(), []);
    fleet.flush();
    assert.deepEqual(rows().map((r) => r.id), ['a']);
  });

  it('prunes exactly what memory holds stale: a row written long ago of an instance read since stays', () => {
    const fleet = open();
    fleet.seen('demo', who('a'), 1);
    fleet.flush();
    now += 4 * 60_000;
    fleet.seen('demo', who('a'), 1);
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:00:00.000Z', 'the read 4 min later is in memory only');
    now += FLEET_RETENTION_MS - 2 * 60_000;
    fleet.flush();
    assert.deepEqual(rows().map((r) => r.id), ['a'], 'not seen for 6 days 23:58, not 7 days');
    assert.deepEqual(fleet.list('demo').map((i) => i.id), ['a']);
    fleet.setUsage('demo', 'a', [{ key: 'K', nodes: 1 }]);
    assert.deepEqual(fleet.usersOf('K', null).map((u) => u.id), ['a']);
  });

  it('stores a usage report with its row even when the last flush failed', () => {
    const fleet = open({ onWriteError: () => undefined });
    fleet.seen('demo', who('a'), 1);
    flushWhileDiskFails(fleet, 'database is locked');
    fleet.setUsage('demo', 'a', [{ key: 'K', nodes: 2 }]);
    assert.deepEqual(rows().map((r) => r.id), ['a']);
    assert.deepEqual(fleet.usersOf('K', ['demo']), [{ space: 'demo', id: 'a', name: 'host-a', nodes: 2 }]);
  });

  it('asks for a usage report until it has one, and again after forgetting the instance or a restart with an empty one', () => {
    const fleet = open();
    assert.equal(fleet.seen('demo', who('a'), 1), true, 'a new instance');
    assert.equal(fleet.seen('demo', who('a'), 1), true, 'still none');
    fleet.setUsage('demo', 'a', [{ key: 'K', nodes: 1 }]);
    assert.equal(fleet.seen('demo', who('a'), 1), false);
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    assert.equal(fleet.seen('demo', who('a'), 1), true, 'forgotten and back');
    fleet.setUsage('demo', 'a', []);
    fleet.seen('demo', who('b'), 1);
    fleet.setUsage('demo', 'b', [{ key: 'K', nodes: 1 }]);
    fleet.close();
    const again = open();
    assert.equal(again.seen('demo', who('a'), 1), true, 'an empty report cannot be told from none after a restart');
    assert.equal(again.seen('demo', who('b'), 1), false);
  });

  it('knows the instances of a previous run', () => {
    const first = open();
    first.seen('demo', who('a', '1.2.3'), 7);
    first.close();
    const second = open();
    assert.deepEqual(second.list('demo').map(({ id, version, syncedVersion }) => ({ id, version, syncedVersion })), [{ id: 'a', version: '1.2.3', syncedVersion: 7 }]);
    assert.deepEqual(second.spaces(), ['demo']);
  });
});
