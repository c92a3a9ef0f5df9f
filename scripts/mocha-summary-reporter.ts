// Mocha's spec reporter, plus one JSON line per run (passes, failures, skipped titles) for the final line of `npm test`.
import { appendFileSync } from 'node:fs';
import Mocha from 'mocha';
import type { RunRecord } from './test-summary';

/** Where the records go; set by scripts/test.ts. Without it the reporter is the plain spec reporter. */
const SUMMARY_FILE_ENV = 'SECRET_SYNC_TEST_SUMMARY';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const pending: string[] = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test: Mocha.Test) => pending.push(test.fullTitle()));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env[SUMMARY_FILE_ENV];
      if (file === undefined) return;
      const record: RunRecord = { run: process.env.SECRET_SYNC_TEST_RUN ?? 'mocha', passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending };
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    });
  }
}

export = SummaryReporter;
