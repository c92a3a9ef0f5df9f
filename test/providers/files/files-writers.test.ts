// The files provider against what real writers do on disk: the kubelet's atomic writer, Docker/Swarm secrets, Vault Agent, an operator copying by hand.
import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { FilesProvider } from '../../../src/providers/files/files-provider';
import type { FilesOptions } from '../../../src/providers/files/files-options';
import type { FetchResult } from '../../../src/providers/provider';
import { delay } from '../../../src/shared/delay';
import { KubernetesVolume } from '../../helpers/kubernetes-volume';
import { secretsOf } from '../../helpers/provider-results';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

function skippedOf(result: FetchResult): string[] {
  return result.status === 'changed' ? (result.skipped ?? []).map((s) => s.key) : [];
}

/** A delay that runs `action` the first time the provider waits for the directory to hold still: the writer goes on meanwhile. */
function writerContinuesDuringSettle(action: () => void): FilesOptions['delay'] {
  let done = false;
  return async (ms, abort) => {
    if (!done) {
      done = true;
      action();
    }
    await delay(ms, abort);
  };
}

describe('providers/files: what writers do on disk', function () {
  this.timeout(30_000);
  let root: string;
  let dirs = 0;
  const providers: FilesProvider[] = [];
  const newDir = (): string => {
    const dir = join(root, `d${++dirs}`);
    mkdirSync(dir);
    return dir;
  };
  const provider = (options: Partial<FilesOptions> & { dir: string }): FilesProvider => {
    const made = new FilesProvider({ space: 'demo', settleMs: 20, ...options });
    providers.push(made);
    return made;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'files-writers-'));
  });
  after(() => {
    for (const p of providers) p.close();
    // Docker's read-only modes first, so the temp directory can go.
    for (const dir of readdirSync(root)) chmodSync(join(root, dir), 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => sinon.restore());

  describe('Kubernetes Secret volume (the atomic writer)', () => {
    it('reads each key through its ..data symlink and ignores ..data, ..data_tmp and the timestamped directories', async () => {
      const dir = newDir();
      new KubernetesVolume(dir).write({ API_TOKEN: 'tok-1', 'mqtt.json': '{"username":"device-1","password":"pw-1"}' });
      assert.ok(readdirSync(dir).some((name) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./.test(name)), 'a timestamped directory, as the kubelet makes');
      const result = await provider({ dir }).fetch({ signal: signal() });
      assert.deepEqual(secretsOf(result), { API_TOKEN: 'tok-1', mqtt: { username: 'device-1', password: 'pw-1' } });
      assert.deepEqual(skippedOf(result), []);
    });

    it('answers "unchanged" for an untouched volume without opening a file', async () => {
      const dir = newDir();
      new KubernetesVolume(dir).write({ A: 'a', B: 'b' });
      // The default settle: longer than a clock tick, so the answer has an ETag.
      const files = provider({ dir, settleMs: undefined });
      const first = await files.fetch({ signal: signal() });
      const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
      assert.ok(etag, 'an ETag once the files are older than a clock tick');
      const opened = sinon.spy(fsPromises, 'open');
      assert.deepEqual(await files.fetch({ etag, signal: signal() }), { status: 'unchanged' });
      assert.equal(opened.callCount, 0);
    });

    it('looked at between every step of an update: each answer holds the old payload or the new one whole, never a mix, and ends on the new one', async () => {
      const dir = newDir();
      const volume = new KubernetesVolume(dir);
      const before = { A: 'a-1', B: 'b-1', GONE: 'g-1' };
      const after = { A: 'a-2', B: 'b-2', NEW: 'n-2' };
      volume.write(before);
      const files = provider({ dir });
      let last = await files.fetch({ signal: signal() });
      assert.deepEqual(secretsOf(last), before);
      const seen: string[] = [];
      for (const step of volume.steps(after)) {
        const answer = await files.fetch({ etag: last.status === 'changed' ? (last.etag ?? undefined) : undefined, signal: signal() });
        if (answer.status === 'unchanged') continue;
        last = answer;
        const secrets = secretsOf(answer);
        const oldOne = secrets.A === 'a-1';
        // The ..data swap moves every key at once: A and B always come from the same payload.
        assert.equal(secrets.B, oldOne ? 'b-1' : 'b-2', `after "${step}": ${JSON.stringify(secrets)}`);
        assert.equal(secrets.A, oldOne ? 'a-1' : 'a-2');
        for (const [key, value] of Object.entries(secrets)) assert.ok(value === (before as Record<string, string>)[key] || value === (after as Record<string, string>)[key], `${key} after "${step}"`);
        seen.push(`${step}: ${oldOne ? 'old' : 'new'}`);
      }
      assert.deepEqual(secretsOf(last), after, seen.join('; '));
      assert.deepEqual(skippedOf(last), [], 'the removed key is gone, not skipped, once the writer finished');
    });
  });

  describe('Docker / Swarm secrets', () => {
    it('reads plain read-only files (mode 0444 in a read-only directory) and removes the newline an editor left', async () => {
      const dir = newDir();
      writeFileSync(join(dir, 'db_password'), 'hunter2-db\n', { mode: 0o444 });
      writeFileSync(join(dir, 'api_key'), 'k-123', { mode: 0o444 });
      writeFileSync(join(dir, 'multi_line'), 'line 1\nline 2\n\n', { mode: 0o444 });
      chmodSync(dir, 0o555);
      const files = provider({ dir });
      const secrets = secretsOf(await files.fetch({ signal: signal() }));
      assert.deepEqual(secrets, { api_key: 'k-123', db_password: 'hunter2-db', multi_line: 'line 1\nline 2\n' }, 'exactly one trailing newline removed');
      // Swarm secrets never change in place: a rotation is a new container, and a new provider reads the same.
      assert.deepEqual(secretsOf(await provider({ dir }).fetch({ signal: signal() })), secrets);
    });
  });

  describe('Vault Agent templates', () => {
    it('rendered by rename (consul-template writes a temporary file with a numeric name next to it): the temporary file is never a key', async () => {
      const dir = newDir();
      writeFileSync(join(dir, 'DB_PASSWORD'), 'old-password\n');
      const temp = join(dir, '4093847561');
      const files = provider({ dir, delay: writerContinuesDuringSettle(() => renameSync(temp, join(dir, 'DB_PASSWORD'))) });
      const first = await provider({ dir }).fetch({ signal: signal() });
      assert.deepEqual(secretsOf(first), { DB_PASSWORD: 'old-password' });
      // The agent has written its temporary file and is about to rename it when the provider looks.
      writeFileSync(temp, 'new-password\n', { mode: 0o644 });
      const answer = await files.fetch({ signal: signal() });
      assert.deepEqual(secretsOf(answer), { DB_PASSWORD: 'new-password' });
      assert.deepEqual(skippedOf(answer), []);
    });

    it('rewritten in place (truncated, then written): the empty file between the two is never published', async () => {
      const dir = newDir();
      const path = join(dir, 'DB_PASSWORD');
      writeFileSync(path, 'old-password\n');
      const files = provider({ dir, delay: writerContinuesDuringSettle(() => writeFileSync(path, 'new-password\n', { flag: 'a' })) });
      writeFileSync(path, '');
      assert.deepEqual(secretsOf(await files.fetch({ signal: signal() })), { DB_PASSWORD: 'new-password' });
    });
  });

  describe('an operator copying a file by hand', () => {
    it('written in two chunks with a pause: the first half is never published', async () => {
      const dir = newDir();
      const path = join(dir, 'LICENSE_KEY');
      writeFileSync(path, 'old-key\n');
      const fd = openSync(path, 'w');
      writeSync(fd, 'AAAA-BBBB-');
      const files = provider({
        dir,
        delay: writerContinuesDuringSettle(() => {
          writeSync(fd, 'CCCC-DDDD\n');
          closeSync(fd);
        }),
      });
      assert.deepEqual(secretsOf(await files.fetch({ signal: signal() })), { LICENSE_KEY: 'AAAA-BBBB-CCCC-DDDD' });
    });
  });
});
