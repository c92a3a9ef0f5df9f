// bench/results.json: each bench writes its own key into it, keeping the others'.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's bench/results.json, seen from dist/bench. */
export const RESULTS_FILE = join(__dirname, '../../bench/results.json');

/** Writes `value` under `key` in bench/results.json, every other key as it was. */
export function mergeResult(key: string, value: unknown): void {
  const previous = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...previous, [key]: value }, null, 2)}\n`);
}
