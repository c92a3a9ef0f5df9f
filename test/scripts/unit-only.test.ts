// Tests for test/helpers/unit-only.ts, the guard of `npm run test:unit`: a test that starts a server or a process fails there, saying where it belongs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/node-red';

describe('npm run test:unit guard (test/helpers/unit-only.ts)', () => {
  it('fails a test that listens or spawns, and lets a pure one pass', function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'unit-only-'));
    const spec = join(dir, 'guarded.test.js');
    writeFileSync(
      spec,
      [
        "const assert = require('node:assert');",
        "it('pure', () => assert.equal(1 + 1, 2));",
        "it('server', (done) => { require('node:http').createServer().listen(0, '127.0.0.1', done); });",
        "it('process', () => { require('node:child_process').spawnSync(process.execPath, ['-e', '']); });",
        "it('process by its prefixed name', () => { const { execFileSync } = require('child_process'); execFileSync(process.execPath, ['-e', '']); });",
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--require', join(REPO_ROOT, 'dist/test/helpers/unit-only.js'), '--reporter', 'json', spec], { encoding: 'utf8' });
    const report = JSON.parse(run.stdout) as { passes: { title: string }[]; failures: { title: string; err: { message: string } }[] };
    assert.deepEqual(report.passes.map((t) => t.title), ['pure']);
    assert.deepEqual(report.failures.map((t) => t.title), ['server', 'process', 'process by its prefixed name']);
    assert.match(report.failures[0]!.err.message, /npm run test:unit starts no server: add this test file to "ignore" in \.mocharc\.unit\.json/);
    assert.match(report.failures[1]!.err.message, /starts no child process/);
  });
});
