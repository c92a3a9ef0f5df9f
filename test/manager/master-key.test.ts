// Tests for src/manager/lib/master-key.ts: env, explicit file, the generated 0600 key file, and no new key beside existing data.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from 'secret-sync-manager';
import type { ManagerError } from 'secret-sync-manager';
import { loadMasterKey } from 'secret-sync-manager/dist/master-key';
import { tempDir } from '../helpers/manager';

describe('manager/master-key', () => {
  let dir: string;
  let lines: string[];
  const logger = createLogger({ sink: (_l, line) => lines.push(line) });

  beforeEach(() => {
    dir = tempDir();
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates master.key with mode 0600 on first start and reuses it after', () => {
    const first = loadMasterKey({ dataDir: dir, logger });
    assert.equal(first.source, 'generated');
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
    const second = loadMasterKey({ dataDir: dir, logger });
    assert.equal(second.source, 'file');
    assert.deepEqual(second.key, first.key);
    assert.ok(!lines.join('\n').includes(first.key.toString('base64')), 'the key itself is never logged');
  });

  it('takes the key from the environment as hex or base64', () => {
    const key = randomBytes(32);
    assert.deepEqual(loadMasterKey({ dataDir: dir, logger, envValue: key.toString('hex') }).key, key);
    assert.deepEqual(loadMasterKey({ dataDir: dir, logger, envValue: key.toString('base64') }).key, key);
  });

  it('refuses a key of the wrong size, naming where it came from', () => {
    assert.throws(
      () => loadMasterKey({ dataDir: dir, logger, envValue: 'short' }),
      (e: ManagerError) => e.code === 'invalid_master_key' && e.message.includes('SECRET_MANAGER_MASTER_KEY'),
    );
  });

  it('fails clearly when an explicit key file is missing, instead of generating one', () => {
    const file = join(dir, 'nope.key');
    assert.throws(() => loadMasterKey({ dataDir: dir, logger, keyFile: file }), (e: ManagerError) => e.code === 'master_key_unreadable');
    assert.throws(() => readFileSync(file));
  });

  it('warns when the key file is readable by others', () => {
    const file = join(dir, 'loose.key');
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, 0o644);
    loadMasterKey({ dataDir: dir, logger, keyFile: file });
    assert.match(lines.join('\n'), /readable by other users/);
  });

  it('generates no key when master.key is missing beside a database that holds data: master_key_missing says which file and what to do', () => {
    for (const [file, bytes] of [['secrets.db', 4096], ['secrets.db-wal', 4096]] as const) {
      rmSync(join(dir, 'secrets.db'), { force: true });
      writeFileSync(join(dir, 'secrets.db'), '');
      writeFileSync(join(dir, file), Buffer.alloc(bytes, 1));
      assert.throws(
        () => loadMasterKey({ dataDir: dir, logger }),
        (e: ManagerError) =>
          e.code === 'master_key_missing' && e.message.includes(join(dir, 'master.key')) && e.message.includes(join(dir, 'secrets.db')) && /restore .* from your backup/.test(e.message),
        file,
      );
      assert.ok(!readdirSync(dir).includes('master.key'), `nothing written (${file})`);
    }
    assert.ok(!lines.some((line) => line.includes('generated')));
  });

  it('still generates the key beside an empty database file (a first start that stopped before writing anything)', () => {
    writeFileSync(join(dir, 'secrets.db'), '');
    assert.equal(loadMasterKey({ dataDir: dir, logger }).source, 'generated');
  });
});
