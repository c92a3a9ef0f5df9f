// Reads the files of one directory listing into global.SECRETS entries: one file per key, `KEY.json` as pairs, the rules of README "Read secrets from files".
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject } from '../../shared/guards';
import { NAME_MAX_LENGTH, nameProblem } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import type { DirEntry, DirScan } from './files-scan';

/** Largest file read as a value: a larger one is an error that keeps the last good secrets. */
export const MAX_FILE_BYTES = 64 * 1024;
/** Most bytes read from one directory, all files together. */
export const MAX_TOTAL_BYTES = 10 * 1024 * 1024;
/** Most pairs in one `KEY.json` (the engine's limit of pairs in a multi-pair secret). */
const MAX_PAIRS = 1_000;
/** Files read at once. */
const READS_AT_ONCE = 16;

/** What the files held: the entries for global.SECRETS, what was left out and why, and a fingerprint of both. */
export interface DirRead {
  secrets: Record<string, unknown>;
  skipped: { key: string; reason: string }[];
  bytes: number;
  /** Equal for equal contents: tells a real change from new stats over the same bytes. */
  fingerprint: string;
}

const KEEPS = 'global.SECRETS keeps the last good secrets';

const REASONS = {
  folder: 'a folder, not a key: only the files directly in secretSync.files.dir are read',
  missing: 'a symlink to nothing (or removed while read)',
  other: 'not a regular file (a pipe, a socket or a device)',
  text: 'not UTF-8 text',
  json: 'named .json but not a JSON object of strings: not read as a multi-pair secret',
  shadowed: 'a file without .json of the same key exists: the plain file wins',
} as const;

/** Reads a file of at most {@link MAX_FILE_BYTES}; undefined when it vanished since the listing. */
async function readBounded(dir: string, name: string): Promise<Buffer | undefined> {
  let handle;
  try {
    // O_NONBLOCK: a pipe put in the file's place since the listing cannot hold the read.
    handle = await open(join(dir, name), constants.O_RDONLY | constants.O_NONBLOCK);
    const own = await handle.stat();
    if (!own.isFile()) return undefined;
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_FILE_BYTES) throw tooLarge(dir, name);
    }
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof SyncError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unreadable(dir, name, code);
  } finally {
    await handle?.close();
  }
}

function tooLarge(dir: string, name: string): SyncError {
  return new SyncError('file_too_large', `${name} in ${dir} is larger than 64 KiB, the most a value may hold; ${KEEPS}`);
}

function unreadable(dir: string, name: string, code: string | undefined): SyncError {
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : 'read failed';
  return new SyncError('file_unreadable', `Cannot read ${name} in ${dir}: ${why}${code === undefined ? '' : ` (${code})`}; ${KEEPS}`);
}

/** The text of a file with exactly one trailing newline (`\n` or `\r\n`) removed; undefined when it is not UTF-8. */
function textOf(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The pairs of a `KEY.json`, or undefined when it is not a JSON object of at most {@link MAX_PAIRS} safe names and text values. */
function pairsOf(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the file: it is never kept.
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const names = Object.keys(parsed);
  if (names.length > MAX_PAIRS) return undefined;
  for (const name of names) {
    const value = parsed[name];
    if (nameProblem(name) !== undefined) return undefined;
    // A number or a boolean goes on: the snapshot skips the key and says to store it as text, as for every provider.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  }
  return parsed;
}

/** What one entry becomes: a value for `key`, or a skip with its reason. */
type Outcome = { key: string; value: unknown; bytes: number } | { skip: string; reason: string } | undefined;

async function readEntry(dir: string, entry: DirEntry, plainFiles: ReadonlySet<string>): Promise<Outcome> {
  const { name } = entry;
  const stem = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
  const json = stem !== undefined && nameProblem(stem) === undefined;
  if (!json) {
    const problem = nameProblem(name);
    // A name flows cannot address is never opened: its content plays no part.
    if (problem !== undefined) return { skip: name.slice(0, NAME_MAX_LENGTH), reason: problem };
  }
  if (json && plainFiles.has(stem)) return { skip: name, reason: REASONS.shadowed };
  switch (entry.kind) {
    case 'folder':
    case 'missing':
    case 'other':
      return { skip: name, reason: REASONS[entry.kind] };
    case 'unreadable':
      throw unreadable(dir, name, entry.code);
    case 'file':
      break;
  }
  if (entry.size > MAX_FILE_BYTES) throw tooLarge(dir, name);
  const bytes = await readBounded(dir, name);
  // Gone since the listing: the check after the read sees it and reads again.
  if (bytes === undefined) return { skip: name, reason: REASONS.missing };
  const text = textOf(bytes);
  if (text === undefined) return { skip: name, reason: REASONS.text };
  if (!json) return { key: name, value: text, bytes: bytes.length };
  const pairs = pairsOf(text);
  return pairs === undefined ? { skip: name, reason: REASONS.json } : { key: stem, value: pairs, bytes: bytes.length };
}

/** Reads every visible entry of `scan`; throws a coded SyncError naming the file (never its content) for one too large or unreadable. */
export async function readEntries(dir: string, scan: DirScan, signal: AbortSignal): Promise<DirRead> {
  const plainFiles = new Set(scan.entries.filter((e) => e.kind === 'file' && nameProblem(e.name) === undefined).map((e) => e.name));
  const outcomes: Outcome[] = [];
  let total = 0;
  for (let i = 0; i < scan.entries.length; i += READS_AT_ONCE) {
    signal.throwIfAborted();
    const chunk = await Promise.all(scan.entries.slice(i, i + READS_AT_ONCE).map((entry) => readEntry(dir, entry, plainFiles)));
    for (const outcome of chunk) total += outcome !== undefined && 'bytes' in outcome ? outcome.bytes : 0;
    if (total > MAX_TOTAL_BYTES) throw new SyncError('files_too_large', `The files in ${dir} hold more than 10 MiB together; ${KEEPS}`);
    outcomes.push(...chunk);
  }
  const values: [string, unknown][] = [];
  const skipped: { key: string; reason: string }[] = [];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if ('skip' in outcome) skipped.push({ key: outcome.skip, reason: outcome.reason });
    else values.push([outcome.key, outcome.value]);
  }
  // fromEntries defines own properties: no name reaches a prototype.
  const secrets = Object.fromEntries(values);
  const fingerprint = createHash('sha256').update(JSON.stringify([values, skipped])).digest('base64url');
  return { secrets, skipped, bytes: total, fingerprint };
}
