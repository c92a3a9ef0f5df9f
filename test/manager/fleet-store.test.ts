// Tests for src/manager/lib/fleet-store.ts: reads and reports kept in memory and written in batches, retention, quotas, forgetting, paging, the usage index, write failures.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { FLEET_RETENTION_MS, FleetStore } from 'secret-sync-manager/dist/fleet-store';
import type { KeyUsage } from 'secret-sync-manager/dist/fleet-store';
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
  const rows = (): { id: string; last_seen: string; synced_version: number; usage: string; token_id: string | null }[] =>
    db.sql.prepare('SELECT id, last_seen, synced_version, usage, token_id FROM instances ORDER BY id').all() as unknown as ReturnType<typeof rows>;
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
  /** A read of `space` by instance `id` with token `token`, answered with `version`: whether a usage report is wanted. */
  const read = (fleet: FleetStore, space: string, id: string, version = 1, token = 'tok-1'): boolean => fleet.seen(space, who(id), version, token);
  /** A usage report of `id` in `space`, where the space has every key unless `has` says otherwise; returns the dropped names. */
  const report = (fleet: FleetStore, space: string, id: string, usage: KeyUsage[], has: (key: string) => boolean = () => true, version = 1): string[] =>
    fleet.setUsage(space, id, usage, has, version);
  const ids = (fleet: FleetStore, space: string): string[] => fleet.page(space, 500).instances.map((i) => i.id);
  const inSpace = (space: string) => (s: string) => s === space;

  beforeEach(() => {
    db = openDatabase(join(tempDir(), 'secrets.db'));
    now = Date.parse('2026-11-29T10:00:00.000Z');
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    db.close();
  });

  it('records a read in memory and writes it at the next flush, in one batch, with the token that recorded it', () => {
    const fleet = open();
    read(fleet, 'demo', 'a', 3);
    read(fleet, 'demo', 'b', 3, 'tok-2');
    assert.deepEqual(rows(), [], 'a read runs no SQL');
    fleet.flush();
    assert.deepEqual(rows().map((r) => [r.id, r.synced_version, r.token_id]), [['a', 3, 'tok-1'], ['b', 3, 'tok-2']]);
  });

  it('keeps the exact last read in memory; a steady poller rewrites its row only every 5 minutes', () => {
    const fleet = open();
    read(fleet, 'demo', 'a', 3);
    fleet.flush();
    now += 60_000;
    read(fleet, 'demo', 'a', 3);
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:00:00.000Z', 'an unchanged poll within 5 min is not written');
    assert.equal(fleet.page('demo', 10).instances[0]?.lastSeen, '2026-11-29T10:01:00.000Z', 'but the console sees it');
    now += 5 * 60_000;
    read(fleet, 'demo', 'a', 3);
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:06:00.000Z');
    now += 1_000;
    read(fleet, 'demo', 'a', 4);
    assert.equal(fleet.page('demo', 10).instances[0]?.syncedVersion, 4, 'a new version is listed at once');
  });

  it('forgets an instance not seen for 7 days, and its usage no longer counts', () => {
    const fleet = open();
    read(fleet, 'demo', 'old');
    read(fleet, 'demo', 'live');
    report(fleet, 'demo', 'old', [{ key: 'API_TOKEN', nodes: 2 }]);
    assert.equal(fleet.usersOf('API_TOKEN', inSpace('demo'), 10).instances, 1);
    now += FLEET_RETENTION_MS - DAY;
    read(fleet, 'demo', 'live');
    now += 2 * DAY;
    fleet.flush();
    assert.deepEqual(ids(fleet, 'demo'), ['live']);
    assert.deepEqual(fleet.usersOf('API_TOKEN', inSpace('demo'), 10), { nodes: 0, instances: 0, users: [] });
    assert.deepEqual(fleet.keyTotals('demo'), new Map());
    assert.deepEqual(rows().map((r) => r.id), ['live']);
  });

  it('records at most instancesPerSpace instances of a space; reads by more are not recorded, and logged once', () => {
    const logged: string[] = [];
    const fleet = open({ limits: { instancesPerSpace: 2 }, onLimit: (m) => logged.push(m) });
    for (const id of ['a', 'b', 'c', 'd']) read(fleet, 'demo', id, 1, `tok-${id}`);
    read(fleet, 'other', 'c');
    assert.deepEqual(ids(fleet, 'demo'), ['a', 'b']);
    assert.deepEqual(ids(fleet, 'other'), ['c']);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /space 'demo' has 2 instances/);
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    read(fleet, 'demo', 'c');
    assert.deepEqual(ids(fleet, 'demo'), ['b', 'c'], 'forgetting one makes room');
  });

  it('holds a token to its quota of new instance ids: a burst, then a rate; another token of the space is still recorded', () => {
    const logged: string[] = [];
    const fleet = open({ limits: { newInstancesBurst: 3, newInstancesPerMinute: 2, instancesPerToken: 5 }, onLimit: (m) => logged.push(m) });
    const wanted = Array.from({ length: 10 }, (_, i) => read(fleet, 'demo', `fake-${i}`, 1, 'flooder'));
    assert.deepEqual(wanted, [true, true, true, false, false, false, false, false, false, false], 'a refused instance is not asked for a report');
    assert.equal(read(fleet, 'demo', 'real', 1, 'other'), true);
    assert.deepEqual(ids(fleet, 'demo'), ['fake-0', 'fake-1', 'fake-2', 'real']);
    assert.equal(logged.length, 1, 'logged once, not per read');
    assert.match(logged[0]!, /^token flooder names new instances faster than its quota/);
    now += 60_000;
    for (let i = 10; i < 20; i++) read(fleet, 'demo', `fake-${i}`, 1, 'flooder');
    assert.equal(ids(fleet, 'demo').length, 6, 'two more a minute later');
    now += 10 * 60_000;
    for (let i = 20; i < 30; i++) read(fleet, 'demo', `fake-${i}`, 1, 'flooder');
    assert.equal(ids(fleet, 'demo').filter((id) => id.startsWith('fake-')).length, 5, 'never more than instancesPerToken');
    assert.equal(logged.length, 1, 'still once within the hour');
    now += 3_600_000;
    read(fleet, 'demo', 'fake-99', 1, 'flooder');
    assert.equal(logged.length, 2);
    assert.match(logged[1]!, /^token flooder has 5 instances recorded, its quota \(instancesPerToken\)/);
    read(fleet, 'demo', 'fake-0', 2, 'flooder');
    assert.equal(fleet.page('demo', 1).instances[0]?.syncedVersion, 2, 'an instance already recorded is always updated');
    fleet.forget('demo', 'fake-0', MANAGER_ACTOR);
    assert.equal(read(fleet, 'demo', 'fake-100', 1, 'flooder'), true, 'forgetting one of its instances gives the token room');
  });

  it('keeps counting a token\'s instances after a restart', () => {
    const first = open({ limits: { instancesPerToken: 2 } });
    read(first, 'demo', 'a');
    read(first, 'demo', 'b');
    first.close();
    const second = open({ limits: { instancesPerToken: 2 } });
    assert.equal(read(second, 'demo', 'c'), false);
    assert.equal(read(second, 'demo', 'c', 1, 'tok-2'), true);
  });

  it('forgets an instance on request; 404 instance_not_found for one it does not know', () => {
    const fleet = open();
    read(fleet, 'demo', 'a');
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    assert.deepEqual(ids(fleet, 'demo'), []);
    assert.deepEqual(fleet.spaces(), []);
    assert.throws(() => fleet.forget('demo', 'a', MANAGER_ACTOR), (e: { code: string; status: number }) => e.code === 'instance_not_found' && e.status === 404);
  });

  it('reports a failed write, loses nothing, and writes it at the next flush', () => {
    const errors: unknown[] = [];
    const fleet = open({ onWriteError: (e) => errors.push(e) });
    read(fleet, 'demo', 'a');
    flushWhileDiskFails(fleet, 'database or disk is full');
    assert.equal(errors.length, 1);
    assert.deepEqual(rows(), []);
    fleet.flush();
    assert.deepEqual(rows().map((r) => r.id), ['a']);
  });

  it('prunes exactly what memory holds stale: a row written long ago of an instance read since stays', () => {
    const fleet = open();
    read(fleet, 'demo', 'a');
    fleet.flush();
    now += 4 * 60_000;
    read(fleet, 'demo', 'a');
    fleet.flush();
    assert.equal(rows()[0]?.last_seen, '2026-11-29T10:00:00.000Z', 'the read 4 min later is in memory only');
    now += FLEET_RETENTION_MS - 2 * 60_000;
    fleet.flush();
    assert.deepEqual(rows().map((r) => r.id), ['a'], 'not seen for 6 days 23:58, not 7 days');
    assert.deepEqual(ids(fleet, 'demo'), ['a']);
    report(fleet, 'demo', 'a', [{ key: 'K', nodes: 1 }]);
    assert.deepEqual(fleet.usersOf('K', () => true, 10).users.map((u) => u.id), ['a']);
  });

  it('keeps a usage report in memory and writes it with the next flush, again after a failed one; the same report again writes nothing', () => {
    const fleet = open({ onWriteError: () => undefined });
    read(fleet, 'demo', 'a');
    report(fleet, 'demo', 'a', [{ key: 'K', nodes: 2 }]);
    assert.deepEqual(rows(), [], 'a report runs no SQL');
    assert.deepEqual(fleet.usersOf('K', inSpace('demo'), 10).users, [{ space: 'demo', id: 'a', name: 'host-a', nodes: 2 }], 'but counts at once');
    flushWhileDiskFails(fleet, 'database is locked');
    fleet.flush();
    assert.deepEqual(rows().map((r) => [r.id, r.usage]), [['a', '[{"key":"K","nodes":2}]']]);
    db.sql.prepare("UPDATE instances SET usage = 'sentinel'").run();
    report(fleet, 'demo', 'a', [{ key: 'K', nodes: 2 }]);
    fleet.flush();
    assert.equal(rows()[0]?.usage, 'sentinel', 'an unchanged report is not written again');
  });

  it('writes about 1 MiB of usage reports per flush, the rest at the next ones, and everything on close', () => {
    const fleet = open();
    const big = Array.from({ length: 100 }, (_, i) => ({ key: `K${i}_`.padEnd(128, 'k'), nodes: 1 }));
    for (let i = 0; i < 200; i++) {
      read(fleet, 'demo', `i-${i}`);
      report(fleet, 'demo', `i-${i}`, big);
    }
    const written = (): number => rows().filter((r) => r.usage !== '[]').length;
    fleet.flush();
    const first = written();
    assert.ok(first > 0 && first < 200, `${first} of 200 reports (14 KB each) in the first flush`);
    fleet.flush();
    assert.ok(written() > first, 'more at the next flush');
    fleet.close();
    assert.equal(written(), 200);
  });

  it('keeps only keys the space has, names the others, and asks again once the space changed', () => {
    const fleet = open();
    read(fleet, 'demo', 'a', 4);
    const dropped = report(fleet, 'demo', 'a', [{ key: 'HAVE', nodes: 1 }, { key: 'NOT_YET', nodes: 3 }, { key: 'ZERO', nodes: 0 }], (key) => key !== 'NOT_YET', 4);
    assert.deepEqual(dropped, ['NOT_YET']);
    assert.deepEqual(fleet.page('demo', 10).instances[0]?.usage, [{ key: 'HAVE', nodes: 1 }], 'no zero counts either');
    assert.equal(read(fleet, 'demo', 'a', 4), false, 'not asked again while nothing changed');
    assert.equal(read(fleet, 'demo', 'a', 5), true, 'asked again after a change: the key may exist now');
    report(fleet, 'demo', 'a', [{ key: 'HAVE', nodes: 1 }, { key: 'NOT_YET', nodes: 3 }], () => true, 5);
    assert.equal(read(fleet, 'demo', 'a', 6), false, 'a report that dropped nothing is not asked for again');
    assert.deepEqual(fleet.keyTotals('demo'), new Map([['HAVE', { nodes: 1, instances: 1 }], ['NOT_YET', { nodes: 3, instances: 1 }]]));
  });

  it('keeps the usage index in step with reports, replaced reports and forgotten instances', () => {
    const fleet = open();
    for (const id of ['a', 'b', 'c']) read(fleet, 'demo', id);
    read(fleet, 'other', 'x');
    report(fleet, 'demo', 'a', [{ key: 'K', nodes: 2 }, { key: 'L', nodes: 1 }]);
    report(fleet, 'demo', 'b', [{ key: 'K', nodes: 5 }]);
    report(fleet, 'demo', 'c', [{ key: 'K', nodes: 1 }]);
    report(fleet, 'other', 'x', [{ key: 'K', nodes: 7 }]);
    assert.deepEqual(fleet.keyTotals('demo').get('K'), { nodes: 8, instances: 3 });
    report(fleet, 'demo', 'a', [{ key: 'L', nodes: 4 }]);
    assert.deepEqual(fleet.keyTotals('demo'), new Map([['K', { nodes: 6, instances: 2 }], ['L', { nodes: 4, instances: 1 }]]));
    const users = fleet.usersOf('K', () => true, 2);
    assert.deepEqual([users.nodes, users.instances], [13, 3], 'the sums count every user');
    assert.deepEqual(users.users.map((u) => `${u.space}/${u.id}`), ['other/x', 'demo/b'], 'the most nodes first, at most the limit');
    fleet.forget('demo', 'b', MANAGER_ACTOR);
    assert.deepEqual(fleet.keyTotals('demo').get('K'), { nodes: 1, instances: 1 });
    assert.deepEqual(fleet.usageSpaces().sort(), ['demo', 'other']);
  });

  it('lists a space a page at a time in id order, each instance once, with the count of those at a version', () => {
    const fleet = open();
    for (let i = 0; i < 25; i++) read(fleet, 'demo', `i-${String(i).padStart(2, '0')}`, i < 10 ? 7 : 6);
    const listed: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = fleet.page('demo', 10, after);
      listed.push(...page.instances.map((i) => i.id));
      if (page.next === null) break;
      after = page.next;
      read(fleet, 'demo', 'i-00', 8);
    }
    assert.deepEqual(listed, Array.from({ length: 25 }, (_, i) => `i-${String(i).padStart(2, '0')}`), 'reads between pages move nothing');
    assert.deepEqual(fleet.tally('demo', 7), { total: 25, current: 9 });
  });

  it('asks for a usage report until it has one, and again after forgetting the instance or a restart with an empty one', () => {
    const fleet = open();
    assert.equal(read(fleet, 'demo', 'a'), true, 'a new instance');
    assert.equal(read(fleet, 'demo', 'a'), true, 'still none');
    report(fleet, 'demo', 'a', [{ key: 'K', nodes: 1 }]);
    assert.equal(read(fleet, 'demo', 'a'), false);
    fleet.forget('demo', 'a', MANAGER_ACTOR);
    assert.equal(read(fleet, 'demo', 'a'), true, 'forgotten and back');
    report(fleet, 'demo', 'a', []);
    read(fleet, 'demo', 'b');
    report(fleet, 'demo', 'b', [{ key: 'K', nodes: 1 }]);
    fleet.close();
    const again = open();
    assert.equal(read(again, 'demo', 'a'), true, 'an empty report cannot be told from none after a restart');
    assert.equal(read(again, 'demo', 'b'), false);
    assert.deepEqual(again.keyTotals('demo'), new Map([['K', { nodes: 1, instances: 1 }]]), 'the index is rebuilt from the database');
  });

  it('holds a report stored before reports were bounded to today\'s rules when it loads it', () => {
    db.sql
      .prepare("INSERT INTO instances (space, id, last_seen, usage) VALUES ('demo', 'old', ?, ?)")
      .run(new Date(now).toISOString(), JSON.stringify([{ key: 'K', nodes: Number.MAX_SAFE_INTEGER }, { key: 'bad name', nodes: 1 }, { key: 'L', nodes: 1.5 }, { key: 'M', nodes: 2 }, 'junk']));
    const fleet = open();
    assert.deepEqual(fleet.page('demo', 10).instances[0]?.usage, [{ key: 'K', nodes: 100_000 }, { key: 'M', nodes: 2 }]);
  });

  it('knows the instances of a previous run', () => {
    const first = open();
    first.seen('demo', who('a', '1.2.3'), 7, 'tok-1');
    first.close();
    const second = open();
    assert.deepEqual(second.page('demo', 10).instances.map(({ id, version, syncedVersion }) => ({ id, version, syncedVersion })), [{ id: 'a', version: '1.2.3', syncedVersion: 7 }]);
    assert.deepEqual(second.spaces(), ['demo']);
  });
});
