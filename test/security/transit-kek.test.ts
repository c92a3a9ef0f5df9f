// The master key kept in OpenBao Transit, against a real OpenBao: start, restart, OpenBao away, transit key rotation, AppRole, and a stolen data directory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { opensKeyCheck } from 'secret-sync-manager/dist/key-check';
import { loadSqlite } from 'secret-sync-manager/dist/quiet-sqlite';
import { runCli, serveFailure, startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { request } from '../helpers/http';
import { canary, tempDir } from '../helpers/manager';
import { countBaoTests, freePort, requireBao, startBaoDev } from '../helpers/openbao';
import type { BaoDev } from '../helpers/openbao';

const KEY = 'secret-manager';
const POLICY = ['encrypt', 'decrypt', 'rewrap'].map((op) => `path "transit/${op}/${KEY}" { capabilities = ["update"] }`).join('\n');

/** The SHA-256 of nothing. */
const EMPTY = createHash('sha256').digest('hex');

/** The data directory's files and their hashes: what "nothing written" compares. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')]));
}

/** The `kek` and `key_check` meta rows of a stopped data directory. */
function metaOf(dataDir: string): { kek: { ciphertext: string; key: string }; keyCheck: string } {
  const sql = new (loadSqlite().DatabaseSync)(join(dataDir, 'secrets.db'), { readOnly: true });
  try {
    const get = (key: string): string => (sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
    return { kek: JSON.parse(get('kek')) as { ciphertext: string; key: string }, keyCheck: get('key_check') };
  } finally {
    sql.close();
  }
}

describe('security: the master key kept in OpenBao Transit', function () {
  this.timeout(120_000);
  countBaoTests(this, 'transit KEK');
  let bao: BaoDev;
  let token: string;
  const dirs: string[] = [];
  let serves: ServeProcess[] = [];
  const dir = (): string => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };
  const kekEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
    SECRET_MANAGER_KEK: 'transit',
    SECRET_MANAGER_KEK_ADDR: bao.url,
    SECRET_MANAGER_KEK_KEY: KEY,
    SECRET_MANAGER_KEK_TOKEN: token,
    ...overrides,
  });
  const serve = async (dataDir: string, env: Record<string, string>): Promise<ServeProcess> => {
    const started = await startServe(dataDir, env);
    serves.push(started);
    return started;
  };
  const stop = async (s: ServeProcess): Promise<void> => {
    s.child.kill('SIGTERM');
    await s.exited;
  };
  const tokenWith = async (policy: string, name: string): Promise<string> => {
    assert.equal((await bao.api('PUT', `sys/policies/acl/${name}`, { body: { policy } })).status, 204);
    const res = await bao.api('POST', 'auth/token/create', { body: { policies: [name], no_default_policy: true } });
    return (res.body as { auth: { client_token: string } }).auth.client_token;
  };

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
    assert.equal((await bao.api('POST', 'sys/mounts/transit', { body: { type: 'transit' } })).status, 204);
    assert.equal((await bao.api('POST', `transit/keys/${KEY}`, { body: {} })).status < 300, true);
    token = await tokenWith(POLICY, 'secret-manager');
  });
  after(async () => {
    await bao?.stop();
  });
  afterEach(async () => {
    await Promise.all(serves.map(async (s) => (s.child.exitCode === null && s.child.signalCode === null ? stop(s) : undefined)));
    serves = [];
    for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('starts and restarts with only the wrapped key in the data directory; the stolen directory opens with no key found in it, and the token is never printed', async () => {
    const dataDir = dir();
    const admin = canary('admin');
    const value = canary('transit-value');
    let m = await serve(dataDir, { ...kekEnv(), SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.equal((await request('POST', `${m.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'A', value } })).status, 201);
    await stop(m);
    m = await serve(dataDir, { ...kekEnv(), SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.deepEqual((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: admin })).body, { space: 'demo', version: 1, secrets: { A: value } });
    await stop(m);
    assert.ok(!readdirSync(dataDir).includes('master.key'), 'no key file');
    assert.match(metaOf(dataDir).kek.ciphertext, /^vault:v1:/);
    for (const s of serves) assert.ok(!s.output().includes(token), 'the OpenBao token is not in the log');

    // The thief has the files: without OpenBao they do not start, and no 32 bytes in them (raw, base64 or hex) open the key check.
    const withoutKek = await serveFailure(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.match(withoutKek, /\[kek_transit_required\]/);
    const { keyCheck } = metaOf(dataDir);
    let tried = 0;
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, name));
      assert.ok(!bytes.includes(value), `${name} holds no value in clear`);
      const candidates: Buffer[] = [];
      for (let i = 0; i + 32 <= bytes.length; i++) candidates.push(bytes.subarray(i, i + 32));
      for (const word of bytes.toString('latin1').match(/[A-Za-z0-9+/=]{43,}|[0-9a-fA-F]{64}/g) ?? []) {
        candidates.push(Buffer.from(word, /^[0-9a-fA-F]{64}$/.test(word) ? 'hex' : 'base64').subarray(0, 32));
      }
      for (const candidate of candidates.filter((c) => c.length === 32)) {
        tried++;
        assert.ok(!opensKeyCheck(keyCheck, new Cipher(candidate)), `no key in ${name}`);
      }
    }
    assert.ok(tried > 1000, `${tried} candidate keys tried`);
    // Nor with OpenBao and a token that may not use the transit key.
    const stranger = await tokenWith('path "secret/*" { capabilities = ["read"] }', 'stranger');
    const denied = await serveFailure(dataDir, kekEnv({ SECRET_MANAGER_KEK_TOKEN: stranger }));
    assert.match(denied, /\[kek_denied\]/);
    assert.ok(!denied.includes(stranger), 'the refused token is not printed');
  });

  it('with OpenBao away, a first start fails with kek_unavailable and writes nothing, and a restart fails the same and changes no file', async () => {
    const away = `http://127.0.0.1:${await freePort()}`;
    const fresh = join(dir(), 'data');
    const first = await serveFailure(fresh, kekEnv({ SECRET_MANAGER_KEK_ADDR: away }));
    assert.match(first, /\[kek_unavailable\]/);
    assert.throws(() => statSync(fresh), 'no data directory was made');

    const dataDir = dir();
    const m = await serve(dataDir, kekEnv());
    await stop(m);
    const before = snapshot(dataDir);
    const restart = await serveFailure(dataDir, kekEnv({ SECRET_MANAGER_KEK_ADDR: away }));
    assert.match(restart, /\[kek_unavailable\]/);
    // Reading the wrapped key opens the database read-only, which lets SQLite make its index beside it (-shm) and an empty -wal.
    const after = snapshot(dataDir);
    assert.equal(after['secrets.db-wal'] ?? EMPTY, EMPTY, 'nothing waits in a WAL');
    delete after['secrets.db-wal'];
    delete after['secrets.db-shm'];
    assert.deepEqual(after, before, 'no file changed, none was added');
  });

  it('after the transit key is rotated, the next start rewraps the master key with the latest version (audited), so the old version can be retired', async () => {
    const dataDir = dir();
    const admin = canary('admin');
    const keyName = 'rotating-key';
    assert.ok((await bao.api('POST', `transit/keys/${keyName}`, { body: {} })).status < 300);
    const env = { ...kekEnv({ SECRET_MANAGER_KEK_KEY: keyName, SECRET_MANAGER_KEK_TOKEN: bao.rootToken }), SECRET_MANAGER_ADMIN_TOKEN: admin };
    let m = await serve(dataDir, env);
    assert.equal((await request('POST', `${m.url}/v1/org/secrets`, { token: admin, body: { name: 'K', value: 'v' } })).status, 201);
    await stop(m);
    assert.ok((await bao.api('POST', `transit/keys/${keyName}/rotate`, { body: {} })).status < 300);
    m = await serve(dataDir, env);
    assert.match(m.output(), /rewrapped the master key with version 2 of transit key 'rotating-key'/);
    const audit = (await request('GET', `${m.url}/v1/audit?action=master_key.rewrap`, { token: admin })).body as { entries: { target: string }[] };
    assert.deepEqual(audit.entries.map((e) => e.target), ['v1 to v2']);
    await stop(m);
    assert.match(metaOf(dataDir).kek.ciphertext, /^vault:v2:/);
    // Version 1 retired: a key still wrapped with it could not be opened any more.
    assert.ok((await bao.api('POST', `transit/keys/${keyName}/config`, { body: { min_decryption_version: 2 } })).status < 300);
    m = await serve(dataDir, env);
    assert.deepEqual(((await request('GET', `${m.url}/v1/spaces/any/secrets`, { token: admin })).body as { secrets: unknown }).secrets, { K: 'v' });
  });

  it('rotate-master-key wraps the new key in OpenBao; a backup restores through OpenBao and is refused with another transit key', async () => {
    const dataDir = dir();
    const admin = canary('admin');
    const value = canary('before-rotation');
    const m = await serve(dataDir, { ...kekEnv(), SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.equal((await request('POST', `${m.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'A', value } })).status, 201);
    const file = join(dir(), 'backup.db');
    const backup = await runCli(['--data-dir', dataDir, 'backup', file]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /the master key is in it only wrapped by transit key 'secret-manager'/);
    const wrappedBefore = (await runCli(['--url', m.url, 'rotate-master-key', '--json'], { env: { SECRET_MANAGER_TOKEN: admin } }));
    assert.equal(wrappedBefore.code, 0, wrappedBefore.stderr);
    assert.equal((JSON.parse(wrappedBefore.stdout) as { keeper: string }).keeper, 'transit');
    assert.deepEqual(((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: admin })).body as { secrets: unknown }).secrets, { A: value });
    await stop(m);
    assert.ok(!readdirSync(dataDir).some((name) => name.startsWith('master.key')), 'no key file, before or after the rotation');

    const restored = dir();
    const restore = await runCli(['--data-dir', restored, 'restore', file], { env: kekEnv() });
    assert.equal(restore.code, 0, restore.stderr);
    const copy = await serve(restored, { ...kekEnv(), SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.deepEqual(((await request('GET', `${copy.url}/v1/spaces/demo/secrets`, { token: admin })).body as { secrets: unknown }).secrets, { A: value });

    assert.ok((await bao.api('POST', 'transit/keys/another-key', { body: {} })).status < 300);
    const other = dir();
    const refused = await runCli(['--data-dir', other, 'restore', file], { env: kekEnv({ SECRET_MANAGER_KEK_KEY: 'another-key', SECRET_MANAGER_KEK_TOKEN: bao.rootToken }) });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\[backup_key_mismatch\]\n$/);
    assert.deepEqual(readdirSync(other), []);
    for (const out of [backup, wrappedBefore, restore, refused]) assert.ok(!(out.stdout + out.stderr).includes(token));
  });

  it('logs in with AppRole (secret id from a file) instead of a token', async () => {
    assert.equal((await bao.api('POST', 'sys/auth/approle', { body: { type: 'approle' } })).status, 204);
    assert.equal((await bao.api('POST', 'auth/approle/role/secret-manager', { body: { token_policies: ['secret-manager'] } })).status, 204);
    const roleId = ((await bao.api('GET', 'auth/approle/role/secret-manager/role-id')).body as { data: { role_id: string } }).data.role_id;
    const secretId = ((await bao.api('POST', 'auth/approle/role/secret-manager/secret-id', { body: {} })).body as { data: { secret_id: string } }).data.secret_id;
    const secretIdFile = join(dir(), 'secret-id');
    writeFileSync(secretIdFile, `${secretId}\n`, { mode: 0o600 });
    const env = { ...kekEnv({ SECRET_MANAGER_KEK_TOKEN: '', SECRET_MANAGER_KEK_ROLE_ID: roleId, SECRET_MANAGER_KEK_SECRET_ID_FILE: secretIdFile }) };
    const dataDir = dir();
    await stop(await serve(dataDir, env));
    const m = await serve(dataDir, env);
    assert.match(m.output(), /master key from transit key 'secret-manager'/);
    assert.ok(!m.output().includes(secretId));
  });

  it('moves a data directory whose key is a file into OpenBao with rotate-master-key --offline, and retires master.key', async () => {
    const dataDir = dir();
    const admin = canary('admin');
    const value = canary('moved');
    let m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.equal((await request('POST', `${m.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'A', value } })).status, 201);
    await stop(m);
    const refused = await serveFailure(dataDir, kekEnv());
    assert.match(refused, /\[kek_not_transit\]/);
    const moved = await runCli(['--data-dir', dataDir, 'rotate-master-key', '--offline'], { env: kekEnv() });
    assert.equal(moved.code, 0, moved.stderr);
    assert.ok(!readdirSync(dataDir).includes('master.key'), 'the key file is retired');
    m = await serve(dataDir, { ...kekEnv(), SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.deepEqual(((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: admin })).body as { secrets: unknown }).secrets, { A: value });
  });
});
