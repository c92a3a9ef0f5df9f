// `npm test`: the mocha suites, then each in-process Node-RED suite in its own process (Node-RED's runtime is a singleton), then one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summaryLine } from './test-summary';
import type { RunRecord } from './test-summary';

const ROOT = resolve(__dirname, '../..');
const MOCHA = require.resolve('mocha/bin/mocha.js');
const REPORTER = join(__dirname, 'mocha-summary-reporter.js');
const RUNTIME_DIR = join(ROOT, 'dist/test/integration/runtime');

const dir = mkdtempSync(join(tmpdir(), 'secret-sync-test-'));
const summaryFile = join(dir, 'runs.jsonl');

/** Runs mocha with `args`; true when it passed. */
function mocha(run: string, args: string[]): boolean {
  const result = spawnSync(process.execPath, [MOCHA, '--reporter', REPORTER, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, SECRET_SYNC_TEST_SUMMARY: summaryFile, SECRET_SYNC_TEST_RUN: run },
  });
  return result.status === 0;
}

let ok = mocha('mocha', []);
const runtimeFiles = existsSync(RUNTIME_DIR) ? readdirSync(RUNTIME_DIR).filter((f) => f.endsWith('.test.js')).sort() : [];
for (const file of runtimeFiles) {
  // --exit: Node-RED's editor-api arms a session-expiry timer (a week long) on every login and never clears it.
  ok = mocha(file, ['--no-config', '--exit', '--timeout', '30000', '--enable-source-maps', join(RUNTIME_DIR, file)]) && ok;
}
const records = existsSync(summaryFile)
  ? readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RunRecord)
  : [];
rmSync(dir, { recursive: true, force: true });
// A run that crashed before its end wrote no record: count it as a failure the line shows.
const missing = 1 + runtimeFiles.length - records.length;
process.stdout.write(`\n${summaryLine(records)}${missing > 0 ? `; ${missing} run(s) ended without a report` : ''}\n`);
process.exit(ok && missing === 0 ? 0 : 1);
