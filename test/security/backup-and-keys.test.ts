// Backups under a write load, restores that refuse the wrong key, and master-key rotations killed with SIGKILL at any moment: the real CLI and server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, serveFailure, startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { request } from '../helpers/http';
import { KILL_AT_ROTATION_ENV } from '../helpers/kill-at-rotation';
import { canary, tempDir } from '../helpers/manager';
import { seedDataDir } from '../helpers/seed-data-dir';
import { loadValue } from '../helpers/write-load';

const WRITE_LOAD = join(__dirname, '../helpers/write-load.js');
const KILL_HOOK = join(__dirname, '../helpers/kill-at-rotation.js');
const WRITERS = 3;

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Stops a serve process with SIGKILL (if it still runs) and waits for it. */
async function kill(serve: ServeProcess): Promise<void> {
  if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
  await serve.exited;
}

describe('security: backups, restores and master-key rotation', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const dir = (): string => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };
  let serves: ServeProcess[] = [];
  const serve = async (dataDir: string, env: Record<string, string>): Promise<ServeProcess> => {
    const started = await startServe(dataDir, env);
    serves.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(serves.map(kill));
    serves = [];
    for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  /** What space `space` of the manager at `url` reads, with `token`. */
  const readSpace = async (url: string, token: string, space: string): Promise<Record<string, unknown>> => {
    const res = await request('GET', `${url}/v1/spaces/${space}/secrets`, { token });
    assert.equal(res.status, 200, res.text);
    return (res.body as { secrets: Record<string, unknown> }).secrets;
  };

  it('takes backups while writers, readers and a long poll keep going; each restored copy holds every write acknowledged before it, and no torn state', async () => {
    const dataDir = dir();
    const admin = canary('admin-token');
    const m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    const reader = ((await request('POST', `${m.url}/v1/tokens`, { token: admin, body: { space: 'load' } })).body as { token: string }).token;
    const acked = new Map<string, string>();
    const load = spawn(process.execPath, [WRITE_LOAD, m.url, admin, String(WRITERS)]);
    let pending = '';
    load.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [, name, value] = line.split(' ');
        if (name !== undefined && value !== undefined) acked.set(name, value);
      }
    });
    let loadErrors = '';
    load.stderr.on('data', (d: Buffer) => (loadErrors += d.toString()));
    const loadExited = new Promise<number | null>((done) => load.on('exit', done));
    // Readers and a long poll, all through the backups.
    let reading = true;
    const readStatuses: number[] = [];
    const readers = Array.from({ length: 2 }, async () => {
      while (reading) readStatuses.push((await request('GET', `${m.url}/v1/spaces/load/secrets`, { token: reader })).status);
    });
    const version = ((await request('GET', `${m.url}/v1/spaces/watch/secrets`, { token: admin })).body as { version: number }).version;
    const longPoll = request('GET', `${m.url}/v1/spaces/watch/secrets?wait=60&version=${version}`, { token: admin });
    try {
      while (acked.size < 30) await new Promise((r) => setTimeout(r, 20));
      const backups: { file: string; before: Map<string, string> }[] = [];
      for (let i = 0; i < 4; i++) {
        const file = join(dir(), `backup-${i}.db`);
        const before = new Map(acked);
        // Alternately on the data directory and through the running server (a cron job on another host).
        const args = i % 2 === 0 ? ['--data-dir', dataDir, 'backup', file] : ['--url', m.url, 'backup', '--remote', file];
        const taken = await runCli(args, { env: { SECRET_MANAGER_TOKEN: admin } });
        assert.equal(taken.code, 0, taken.stderr);
        assert.match(taken.stdout, /the master key is NOT in it/);
        backups.push({ file, before });
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(acked.size > backups[0]!.before.size, 'the writers kept writing during the backups');
      const wake = await request('POST', `${m.url}/v1/spaces/watch/secrets`, { token: admin, body: { name: 'WAKE', value: 'up' } });
      assert.equal(wake.status, 201);
      assert.equal((await longPoll).status, 200, 'the long poll opened before the backups was answered by the change after them');
      reading = false;
      await Promise.all(readers);
      assert.ok(readStatuses.length > 0 && readStatuses.every((s) => s === 200), `every read during the backups was served: ${[...new Set(readStatuses)].join(', ')}`);
      load.kill('SIGTERM');
      assert.equal(await loadExited, 0, loadErrors);
      assert.equal(loadErrors, '', 'no write failed during the backups');

      const key = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
      for (const { file, before } of backups) {
        const bytes = readFileSync(file);
        assert.ok(!bytes.includes(loadValue(0, 0)), 'no value in clear in the backup');
        for (const form of [Buffer.from(key, 'base64'), Buffer.from(key), Buffer.from(Buffer.from(key, 'base64').toString('hex'))]) {
          assert.ok(!bytes.includes(form), 'the master key is not in the backup, in any form');
        }
        const restored = dir();
        const restore = await runCli(['--data-dir', restored, 'restore', file, '--master-key-file', join(dataDir, 'master.key')]);
        assert.equal(restore.code, 0, restore.stderr);
        const copy = await serve(restored, { SECRET_MANAGER_ADMIN_TOKEN: admin, SECRET_MANAGER_MASTER_KEY_FILE: join(dataDir, 'master.key') });
        const secrets = await readSpace(copy.url, admin, 'load');
        for (const [name, value] of before) assert.equal(secrets[name], value, `${name}, acknowledged before the backup, is in it`);
        // One commit's state: each writer's writes are a prefix (write i+1 was sent only after write i was acknowledged).
        for (let w = 0; w < WRITERS; w++) {
          const held = Object.keys(secrets).filter((name) => name.startsWith(`LOAD_${w}_`)).map((name) => Number(name.split('_')[2]));
          assert.deepEqual(held.sort((a, b) => a - b), held.map((_, i) => i), `writer ${w}'s writes in the copy have no gap`);
          for (const i of held) assert.equal(secrets[`LOAD_${w}_${i}`], loadValue(w, i));
        }
        await kill(copy);
      }
      // Each backup is in the audit trail, by whom.
      const audit = await request('GET', `${m.url}/v1/audit?action=operations`, { token: admin });
      const entries = (audit.body as { entries: { action: string; actor: string }[] }).entries;
      assert.equal(entries.filter((e) => e.action === 'backup.create').length, 4);
      assert.ok(entries.some((e) => e.action === 'backup.create' && e.actor === 'from SECRET_MANAGER_ADMIN_TOKEN'), 'the backup over HTTP names its token');
    } finally {
      reading = false;
      load.kill('SIGKILL');
    }
  });

  it('POST /v1/backup is for admin bearer tokens only: a viewer, a read token, a console session and no token get no copy of the database', async () => {
    const dataDir = dir();
    const admin = canary('admin-token');
    const m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    const token = async (body: unknown): Promise<string> => ((await request('POST', `${m.url}/v1/tokens`, { token: admin, body })).body as { token: string }).token;
    const viewer = await token({ role: 'viewer' });
    const reader = await token({ space: 'demo' });
    const signIn = await request('POST', `${m.url}/v1/session`, { body: { token: admin } });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const asSession = await request('POST', `${m.url}/v1/backup`, { headers: { cookie, 'x-secret-manager-console': '1' } });
    const refused = [
      [await request('POST', `${m.url}/v1/backup`, { token: viewer }), 403],
      [await request('POST', `${m.url}/v1/backup`, { token: reader }), 403],
      [await request('POST', `${m.url}/v1/backup`), 401],
      [asSession, 403],
      [await request('POST', `${m.url}/v1/master-key/rotate`, { token: viewer }), 403],
      [await request('POST', `${m.url}/v1/master-key/rotate`, { headers: { cookie, 'x-secret-manager-console': '1' } }), 403],
    ] as const;
    for (const [res, status] of refused) {
      assert.equal(res.status, status, res.text);
      assert.notEqual(res.headers.get('content-type'), 'application/vnd.sqlite3');
    }
    const taken = await request('POST', `${m.url}/v1/backup`, { token: admin });
    assert.equal(taken.status, 200);
    assert.equal(taken.headers.get('content-type'), 'application/vnd.sqlite3');
    assert.match(taken.headers.get('content-disposition') ?? '', /^attachment; filename="secret-manager-\d{8}T\d{6}Z\.db"$/);
  });

  it('restore refuses a backup the configured key cannot open and a data directory that holds a database, and writes nothing', async () => {
    const dataDir = dir();
    const admin = canary('admin-token');
    const m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.equal((await request('POST', `${m.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'A', value: canary('value') } })).status, 201);
    const file = join(dir(), 'backup.db');
    assert.equal((await runCli(['--data-dir', dataDir, 'backup', file])).code, 0);

    const elsewhere = dir();
    const wrongKey = await runCli(['--data-dir', elsewhere, 'restore', file], { env: { SECRET_MANAGER_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /\[backup_key_mismatch\]\n$/);
    assert.ok(!existsSync(join(elsewhere, 'secrets.db')), 'no database was written');

    const before = sha(join(dataDir, 'secrets.db'));
    const occupied = await runCli(['--data-dir', dataDir, 'restore', file]);
    assert.equal(occupied.code, 1);
    assert.match(occupied.stderr, /\[restore_target_not_empty\]\n$/);
    assert.equal(sha(join(dataDir, 'secrets.db')), before, 'the live database is untouched');

    const noKey = await runCli(['--data-dir', dir(), 'restore', file]);
    assert.match(noKey.stderr, /\[master_key_missing\]\n$/, 'restore never generates a key');
  });

  it('a rotation killed with SIGKILL at random moments (10 kills) always leaves a data directory that starts and reads every value, under the old key or the new', async () => {
    const dataDir = dir();
    const expected = await seedDataDir(dataDir, 3000);
    const admin = canary('admin-token');
    const env = { SECRET_MANAGER_ADMIN_TOKEN: admin };
    const keyFile = join(dataDir, 'master.key');
    // How long one rotation takes here: the kills land anywhere from before it starts to after it ends.
    let m = await serve(dataDir, env);
    const started = Date.now();
    assert.equal((await request('POST', `${m.url}/v1/master-key/rotate`, { token: admin })).status, 200);
    const took = Date.now() - started;
    await kill(m);
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const keyBefore = readFileSync(keyFile, 'utf8');
      const delay = Math.floor(Math.random() * took * 1.5);
      if (round % 2 === 0) {
        // Online: the server rotates, and dies.
        m = await serve(dataDir, env);
        void request('POST', `${m.url}/v1/master-key/rotate`, { token: admin }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, delay));
        await kill(m);
      } else {
        // Offline: the CLI rotates a stopped server's data directory, and dies.
        const cli = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'rotate-master-key', '--offline'], { stdio: 'ignore' });
        const exited = new Promise((done) => cli.on('exit', done));
        await new Promise((r) => setTimeout(r, delay + 150));
        cli.kill('SIGKILL');
        await exited;
      }
      m = await serve(dataDir, env);
      assert.deepEqual(await readSpace(m.url, admin, 'seed'), expected, `round ${round} (killed after ${delay} ms): every value reads`);
      assert.ok(!existsSync(`${keyFile}.next`), 'the start finished or undid the rotation');
      outcomes.push(`${delay} ms: ${readFileSync(keyFile, 'utf8') === keyBefore ? 'old key' : 'new key'}`);
      await kill(m);
    }
    process.stdout.write(`      rotation killed at: ${outcomes.join('; ')}\n`);
  });

  it('a rotation killed before its commit keeps the old key, and one killed between its commit and the rename of master.key.next is finished by the next start', async () => {
    const dataDir = dir();
    const expected = await seedDataDir(dataDir, 20, 64);
    const admin = canary('admin-token');
    const keyFile = join(dataDir, 'master.key');
    for (const [step, outcome] of [['reseal', 'old'], ['rename', 'new']] as const) {
      const keyBefore = readFileSync(keyFile, 'utf8');
      const m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin, NODE_OPTIONS: `--require ${KILL_HOOK}`, [KILL_AT_ROTATION_ENV]: step });
      await request('POST', `${m.url}/v1/master-key/rotate`, { token: admin }).catch(() => undefined);
      assert.equal(await m.exited, 'SIGKILL');
      assert.ok(existsSync(`${keyFile}.next`), `killed at ${step}: the next key was kept first`);
      const next = readFileSync(`${keyFile}.next`, 'utf8');
      const restarted = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
      assert.deepEqual(await readSpace(restarted.url, admin, 'seed'), expected);
      assert.equal(readFileSync(keyFile, 'utf8'), outcome === 'old' ? keyBefore : next, `killed at ${step}: the data is under the ${outcome} key`);
      assert.ok(!existsSync(`${keyFile}.next`));
      assert.match(restarted.output(), outcome === 'old' ? /removed .*master\.key\.next: a master-key rotation was stopped before it committed/ : /finished a master-key rotation stopped after its commit/);
      await kill(restarted);
    }
  });

  it('rotates online while readers, writers and a long poll go on: no read fails, writes during it are sealed with the new key, the old key no longer opens the data', async () => {
    const dataDir = dir();
    const expected = await seedDataDir(dataDir, 2000);
    const oldKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    const admin = canary('admin-token');
    const m = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    const reader = ((await request('POST', `${m.url}/v1/tokens`, { token: admin, body: { space: 'seed', description: 'reader' } })).body as { token: string }).token;
    let reading = true;
    const seen: unknown[] = [];
    const readers = Array.from({ length: 3 }, async () => {
      while (reading) {
        const res = await request('GET', `${m.url}/v1/spaces/seed/secrets`, { token: reader });
        seen.push(res.status === 200 ? (res.body as { secrets: Record<string, string> }).secrets.SEED_0 : res.status);
      }
    });
    const version = ((await request('GET', `${m.url}/v1/spaces/seed/secrets`, { token: reader })).body as { version: number }).version;
    const longPoll = request('GET', `${m.url}/v1/spaces/seed/secrets?wait=60&version=${version}`, { token: reader });
    const written: Record<string, string> = {};
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const value = canary(`during-${i}`);
        const res = await request('POST', `${m.url}/v1/spaces/seed/secrets`, { token: admin, body: { name: `DURING_${i}`, value } });
        assert.equal(res.status, 201, res.text);
        written[`DURING_${i}`] = value;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const rotated = await runCli(['--url', m.url, 'rotate-master-key'], { env: { SECRET_MANAGER_TOKEN: admin } });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /^rotated the master key: \d+ values sealed again; the new key is in .*master\.key\. Backups taken before now need the old key\n$/);
    await new Promise((r) => setTimeout(r, 100));
    writing = false;
    await writer;
    reading = false;
    await Promise.all(readers);
    assert.ok(seen.length > 0 && seen.every((v) => v === expected.SEED_0), `every read during the rotation answered the value: ${[...new Set(seen)].join(', ')}`);
    assert.equal((await longPoll).status, 200, 'the long poll was answered by a write');
    const audit = (await request('GET', `${m.url}/v1/audit?action=master_key.rotate`, { token: admin })).body as { entries: { actor: string; target: string }[] };
    assert.deepEqual(audit.entries.map((e) => [e.actor, e.target]), [['from SECRET_MANAGER_ADMIN_TOKEN', 'file']]);
    await kill(m);

    const newKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    assert.notEqual(newKey, oldKey);
    for (const key of [oldKey, newKey, Buffer.from(newKey, 'base64').toString('hex')]) {
      assert.ok(!(rotated.stdout + rotated.stderr + m.output()).includes(key), 'no key in the CLI output or the server log');
    }
    const restarted = await serve(dataDir, { SECRET_MANAGER_ADMIN_TOKEN: admin });
    assert.deepEqual(await readSpace(restarted.url, admin, 'seed'), { ...expected, ...written }, 'every value, also those written during the rotation, opens with the new key');
    await kill(restarted);
    const withOld = await serveFailure(dataDir, { SECRET_MANAGER_MASTER_KEY: oldKey });
    assert.match(withOld, /\[master_key_mismatch\]/, 'the old key no longer opens the data');
  });
});
