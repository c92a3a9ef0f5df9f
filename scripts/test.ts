// `npm test`: the mocha suites on Node-RED 5, then the Node-RED suites once per tested line (5.0 and 4.1), each run in its own process, then the times and one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NODE_RED_ENV, NODE_RED_LINES, nodeRedInstall } from '../test/helpers/node-red-version';
import type { NodeRedLine } from '../test/helpers/node-red-version';
import { summaryLine, timesReport } from './test-summary';
import type { RunRecord, RunResult } from './test-summary';

const ROOT = resolve(__dirname, '../..');
const MOCHA = require.resolve('mocha/bin/mocha.js');
const REPORTER = join(__dirname, 'mocha-summary-reporter.js');
/** Suites that start Node-RED in child processes (test/helpers/node-red-child.ts): one mocha run per line. */
const INTEGRATION_DIR = join(ROOT, 'dist/test/integration');
/** Suites that start Node-RED in this process, a singleton: one mocha run per file and line. */
const RUNTIME_DIR = join(ROOT, 'dist/test/integration/runtime');

const dir = mkdtempSync(join(tmpdir(), 'secret-sync-test-'));

function testFiles(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.test.js')).sort() : [];
}

/** One mocha process: its name in the summary, its arguments, and the Node-RED line it starts. */
interface Run {
  name: string;
  args: string[];
  line: NodeRedLine;
  /** Set for the runs of the compatibility matrix: the version they test. */
  nodeRed?: string;
}

// Everything but test/integration (.mocharc.json), browser suites included, on the default line.
const runs: Run[] = [{ name: 'mocha', args: [], line: NODE_RED_LINES[0]! }];
for (const line of NODE_RED_LINES) {
  const { version } = nodeRedInstall(line);
  const integration = testFiles(INTEGRATION_DIR);
  if (integration.length > 0) runs.push({ name: 'integration', args: ['--no-config', '--timeout', '15000', '--enable-source-maps', ...integration.map((f) => join(INTEGRATION_DIR, f))], line, nodeRed: version });
  for (const file of testFiles(RUNTIME_DIR)) {
    // --exit: Node-RED's editor-api arms a session-expiry timer (a week long) on every login and never clears it.
    runs.push({ name: file, args: ['--no-config', '--exit', '--timeout', '30000', '--enable-source-maps', join(RUNTIME_DIR, file)], line, nodeRed: version });
  }
}

/** Runs mocha for `run`; its result, with the record its reporter wrote (none when it ended without one). */
function mocha(run: Run, index: number): RunResult & { ok: boolean } {
  const summaryFile = join(dir, `run-${index}.jsonl`);
  const start = performance.now();
  const result = spawnSync(process.execPath, [MOCHA, '--reporter', REPORTER, ...run.args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, SECRET_SYNC_TEST_SUMMARY: summaryFile, [NODE_RED_ENV]: run.line },
  });
  const ms = performance.now() - start;
  const text = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8').trim() : '';
  const record = text === '' ? undefined : (JSON.parse(text) as RunRecord);
  return { name: run.name, ...(run.nodeRed === undefined ? {} : { nodeRed: run.nodeRed }), ms, ...(record ? { record } : {}), ok: result.status === 0 };
}

const results = runs.map(mocha);
rmSync(dir, { recursive: true, force: true });
const ok = results.every((r) => r.ok && r.record !== undefined);
process.stdout.write(`\n${timesReport(results).join('\n')}\n${summaryLine(results)}\n`);
process.exit(ok ? 0 : 1);
