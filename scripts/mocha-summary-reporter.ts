// Mocha's spec reporter, plus one JSON line per run (passes, failures, skipped titles, time per file) for the end of `npm test`.
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import Mocha from 'mocha';
import type { RunRecord } from './test-summary';

/** Where the record goes; set by scripts/test.ts. Without it the reporter is the plain spec reporter. */
const SUMMARY_FILE_ENV = 'SECRET_SYNC_TEST_SUMMARY';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;
    const pending: string[] = [];
    // A file's time: from the start to the end of each of its top-level suites (their hooks included), added up.
    const started = new Map<Mocha.Suite, number>();
    const files = new Map<string, number>();
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => pending.push(test.fullTitle()));
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.parent?.root === true && suite.file !== undefined) started.set(suite, performance.now());
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const start = started.get(suite);
      if (start === undefined || suite.file === undefined) return;
      const file = relative(process.cwd(), suite.file);
      files.set(file, (files.get(file) ?? 0) + performance.now() - start);
    });
    runner.once(EVENT_RUN_END, () => {
      const target = process.env[SUMMARY_FILE_ENV];
      if (target === undefined) return;
      const record: RunRecord = {
        passes: runner.stats?.passes ?? 0,
        failures: runner.stats?.failures ?? 0,
        pending,
        files: [...files].map(([file, ms]) => ({ file, ms: Math.round(ms) })),
      };
      appendFileSync(target, `${JSON.stringify(record)}\n`);
    });
  }
}

export = SummaryReporter;
