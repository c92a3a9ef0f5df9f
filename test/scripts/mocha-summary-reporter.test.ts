// Tests for scripts/mocha-summary-reporter.ts in a real mocha process: skipped suites are counted as skipped tests, and each file's time is recorded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunRecord } from '../../scripts/test-summary';
import { REPO_ROOT } from '../helpers/node-red';

describe('scripts/mocha-summary-reporter', () => {
  it('records a suite skipped in its before hook as skipped tests, and the time of each file', function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'summary-reporter-'));
    const skipping = join(dir, 'skipping.test.js');
    const waiting = join(dir, 'waiting.test.js');
    writeFileSync(skipping, "describe('e2e: fake', function () { before(function () { this.skip(); }); it('a', () => {}); it('b', () => {}); });\ndescribe('plain', () => { it('c', () => {}); });\n");
    // Two top-level suites in one file, 60 ms of hooks and tests in all: the file's time adds them up.
    writeFileSync(waiting, "const wait = (ms) => new Promise((r) => setTimeout(r, ms));\ndescribe('one', () => { before(() => wait(30)); it('d', () => {}); });\ndescribe('two', () => { it('e', () => wait(30)); });\n");
    const file = join(dir, 'runs.jsonl');
    const run = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--reporter', join(REPO_ROOT, 'dist/scripts/mocha-summary-reporter.js'), skipping, waiting], {
      cwd: REPO_ROOT,
      env: { ...process.env, SECRET_SYNC_TEST_SUMMARY: file },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /3 passing/);
    const record = JSON.parse(readFileSync(file, 'utf8').trim()) as RunRecord;
    assert.equal(record.passes, 3);
    assert.deepEqual(record.pending, ['e2e: fake a', 'e2e: fake b']);
    assert.deepEqual(record.files.map((f) => f.file), [relative(REPO_ROOT, skipping), relative(REPO_ROOT, waiting)]);
    assert.ok(record.files[1]!.ms >= 55, `waiting.test.js took ${record.files[1]!.ms} ms by the record, at least 60 ms by its timers`);
  });
});
