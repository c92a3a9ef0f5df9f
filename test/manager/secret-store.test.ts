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
    store.readJson('demo');
    assert.equal(open.callCount, 50);
    store.update(space, 'K1', { value: 'value-1-new' }, ACTOR);
    store.delete(space, 'K2', ACTOR);
    store.create(space, { name: 'K50', value: { user: 'u', pass: 'p' }, description: '' }, ACTOR);
    const answer = JSON.parse(store.readJson('demo').json) as { secrets: Record<string, unknown> };
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

  it('serves the same serialized answer until the version moves', () => {
    store.create(space, { name: 'A', value: 'a-value', description: '' }, ACTOR);
    const first = store.readJson('demo');
    assert.equal(store.readJson('demo'), first);
    store.update(space, 'A', { description: 'only a description' }, ACTOR);
    assert.equal(store.readJson('demo').json, first.json, 'a description does not change what a space reads');
    store.update(space, 'A', { value: 'a-value-2' }, ACTOR);
    assert.equal(store.readJson('demo').version, first.version + 1);
  });

  it('forgets memory after a failed write and reads the database again', () => {
    store.create(space, { name: 'A', value: 'a-value', description: '' }, ACTOR);
    store.readJson('demo');
    assert.throws(() => store.create(space, { name: 'A', value: 'again', description: '' }, ACTOR), { code: 'secret_exists' });
    const open = sinon.spy(cipher, 'open');
    assert.equal(store.read('demo').secrets.A, 'a-value');
    assert.equal(open.callCount, 1);
  });
});
