// A change and its audit entry commit together: a failure at either (SQLite triggers) leaves neither, for every audited change.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Actor } from 'secret-sync-manager/dist/audit-store';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { TokenStore } from 'secret-sync-manager/dist/token-store';
import { tempDir } from '../helpers/manager';

const ADMIN: Actor = { id: 'adm1', name: 'ops admin', ip: '10.0.0.7' };
const space = { kind: 'space', space: 'demo' } as const;

describe('manager: a change and its audit entry commit together', () => {
  let db: ManagerDatabase;
  let secrets: SecretStore;
  let tokens: TokenStore;
  let fleet: FleetStore;

  beforeEach(() => {
    db = openDatabase(join(tempDir(), 'secrets.db'));
    secrets = new SecretStore(db, new Cipher(randomBytes(32)), new ChangeFeed());
    tokens = new TokenStore(db);
    fleet = new FleetStore(db, { flushMs: 3_600_000 });
  });
  afterEach(() => {
    fleet.close();
    db.close();
  });

  const auditCount = (): number => (db.sql.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
  /** Runs `fn` while every statement of `kind` on `table` fails, as a full or failing disk would make it. */
  const failing = (kind: 'INSERT' | 'UPDATE' | 'DELETE', table: string, fn: () => void): void => {
    db.sql.exec(`CREATE TRIGGER injected BEFORE ${kind} ON ${table} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    try {
      assert.throws(fn, /injected failure/);
    } finally {
      db.sql.exec('DROP TRIGGER injected');
    }
  };

  it('secrets: a failed audit insert rolls back the create, the update and the delete, in the database and in what a space reads', () => {
    failing('INSERT', 'audit', () => secrets.create(space, { name: 'A', value: 'a-1', description: '' }, ADMIN));
    assert.deepEqual(secrets.read('demo'), { space: 'demo', version: 0, secrets: {} });

    secrets.create(space, { name: 'A', value: 'a-1', description: '' }, ADMIN);
    const before = secrets.read('demo');
    failing('INSERT', 'audit', () => secrets.update(space, 'A', { value: 'a-2' }, ADMIN));
    failing('INSERT', 'audit', () => secrets.delete(space, 'A', ADMIN));
    assert.deepEqual(secrets.read('demo'), before);
    assert.equal(secrets.list(space)[0]?.updatedAt, secrets.list(space)[0]?.createdAt);
    assert.equal(auditCount(), 1, 'only the create that committed');
  });

  it('secrets: a failed change writes no audit entry', () => {
    failing('INSERT', 'secrets', () => secrets.create(space, { name: 'A', value: 'a-1', description: '' }, ADMIN));
    secrets.create(space, { name: 'A', value: 'a-1', description: '' }, ADMIN);
    failing('UPDATE', 'secrets', () => secrets.update(space, 'A', { value: 'a-2' }, ADMIN));
    failing('DELETE', 'secrets', () => secrets.delete(space, 'A', ADMIN));
    // The revision bump runs between the change and its entry: its failure leaves neither either.
    failing('UPDATE', 'revisions', () => secrets.update(space, 'A', { value: 'a-3' }, ADMIN));
    assert.equal(auditCount(), 1);
    assert.equal(secrets.read('demo').secrets.A, 'a-1');
  });

  it('tokens: a failed audit insert leaves no new token and no revocation; a failed change leaves no entry', () => {
    failing('INSERT', 'audit', () => tokens.create({ role: 'read', space: 'demo', description: 'r' }, ADMIN));
    assert.deepEqual(tokens.list(), []);
    const { token, record } = tokens.create({ role: 'read', space: 'demo', description: 'r' }, ADMIN);
    failing('INSERT', 'audit', () => tokens.revoke(record.id, ADMIN));
    assert.equal(tokens.authenticate(token)?.id, record.id, 'the token still works');
    failing('UPDATE', 'tokens', () => tokens.revoke(record.id, ADMIN));
    failing('INSERT', 'tokens', () => tokens.create({ role: 'admin', space: null, description: 'a' }, ADMIN));
    assert.equal(auditCount(), 1);
  });

  it('instances: a failed audit insert keeps the instance; a failed delete writes no entry', () => {
    fleet.seen('demo', { id: 'inst-1', name: 'box', version: '1.0.0' }, 0, 'tok-1');
    fleet.flush();
    failing('INSERT', 'audit', () => fleet.forget('demo', 'inst-1', ADMIN));
    failing('DELETE', 'instances', () => fleet.forget('demo', 'inst-1', ADMIN));
    assert.deepEqual(fleet.page('demo', 10).instances.map((i) => i.id), ['inst-1']);
    assert.equal(auditCount(), 0);
    fleet.forget('demo', 'inst-1', ADMIN);
    assert.deepEqual(
      { ...(db.sql.prepare('SELECT actor, actor_id, action, scope, target, ip, count FROM audit').get() as object) },
      { actor: 'ops admin', actor_id: 'adm1', action: 'instance.forget', scope: 'demo', target: 'inst-1', ip: '10.0.0.7', count: 1 },
    );
  });
});
