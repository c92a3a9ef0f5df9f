// The files provider's `watch`: woken by inotify (fs.watch on the directory), the rescan as fallback, stable reads only, close() ends the wait.
import assert from 'node:assert/strict';
import fs, { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { FilesProvider } from '../../../src/providers/files/files-provider';
import type { FilesOptions } from '../../../src/providers/files/files-options';
import type { FetchResult } from '../../../src/providers/provider';
import { delay } from '../../../src/shared/delay';
import { SyncError } from '../../../src/shared/sync-error';
import { KubernetesVolume } from '../../helpers/kubernetes-volume';

/** Longest any wait of these tests may take: a bound that ends a broken test, not a timing goal. */
const BOUND_MS = 20_000;
/** A rescan period no test waits for: an answer before it came from a file event. */
const NO_RESCAN_MS = 10 * 60_000;

const signal = (): AbortSignal => AbortSignal.timeout(BOUND_MS);

function secretsOf(result: FetchResult | undefined): Record<string, unknown> {
  assert.ok(result, 'an answer');
  assert.equal(result.status, 'changed');
  return result.status === 'changed' ? (result.secrets as Record<string, unknown>) : {};
}

function versionOf(result: FetchResult): number {
  assert.equal(result.status, 'changed');
  return result.status === 'changed' ? (result.version ?? -1) : -1;
}

describe('providers/files: watch', function () {
  this.timeout(60_000);
  let root: string;
  let dirs = 0;
  const providers: FilesProvider[] = [];
  const newDir = (): string => {
    const dir = join(root, `d${++dirs}`);
    mkdirSync(dir);
    return dir;
  };
  const provider = (dir: string, options: Partial<FilesOptions> = {}): FilesProvider => {
    const made = new FilesProvider({ dir, space: 'demo', ...options });
    providers.push(made);
    return made;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'files-watch-'));
  });
  after(() => {
    for (const p of providers) p.close();
    rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => sinon.restore());

  it("answers a Kubernetes update (the ..data swap) from the directory's file event, long before any rescan", async () => {
    const dir = newDir();
    const volume = new KubernetesVolume(dir);
    volume.write({ A: 'a-1', B: 'b-1' });
    const files = provider(dir, { rescanMs: NO_RESCAN_MS });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 30, signal());
    await delay(100);
    volume.write({ A: 'a-2', B: 'b-2' });
    const answer = await waiting;
    assert.deepEqual(secretsOf(answer), { A: 'a-2', B: 'b-2' });
    assert.ok(answer?.status === 'changed' && answer.version! > version, 'a new version');
  });

  it('answers a plain file rewritten in place (Vault Agent, an operator) from its file event', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'TOKEN'), 't-1\n');
    const files = provider(dir, { rescanMs: NO_RESCAN_MS });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 30, signal());
    await delay(100);
    writeFileSync(join(dir, 'TOKEN'), 't-2\n');
    assert.deepEqual(secretsOf(await waiting), { TOKEN: 't-2' });
  });

  it('finds the change by rescanning when no file event comes (fs.watch unavailable)', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'TOKEN'), 't-1');
    const watch = sinon.stub(fs, 'watch').throws(Object.assign(new Error('no inotify'), { code: 'ENOSPC' }));
    const files = provider(dir, { rescanMs: 100 });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 30, signal());
    await delay(100);
    writeFileSync(join(dir, 'TOKEN'), 't-2');
    assert.deepEqual(secretsOf(await waiting), { TOKEN: 't-2' });
    assert.ok(watch.called, 'the watch was tried');
  });

  it('answers undefined after its seconds when nothing changed, and ignores events of hidden files', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'TOKEN'), 't-1');
    const files = provider(dir, { rescanMs: 200 });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 1, signal());
    writeFileSync(join(dir, '.TOKEN.swp'), 'editor noise');
    assert.equal(await waiting, undefined);
  });

  it('never publishes a file written in two chunks with a pause shorter than the settle time', async () => {
    const dir = newDir();
    const path = join(dir, 'KEY');
    writeFileSync(path, 'value-0-complete');
    const files = provider(dir, { rescanMs: 100 });
    let version = versionOf(await files.fetch({ signal: signal() }));
    const answers: unknown[] = [];
    const stop = new AbortController();
    const watching = (async () => {
      while (!stop.signal.aborted) {
        const answer = await files.waitForChange(version, 5, stop.signal);
        if (answer?.status !== 'changed') continue;
        version = answer.version!;
        answers.push(secretsOf(answer).KEY);
      }
    })();
    for (let i = 1; i <= 4; i++) {
      const fd = openSync(path, 'w');
      writeSync(fd, `value-${i}-`);
      await delay(30);
      writeSync(fd, 'complete');
      closeSync(fd);
      await delay(400);
    }
    const deadline = Date.now() + BOUND_MS;
    while (answers.at(-1) !== 'value-4-complete' && Date.now() < deadline) await delay(50);
    stop.abort();
    await watching;
    assert.equal(answers.at(-1), 'value-4-complete');
    for (const value of answers) assert.match(String(value), /^value-\d-complete$/, `published: ${JSON.stringify(answers)}`);
  });

  it('answers at once (after one rescan period) when the engine still holds an older version: an answer it did not take is given again', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'KEY'), 'v1');
    const files = provider(dir, { rescanMs: 200 });
    const first = versionOf(await files.fetch({ signal: signal() }));
    writeFileSync(join(dir, 'KEY'), 'v2');
    await files.fetch({ signal: signal() });
    // The engine joined another sync and dropped that answer: it still holds the first version.
    assert.deepEqual(secretsOf(await files.waitForChange(first, 30, signal())), { KEY: 'v2' });
  });

  it('after a failed read, the next good one is answered even with the contents the engine holds, so its status recovers', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'KEY'), 'v1');
    const files = provider(dir, { rescanMs: NO_RESCAN_MS, settleMs: 20 });
    const version = versionOf(await files.fetch({ signal: signal() }));
    writeFileSync(join(dir, 'BIG'), 'x'.repeat(70_000));
    await assert.rejects(files.fetch({ signal: signal() }), (err: unknown) => err instanceof SyncError && err.code === 'file_too_large');
    rmSync(join(dir, 'BIG'));
    // The same contents as the engine's version: without the failure, this wait would run its 30 s.
    assert.deepEqual(secretsOf(await files.waitForChange(version, 30, signal())), { KEY: 'v1' });
  });

  it('close() ends a wait in flight without an answer', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'KEY'), 'v1');
    const files = provider(dir, { rescanMs: NO_RESCAN_MS });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 30, signal());
    await delay(100);
    files.close();
    assert.equal(await waiting, undefined);
  });

  it('fails the wait with a coded error when the directory goes away (the watch loop then reports a degraded watch)', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'KEY'), 'v1');
    const files = provider(dir, { rescanMs: 200 });
    const version = versionOf(await files.fetch({ signal: signal() }));
    const waiting = files.waitForChange(version, 30, signal()).then(
      () => undefined,
      (err: unknown) => err,
    );
    await delay(100);
    rmSync(dir, { recursive: true });
    const error = await waiting;
    assert.ok(error instanceof SyncError);
    assert.equal(error.code, 'files_dir_missing');
  });
});
