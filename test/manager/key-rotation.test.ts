// Tests for src/manager/lib/key-rotation.ts and key-setup.ts: where each kind of key goes in a rotation, and what a start does with master.key.next.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from 'secret-sync-manager';
import type { ManagerError } from 'secret-sync-manager';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { kekSettingsFromEnv, wrappedVersion } from 'secret-sync-manager/dist/kek/transit';
import { openKeyedDatabase } from 'secret-sync-manager/dist/key-setup';
import { ManagerOperations } from 'secret-sync-manager/dist/manager-operations';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { runCli, serveFailure, startServe } from '../helpers/cli';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import { seedDataDir } from '../helpers/seed-data-dir';

const logger = createLogger({ level: 'error' });

describe('manager/key rotation', function () {
  this.timeout(60_000);
  let dirs: string[];
  const dir = (): string => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };
  beforeEach(() => (dirs = []));
  afterEach(() => {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it('runs one rotation at a time, audits it, and keeps serving the same values under the new key', async () => {
    const dataDir = dir();
    const expected = await seedDataDir(dataDir, 5, 32);
    const keyed = await openKeyedDatabase({ dataDir, logger, recover: true });
    try {
      const secrets = new SecretStore(keyed.db, keyed.cipher, new ChangeFeed());
      const before = secrets.read('seed').secrets;
      const operations = new ManagerOperations({ db: keyed.db, dataDir, secrets, key: keyed, logger });
      const actor = { id: 't1', name: 'ops', ip: '10.0.0.1' };
      const first = operations.rotate(actor);
      await assert.rejects(operations.rotate(actor), (e: ManagerError) => e.code === 'rotation_in_progress');
      assert.deepEqual(await first.then((r) => [r.values, r.keeper]), [5, 'file']);
      assert.deepEqual(before, expected);
      // Read from the database again, with the cipher the rotation handed over.
      assert.deepEqual(new SecretStore(keyed.db, keyed.cipher, new ChangeFeed()).read('seed').secrets, expected);
      const entries = keyed.db.sql.prepare("SELECT actor, target FROM audit WHERE action = 'master_key.rotate'").all() as { actor: string; target: string }[];
      assert.deepEqual(entries.map((e) => [e.actor, e.target]), [['ops', 'file']]);
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    } finally {
      keyed.db.close();
    }
  });

  it('refuses an online rotation of a key given as SECRET_MANAGER_MASTER_KEY (key_not_rotatable); --offline --new-key-file writes the new key to a new file', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const m = await startTestManager({ masterKey: oldKey });
    dirs.push(m.dataDir);
    const value = canary('env-key');
    assert.equal((await m.api('POST', '/v1/org/secrets', { body: { name: 'A', value } })).status, 201);
    const online = await m.api('POST', '/v1/master-key/rotate');
    assert.deepEqual([online.status, (online.body as { error: string }).error], [409, 'key_not_rotatable']);
    await m.stop(true);

    const env = { SECRET_MANAGER_MASTER_KEY: oldKey };
    const noFile = await runCli(['--data-dir', m.dataDir, 'rotate-master-key', '--offline'], { env });
    assert.match(noFile.stderr, /\[key_not_rotatable\]\n$/);
    const newKeyFile = join(dir(), 'new.key');
    writeFileSync(newKeyFile, 'taken');
    assert.match((await runCli(['--data-dir', m.dataDir, 'rotate-master-key', '--offline', '--new-key-file', newKeyFile], { env })).stderr, /\[key_file_exists\]\n$/);
    rmSync(newKeyFile);
    const rotated = await runCli(['--data-dir', m.dataDir, 'rotate-master-key', '--offline', '--new-key-file', newKeyFile], { env });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /the new key is in .*new\.key: give it as SECRET_MANAGER_MASTER_KEY from the next start on/);
    assert.equal(statSync(newKeyFile).mode & 0o777, 0o600);
    const withOld = await serveFailure(m.dataDir, env);
    assert.match(withOld, /the data is under the key in FILE\) \[master_key_mismatch\]/);
    const withNew = await startTestManager({ dataDir: m.dataDir, masterKey: readFileSync(newKeyFile, 'utf8').trim() });
    try {
      assert.deepEqual(((await withNew.api('GET', '/v1/spaces/x/secrets')).body as { secrets: unknown }).secrets, { A: value });
    } finally {
      await withNew.stop(true);
    }
  });

  it('rotates an explicit --master-key-file through its own .next beside it, and refuses --new-key-file for a key file', async () => {
    const dataDir = dir();
    const keyFile = join(dir(), 'elsewhere.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const before = readFileSync(keyFile, 'utf8');
    const env = { SECRET_MANAGER_MASTER_KEY_FILE: keyFile };
    const serve = await startServe(dataDir, env);
    serve.child.kill('SIGTERM');
    await serve.exited;
    assert.match((await runCli(['--data-dir', dataDir, 'rotate-master-key', '--offline', '--new-key-file', join(dir(), 'x.key')], { env })).stderr, /\[invalid_option\]\n$/);
    const rotated = await runCli(['--data-dir', dataDir, 'rotate-master-key', '--offline'], { env });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.notEqual(readFileSync(keyFile, 'utf8'), before);
    assert.ok(!existsSync(`${keyFile}.next`) && !existsSync(join(dataDir, 'master.key')));
  });

  it('refuses an offline rotation while a server has the database open (database_in_use), and changes nothing', async () => {
    const dataDir = dir();
    const serve = await startServe(dataDir);
    try {
      const key = readFileSync(join(dataDir, 'master.key'), 'utf8');
      const refused = await runCli(['--data-dir', dataDir, 'rotate-master-key', '--offline']);
      assert.match(refused.stderr, /\[database_in_use\]\n$/);
      assert.equal(readFileSync(join(dataDir, 'master.key'), 'utf8'), key);
      assert.ok(!existsSync(join(dataDir, 'master.key.next')));
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('at start, a master.key.next that opens nothing is removed (even unreadable), and one that opens the data replaces master.key', async () => {
    const dataDir = dir();
    const expected = await seedDataDir(dataDir, 3, 32);
    const keyFile = join(dataDir, 'master.key');
    writeFileSync(`${keyFile}.next`, 'half a key');
    const lines: string[] = [];
    const capture = createLogger({ sink: (_l, line) => lines.push(line) });
    let keyed = await openKeyedDatabase({ dataDir, logger: capture, recover: true });
    keyed.db.close();
    assert.ok(!existsSync(`${keyFile}.next`));
    assert.match(lines.join('\n'), /a master-key rotation was stopped before it committed/);

    // A rotation that committed but was not renamed: what the .next protocol leaves after a kill between the two.
    const old = readFileSync(keyFile, 'utf8');
    keyed = await openKeyedDatabase({ dataDir, logger, recover: true });
    const { rotateMasterKey } = await import('secret-sync-manager/dist/key-rotation');
    const realKeeper = keyed.keeper;
    await rotateMasterKey(keyed.db, keyed.cipher, { ...realKeeper, prepare: async (k) => ({ ...(await realKeeper.prepare(k)), afterCommit: () => undefined }) }, { id: null, name: 't', ip: null });
    keyed.db.close();
    assert.equal(readFileSync(keyFile, 'utf8'), old);
    // Read-only users (export beside a server) use the next key without touching the files.
    keyed = await openKeyedDatabase({ dataDir, logger, recover: false });
    assert.deepEqual(new SecretStore(keyed.db, keyed.cipher, new ChangeFeed()).read('seed').secrets, expected);
    keyed.db.close();
    assert.ok(existsSync(`${keyFile}.next`));
    keyed = await openKeyedDatabase({ dataDir, logger, recover: true });
    keyed.db.close();
    assert.ok(!existsSync(`${keyFile}.next`));
    assert.notEqual(readFileSync(keyFile, 'utf8'), old);
  });

  it('reads the transit settings from the environment, refusing incomplete or unknown ones', () => {
    const base = { SECRET_MANAGER_KEK: 'transit', SECRET_MANAGER_KEK_ADDR: 'http://127.0.0.1:8200/', SECRET_MANAGER_KEK_KEY: 'sm', SECRET_MANAGER_KEK_TOKEN: 'tok-do-not-print' };
    assert.equal(kekSettingsFromEnv({}), undefined);
    assert.equal(kekSettingsFromEnv({ SECRET_MANAGER_KEK: '' }), undefined);
    assert.deepEqual(kekSettingsFromEnv(base), { address: 'http://127.0.0.1:8200', key: 'sm', mount: 'transit', namespace: undefined, token: 'tok-do-not-print', tokenFile: undefined });
    for (const broken of [
      { ...base, SECRET_MANAGER_KEK: 'kms' },
      { ...base, SECRET_MANAGER_KEK_ADDR: 'bao:8200' },
      { ...base, SECRET_MANAGER_KEK_KEY: '../sys' },
      { ...base, SECRET_MANAGER_KEK_MOUNT: 'transit/../sys' },
      { ...base, SECRET_MANAGER_KEK_TOKEN: '' },
    ]) {
      assert.throws(() => kekSettingsFromEnv(broken), (e: ManagerError) => e.code === 'invalid_kek' && !e.message.includes('tok-do-not-print'));
    }
    assert.deepEqual(kekSettingsFromEnv({ ...base, SECRET_MANAGER_KEK_TOKEN: '', SECRET_MANAGER_KEK_ROLE_ID: 'r' })?.approle, { roleId: 'r', secretId: undefined, secretIdFile: undefined, mount: 'approle' });
    assert.deepEqual([wrappedVersion('vault:v12:abc'), wrappedVersion('abc')], [12, 0]);
  });
});
