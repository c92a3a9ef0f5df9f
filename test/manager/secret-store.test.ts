// Tests for src/manager/lib/secret-store.ts: reads come from memory, which follows every committed write and forgets a failed one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import sinon from 'sinon';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { MANAGER_ACTOR as ACTOR } from 'secret-sync-manager/dist/audit-store';
import { tempDir } from '../helpers/manager';

describe('manager/secret-store', () => {
  let db: ManagerDatabase;
  let cipher: Cipher;
  let store: SecretStore;
  const space = { kind: 'space', space: 'demo' } as const;
  const org = { kind: 'org' } as const;

  beforeEach(() => {
    db = openDatabase(join(tempDir(), 'secrets.db'));
    cipher = new Cipher(randomBytes(32));
    store = new SecretStore(db, cipher, new ChangeFeed());
  });
  afterEach(() => db.close());

  it('decrypts each value once: a write updates memory instead of reading every secret again', () => {
    for (let i = 0; i < 50; i++) store.create(space, { name: `K${i}`, value: `value-${i}`, description: '' }, ACTOR);
    const open = sinon.spy(cipher, 'open');
    store.readBody('demo');
    assert.equal(open.callCount, 50);
    store.update(space, 'K1', { value: 'value-1-new' }, ACTOR);
    store.delete(space, 'K2', ACTOR);
    store.create(space, { name: 'K50', value: { user: 'u', pass: 'p' }, description: '' }, ACTOR);
    const answer = JSON.parse(store.readBody('demo').body.toString('utf8')) as { secrets: Record<string, unknown> };
    // The update compares with the stored value (one open); the read after the writes opens nothing.
    assert.equal(open.callCount, 51);
    assert.equal(answer.secrets.K1, 'value-1-new');
    assert.equal('K2' in answer.secrets, false);
    assert.deepEqual(answer.secrets.K50, { user: 'u', pass: 'p' });
    assert.equal(Object.keys(answer.secrets).length, 50);
  });

  it('falls back to the organization value when the space deletes its own of the same name', () => {
    store.create(org, { name: 'SHARED', value: 'org-value', description: '' }, ACTOR);
    store.create(space, { name: 'SHARED', value: 'space-value', description: '' }, ACTOR);
    assert.equal(store.read('demo').secrets.SHARED, 'space-value');
    store.delete(space, 'SHARED', ACTOR);
    assert.equal(store.read('demo').secrets.SHARED, 'org-value');
    assert.deepEqual(Object.keys(store.read('demo').secrets), ['SHARED']);
  });

  it('serves the same encoded answer until the version moves', () => {
    store.create(space, { name: 'A', value: 'a-value', description: '' }, ACTOR);
    const first = store.readBody('demo');
    assert.equal(store.readBody('demo'), first, 'the same Buffer, encoded once');
    store.update(space, 'A', { description: 'only a description' }, ACTOR);
    assert.equal(store.readBody('demo').body, first.body, 'a description does not change what a space reads');
    store.update(space, 'A', { value: 'a-value-2' }, ACTOR);
    const second = store.readBody('demo');
    assert.equal(second.version, first.version + 1);
    assert.equal((JSON.parse(second.body.toString('utf8')) as { secrets: { A: string } }).secrets.A, 'a-value-2');
  });

  it('encodes a space\'s answer again after an organization write, which changes what the space sees', () => {
    store.create(space, { name: 'A', value: 'a-value', description: '' }, ACTOR);
    const before = store.readBody('demo');
    store.create(org, { name: 'ORG_KEY', value: 'org-value-1', description: '' }, ACTOR);
    const after = store.readBody('demo');
    assert.ok(after.version > before.version);
    assert.deepEqual((JSON.parse(after.body.toString('utf8')) as { secrets: object }).secrets, { A: 'a-value', ORG_KEY: 'org-value-1' });
    store.update(org, 'ORG_KEY', { value: 'org-value-2' }, ACTOR);
    assert.equal((JSON.parse(store.readBody('demo').body.toString('utf8')) as { secrets: { ORG_KEY: string } }).secrets.ORG_KEY, 'org-value-2');
    store.create(space, { name: 'ORG_KEY', value: 'own-value', description: '' }, ACTOR);
    assert.equal((JSON.parse(store.readBody('demo').body.toString('utf8')) as { secrets: { ORG_KEY: string } }).secrets.ORG_KEY, 'own-value', 'the space\'s own key wins');
  });

  it('forgets memory after a failed write and reads the database again', () => {
    store.create(space, { name: 'A', value: 'a-value', description: '' }, ACTOR);
    store.readBody('demo');
    assert.throws(() => store.create(space, { name: 'A', value: 'again', description: '' }, ACTOR), { code: 'secret_exists' });
    const open = sinon.spy(cipher, 'open');
    assert.equal(store.read('demo').secrets.A, 'a-value');
    assert.equal(open.callCount, 1);
  });
});
