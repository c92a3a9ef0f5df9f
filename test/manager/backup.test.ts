// Tests for src/manager/lib/backup.ts, restore.ts and manager-operations.ts: what a backup holds, what a restore checks, and what clients see after it.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from 'secret-sync-manager';
import type { ManagerError } from 'secret-sync-manager';
import { takeBackup } from 'secret-sync-manager/dist/backup';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { openKeyedDatabase } from 'secret-sync-manager/dist/key-setup';
import { ManagerOperations } from 'secret-sync-manager/dist/manager-operations';
import { loadSqlite } from 'secret-sync-manager/dist/quiet-sqlite';
import { restoreBackup } from 'secret-sync-manager/dist/restore';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { request } from '../helpers/http';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

const logger = createLogger({ level: 'error' });
const rejectsWith = async (promise: Promise<unknown>, code: string): Promise<void> => {
  await assert.rejects(promise, (e: ManagerError) => e.code === code || assert.fail(`${e.code}: ${e.message}`));
};

describe('manager/backup and restore', function () {
  this.timeout(30_000);
  let m: TestManager;
  let dirs: string[];
  const dir = (): string => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };

  beforeEach(async () => {
    dirs = [];
    m = await startTestManager();
  });
  afterEach(async () => {
    await m.stop();
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it('writes an owner-only copy that holds sealed values, no master key, and counts what it holds', async () => {
    const value = canary('backup-value');
    assert.equal((await m.api('POST', '/v1/org/secrets', { body: { name: 'ORG_KEY', value: { user: 'u', password: value } } })).status, 201);
    const file = join(dir(), 'b.db');
    const summary = await takeBackup(join(m.dataDir, 'secrets.db'), file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual([summary.secrets, summary.tokens, summary.transitKey, summary.bytes], [1, 1, null, statSync(file).size]);
    const bytes = readFileSync(file);
    assert.ok(!bytes.includes(value), 'the value is sealed');
    const key = Buffer.from(readFileSync(join(m.dataDir, 'master.key'), 'utf8').trim(), 'base64');
    for (const form of [key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('hex'))]) assert.ok(!bytes.includes(form), 'the master key is not in it');
    // One file: no WAL beside it is needed to read it.
    assert.deepEqual(readdirSync(join(file, '..')), ['b.db']);
  });

  it('leaves no partial file when the backup fails, and refuses a data directory without a database', async () => {
    const target = dir();
    await rejectsWith(takeBackup(join(dir(), 'secrets.db'), join(target, 'b.db')), 'no_database');
    await assert.rejects(takeBackup(join(m.dataDir, 'secrets.db'), join(target, 'missing-dir', 'b.db')));
    assert.deepEqual(readdirSync(target), []);
  });

  it('takes one server backup at a time, pauses after each (backup_in_progress with the seconds to wait), and audits each before it is sent', async () => {
    const dataDir = dir();
    const keyed = await openKeyedDatabase({ dataDir, logger, recover: true });
    try {
      const secrets = new SecretStore(keyed.db, keyed.cipher, new ChangeFeed());
      let clock = 1_000_000;
      const operations = new ManagerOperations({ db: keyed.db, dataDir, secrets, key: keyed, logger, now: () => clock });
      const actor = { id: 't1', name: 'nightly cron', ip: '10.0.0.9' };
      const busy = (retryAfter: number) => (e: ManagerError) => e.code === 'backup_in_progress' && (e.details as { retryAfter: number }).retryAfter === retryAfter;
      const first = operations.backup(actor);
      await assert.rejects(operations.backup(actor), busy(10));
      const taken = await first;
      assert.ok(existsSync(taken.file));
      await assert.rejects(operations.backup(actor), busy(10), 'still being sent');
      clock += 300;
      await taken.release();
      assert.ok(!existsSync(taken.file), 'the sent copy is removed');
      // It took 300 ms: the next starts 4 × 300 ms later.
      await assert.rejects(operations.backup(actor), busy(2));
      clock += 1199;
      await assert.rejects(operations.backup(actor), busy(1));
      clock += 1;
      await (await operations.backup(actor)).release();
      // The time of the last backup, for the metrics' backup age.
      assert.match(keyed.db.getMeta('backup_last_at') ?? '', /^\d{4}-\d\d-\d\dT/);
      const entries = keyed.db.sql.prepare("SELECT actor, ip, target FROM audit WHERE action = 'backup.create'").all() as { actor: string; ip: string; target: string }[];
      assert.equal(entries.length, 2);
      assert.deepEqual([entries[0]?.actor, entries[0]?.ip], ['nightly cron', '10.0.0.9']);
      assert.match(entries[0]?.target ?? '', /^secret-manager-\d{8}T\d{6}Z\.db$/);
    } finally {
      keyed.db.close();
    }
  });

  it('refuses a file that is not a backup, a damaged one and one from a newer manager, and writes no database', async () => {
    const good = join(dir(), 'good.db');
    await takeBackup(join(m.dataDir, 'secrets.db'), good);
    const keyFile = join(m.dataDir, 'master.key');
    const restore = (file: string, dataDir = dir()): Promise<unknown> => restoreBackup({ file, dataDir, masterKeyFile: keyFile, logger });

    const text = join(dir(), 'notes.txt');
    writeFileSync(text, 'not a database at all, but long enough to look like one '.repeat(100));
    await rejectsWith(restore(text), 'backup_invalid');
    const truncated = join(dir(), 'truncated.db');
    copyFileSync(good, truncated);
    truncateSync(truncated, Math.floor(statSync(good).size / 2));
    await rejectsWith(restore(truncated), 'backup_invalid');
    const newer = join(dir(), 'newer.db');
    copyFileSync(good, newer);
    const sql = new (loadSqlite().DatabaseSync)(newer);
    sql.exec('PRAGMA user_version = 999');
    sql.close();
    await rejectsWith(restore(newer), 'backup_too_new');
    await rejectsWith(restore(join(dir(), 'absent.db')), 'backup_not_found');
    const target = dir();
    await rejectsWith(restore(text, target), 'backup_invalid');
    assert.deepEqual(readdirSync(target), [], 'nothing is left in the data directory');
  });

  it('after a restore, no client copy from before matches: the ETag changes and a long poll with a version from the lost timeline is answered at once', async () => {
    const reader = await m.readToken('demo');
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: 'restored' } })).status, 201);
    const file = join(dir(), 'b.db');
    await takeBackup(join(m.dataDir, 'secrets.db'), file);
    // The lost timeline: changes after the backup, which a plugin read.
    for (const value of ['lost-1', 'lost-2', 'lost-3']) assert.equal((await m.api('PATCH', '/v1/spaces/demo/secrets/A', { body: { value } })).status, 200);
    const lost = await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: reader });
    const { version } = lost.body as { version: number };

    const restoredDir = dir();
    copyFileSync(join(m.dataDir, 'master.key'), join(restoredDir, 'master.key'));
    const summary = await restoreBackup({ file, dataDir: restoredDir, logger });
    assert.equal(summary.secrets, 1);
    const restoredMeta = new (loadSqlite().DatabaseSync)(join(restoredDir, 'secrets.db'), { readOnly: true });
    const lastAt = (restoredMeta.prepare("SELECT value FROM meta WHERE key = 'backup_last_at'").get() as { value: string }).value;
    restoredMeta.close();
    assert.equal(lastAt, summary.takenAt, 'its last backup is the one it came from');
    const restored = await startTestManager({ dataDir: restoredDir, adminToken: m.adminToken });
    dirs.push(restoredDir);
    try {
      const conditional = await request('GET', `${restored.url}/v1/spaces/demo/secrets`, { token: reader, headers: { 'if-none-match': lost.headers.get('etag') ?? '' } });
      assert.equal(conditional.status, 200, 'the old ETag does not match the restored database');
      // Held, it would end as a 304 and the plugin would keep 'lost-3'.
      const poll = await request('GET', `${restored.url}/v1/spaces/demo/secrets?wait=3&version=${version}`, { token: reader });
      assert.equal(poll.status, 200);
      assert.deepEqual((poll.body as { secrets: unknown }).secrets, { A: 'restored' });
      const audit = (await restored.api('GET', '/v1/audit?action=backup.restore')).body as { entries: { actor: string; target: string }[] };
      assert.deepEqual(audit.entries.map((e) => [e.actor, e.target]), [['secret-manager', 'b.db']]);
    } finally {
      await restored.stop(true);
    }
  });
});
