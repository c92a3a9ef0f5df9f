// The files provider's rules (README, "Read secrets from files"): hidden entries, names, newlines, sizes, unreadable files, KEY.json, the directory itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { FilesProvider } from '../../../src/providers/files/files-provider';
import type { FilesOptions } from '../../../src/providers/files/files-options';
import { MAX_FILE_BYTES } from '../../../src/providers/files/files-read';
import { MAX_ENTRIES } from '../../../src/providers/files/files-scan';
import type { FetchResult } from '../../../src/providers/provider';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import { buildSnapshot } from '../../../src/plugin/core/snapshot';
import { canary } from '../../helpers/manager';
import { memoryLogger } from '../../helpers/logger';
import { failure, secretsOf } from '../../helpers/provider-results';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

function skippedOf(result: FetchResult): Record<string, string> {
  return Object.fromEntries(result.status === 'changed' ? (result.skipped ?? []).map((s) => [s.key, s.reason]) : []);
}

describe('providers/files: the rules', function () {
  this.timeout(60_000);
  let root: string;
  let dirs = 0;
  const providers: FilesProvider[] = [];
  const newDir = (files: Record<string, string | Buffer> = {}): string => {
    const dir = join(root, `d${++dirs}`);
    mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  };
  const provider = (dir: string, options: Partial<FilesOptions> = {}): FilesProvider => {
    const made = new FilesProvider({ dir, space: 'demo', settleMs: 20, ...options });
    providers.push(made);
    return made;
  };
  const fetchDir = (dir: string): Promise<FetchResult> => provider(dir).fetch({ signal: signal() });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'files-rules-'));
  });
  after(() => {
    for (const p of providers) p.close();
    rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => sinon.restore());

  it('ignores hidden entries (..data, ..2026_…, .swp files): they are neither keys nor skipped', async () => {
    const dir = newDir({ KEY: 'v', '.KEY.swp': 'editor', '.env': 'X=1' });
    mkdirSync(join(dir, '..2026_11_30_08_00_00.123'));
    symlinkSync('..2026_11_30_08_00_00.123', join(dir, '..data'));
    const result = await fetchDir(dir);
    assert.deepEqual(secretsOf(result), { KEY: 'v' });
    assert.deepEqual(skippedOf(result), {});
  });

  it('skips and names a file whose name the plugin cannot accept, and never opens it', async () => {
    const hidden = canary('files-bad-name');
    const dir = newDir({ GOOD: 'good', 'my key': hidden, 'db.password': hidden, ['__proto__']: hidden, 'constructor.json': '{"a":"b"}', ['x'.repeat(129)]: hidden });
    const opened = sinon.spy(fsPromises, 'open');
    const result = await fetchDir(dir);
    assert.deepEqual(secretsOf(result), { GOOD: 'good' });
    const skipped = skippedOf(result);
    assert.deepEqual(Object.keys(skipped).sort(), ['__proto__', 'constructor.json', 'db.password', 'my key', 'x'.repeat(128)].sort());
    assert.equal(skipped['__proto__'], 'reserved name');
    assert.equal(skipped['my key'], "not letters, digits, '_' and '-'");
    const paths = opened.getCalls().map((call) => String(call.args[0]));
    assert.deepEqual(paths, [join(dir, 'GOOD')], 'only the good file was opened');
    assert.ok(!JSON.stringify(result).includes(hidden));
    assert.equal(Object.getPrototypeOf(secretsOf(result)), Object.prototype, 'no name reached the prototype');
  });

  it('removes exactly one trailing newline (\\n or \\r\\n), nothing else', async () => {
    const dir = newDir({ LF: 'v\n', TWO: 'v\n\n', CRLF: 'v\r\n', NONE: 'v', EMPTY: '', ONLY: '\n', SPACES: ' v \n', INNER: 'a\nb' });
    assert.deepEqual(secretsOf(await fetchDir(dir)), { CRLF: 'v', EMPTY: '', INNER: 'a\nb', LF: 'v', NONE: 'v', ONLY: '', SPACES: ' v ', TWO: 'v\n' });
  });

  it('reads a file of 64 KiB; one of 64 KiB + 1 is an error naming the file, never its content, and the engine keeps the last good secrets', async () => {
    const value = canary('files-big');
    const dir = newDir({ SMALL: 's', BIG: value.repeat(Math.ceil(MAX_FILE_BYTES / value.length)).slice(0, MAX_FILE_BYTES) });
    const files = provider(dir);
    const lines: string[] = [];
    const engine = new SyncEngine({ provider: files, policy: { ...DEFAULT_RETRY_POLICY, retries: 0 }, logger: memoryLogger(lines), space: 'demo' });
    assert.equal((await engine.sync('manual')).ok, true);
    assert.equal((engine.snapshot.secrets.BIG as string).length, MAX_FILE_BYTES);
    writeFileSync(join(dir, 'BIG'), `${value}`.repeat(Math.ceil((MAX_FILE_BYTES + 1) / value.length)).slice(0, MAX_FILE_BYTES + 1));
    writeFileSync(join(dir, 'SMALL'), 's2');
    const error = await failure(files.fetch({ signal: signal() }));
    assert.equal(error.code, 'file_too_large');
    assert.match(error.message, /BIG in .* is larger than 64 KiB/);
    const outcome = await engine.sync('manual');
    assert.equal(outcome.error?.code, 'file_too_large');
    assert.equal(engine.snapshot.secrets.SMALL, 's', 'nothing of the new files is published');
    for (const text of [error.message, JSON.stringify(error), ...lines]) assert.ok(!text.includes(value), text);
  });

  it('fails on a file it cannot read, naming it: a symlink loop (ELOOP), and permissions where the tests do not run as root', async () => {
    const dir = newDir({ OK: 'ok' });
    symlinkSync('LOOP', join(dir, 'LOOP'));
    const loop = await failure(fetchDir(dir));
    assert.deepEqual([loop.code, /Cannot read LOOP in .*\(ELOOP\)/.test(loop.message)], ['file_unreadable', true], loop.message);
    const locked = newDir({ OK: 'ok', LOCKED: canary('files-locked') });
    chmodSync(join(locked, 'LOCKED'), 0o000);
    if (process.getuid?.() === 0) {
      // Root reads a mode-000 file anyway: that case cannot be made here, the symlink loop above stands for it.
      assert.equal(secretsOf(await fetchDir(locked)).OK, 'ok');
      return;
    }
    const denied = await failure(fetchDir(locked));
    assert.equal(denied.code, 'file_unreadable');
    assert.match(denied.message, /Cannot read LOCKED in .*: permission denied \(EACCES\)/);
  });

  it('skips and names what is not a file: a folder, a symlink to nothing, a pipe, a file that is not UTF-8', async function () {
    const dir = newDir({ OK: 'ok', BINARY: Buffer.from([0xff, 0xfe, 0x00, 0x80]) });
    mkdirSync(join(dir, 'FOLDER'));
    symlinkSync('..data/GONE', join(dir, 'DANGLING'));
    const fifo = spawnSync('mkfifo', [join(dir, 'PIPE')]).status === 0;
    const result = await fetchDir(dir);
    assert.deepEqual(secretsOf(result), { OK: 'ok' });
    const skipped = skippedOf(result);
    assert.match(skipped.FOLDER ?? '', /a folder, not a key/);
    assert.match(skipped.DANGLING ?? '', /a symlink to nothing/);
    assert.match(skipped.BINARY ?? '', /not UTF-8 text/);
    if (fifo) assert.match(skipped.PIPE ?? '', /not a regular file/);
  });

  it('reads KEY.json holding a JSON object as the multi-pair secret KEY; anything else named .json is skipped and named, its content nowhere', async () => {
    const hidden = canary('files-json');
    const dir = newDir({
      'MQTT.json': JSON.stringify({ username: 'device-1', password: 'pw' }),
      'PORTS.json': JSON.stringify({ mqtt: 1883 }),
      'BROKEN.json': `{"password": "${hidden}"`,
      'LIST.json': JSON.stringify([hidden]),
      'NESTED.json': JSON.stringify({ a: { b: hidden } }),
      'ODD.json': JSON.stringify({ 'a b': hidden }),
    });
    const result = await fetchDir(dir);
    const secrets = secretsOf(result);
    assert.deepEqual(secrets.MQTT, { username: 'device-1', password: 'pw' });
    assert.deepEqual(Object.keys(skippedOf(result)).sort(), ['BROKEN.json', 'LIST.json', 'NESTED.json', 'ODD.json']);
    for (const reason of Object.values(skippedOf(result))) assert.match(reason, /not a JSON object of strings/);
    // A number goes on to the snapshot, which skips the key with the reason every provider gives.
    const snapshot = buildSnapshot(secrets);
    assert.deepEqual(snapshot.skipped, [{ key: 'PORTS', reason: "pair 'mqtt' is a number, not text: store it as a string" }]);
    assert.ok(!JSON.stringify(result).includes(hidden));
  });

  it('when KEY and KEY.json both exist, the plain file KEY wins and KEY.json is skipped and named', async () => {
    const dir = newDir({ DB: 'plain-value\n', 'DB.json': JSON.stringify({ user: 'u', password: 'p' }) });
    const result = await fetchDir(dir);
    assert.deepEqual(secretsOf(result), { DB: 'plain-value' });
    assert.match(skippedOf(result)['DB.json'] ?? '', /the plain file wins/);
  });

  it('fails with a coded error when the directory is missing or not a directory', async () => {
    const missing = await failure(fetchDir(join(root, 'nope')));
    assert.equal(missing.code, 'files_dir_missing');
    assert.match(missing.message, /does not exist: check secretSync\.files\.dir \(SECRET_SYNC_FILES_DIR\)/);
    const file = join(newDir({ F: 'x' }), 'F');
    assert.equal((await failure(fetchDir(file))).code, 'files_dir_invalid');
  });

  it('bounds what it reads: more than 10 MiB in all, or more entries than the engine takes, is an error', async () => {
    const chunk = 'x'.repeat(MAX_FILE_BYTES);
    const big = newDir(Object.fromEntries(Array.from({ length: 161 }, (_, i) => [`K${i}`, chunk])));
    assert.equal((await failure(fetchDir(big))).code, 'files_too_large');
    const many = newDir();
    for (let i = 0; i <= MAX_ENTRIES; i++) writeFileSync(join(many, `K${i}`), '');
    const opened = sinon.spy(fsPromises, 'open');
    assert.equal((await failure(fetchDir(many))).code, 'files_too_many');
    assert.equal(opened.callCount, 0, 'refused before any file is opened');
  });

  it('gives no ETag to a listing changed within a clock tick, so the next poll reads again', async () => {
    const dir = newDir({ FRESH: 'v' });
    const first = await provider(dir, { settleMs: 0 }).fetch({ signal: signal() });
    assert.equal(first.status === 'changed' ? first.etag : 'none', null);
  });
});
