// Provider for a directory of one file per key (Kubernetes Secret volumes, Docker/Swarm secrets, Vault Agent templates): stat-only polls, stable reads, `watch` by inotify.
import { delay } from '../../shared/delay';
import { SyncError } from '../../shared/sync-error';
import type { FetchRequest, FetchResult, SecretProvider } from '../provider';
import type { FilesOptions } from './files-options';
import { readEntries } from './files-read';
import type { DirRead } from './files-read';
import { scanDir } from './files-scan';
import type { DirScan } from './files-scan';
import { DirWatcher } from './files-watch';

/** Default time the directory must hold still before a read. */
export const DEFAULT_SETTLE_MS = 200;
/** Default rescan period of `watch` when no file event comes. */
export const DEFAULT_RESCAN_MS = 2_000;
/** Stability checks before a sync gives up on a directory that keeps changing (retryable). */
const MAX_SETTLE_ROUNDS = 20;
/** Answers remembered by version, so a wait knows what the engine holds. */
const VERSIONS_KEPT = 16;

/** What an answer was read from: the listing's hash, whether it was racy, and the contents' fingerprint. */
interface Answered {
  hash: string;
  racy: boolean;
  fingerprint: string;
}

/** A read that held still: the listing before and after it was equal. */
type StableRead = DirRead & { scan: DirScan };

const etagOf = (scan: DirScan): string => `files@${scan.hash}`;

/** Reads one directory as the space's secrets (README, "Read secrets from files"). */
export class FilesProvider implements SecretProvider {
  readonly name = 'files';
  /** The directory, shown as the status's address. */
  readonly address: string;
  readonly #dir: string;
  readonly #settleMs: number;
  readonly #rescanMs: number;
  readonly #delay: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #now: () => number;
  /** Aborted by close(): ends every wait in flight. */
  readonly #closed = new AbortController();
  /**
   * Versions count the changed contents this provider answered since it
   * started (a directory has no version of its own); the watch loop waits on
   * them like on the Secret Manager's.
   */
  #version = 0;
  readonly #answered = new Map<number, Answered>();
  /** When the last answer went out, and its fingerprint: the same contents are not answered again at once (see waitForChange). */
  #lastAnswer: { at: number; fingerprint: string } | undefined;
  /** The last read failed: the next good one is answered even with the contents the engine holds, so its status recovers. */
  #failed = false;

  constructor(options: FilesOptions) {
    this.#dir = options.dir;
    this.address = options.dir;
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.#rescanMs = options.rescanMs ?? DEFAULT_RESCAN_MS;
    this.#delay = options.delay ?? delay;
    this.#now = options.now ?? Date.now;
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    const signal = AbortSignal.any([request.signal, this.#closed.signal]);
    this.#checkAborted(signal);
    try {
      const scan = await scanDir(this.#dir, this.#now());
      // Names, sizes, times and inodes unchanged: no file is opened.
      if (!scan.racy && request.etag === etagOf(scan)) return { status: 'unchanged' };
      return this.#answer(await this.#stableRead(scan, signal));
    } catch (err) {
      if (!signal.aborted) this.#failed = true;
      throw err;
    }
  }

  /**
   * Resolves with the new secrets once the files differ from what answer
   * `version` held, or undefined after `seconds` (or on abort, or close()).
   * It wakes at a file event of the directory and at each rescan.
   */
  async waitForChange(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined> {
    const own = AbortSignal.any([signal, this.#closed.signal]);
    const deadline = this.#now() + seconds * 1000;
    const watcher = new DirWatcher(this.#dir, this.#rescanMs);
    let held = this.#answered.get(version);
    try {
      for (;;) {
        if (own.aborted) return undefined;
        const scan = await scanDir(this.#dir, this.#now());
        watcher.follow(scan.dirId);
        let holdUntil = deadline;
        if (held === undefined || held.racy || scan.hash !== held.hash || this.#failed) {
          const read = await this.#stableRead(scan, own);
          const again = this.#lastAnswer?.fingerprint === read.fingerprint ? this.#lastAnswer.at + this.#rescanMs : 0;
          if (this.#failed) {
            // The files are good again (a too large file removed): the engine's status learns it from this answer.
            return this.#answer(read);
          } else if (held?.fingerprint === read.fingerprint) {
            held = { hash: read.scan.hash, racy: read.scan.racy, fingerprint: read.fingerprint };
          } else if (this.#now() >= again) {
            return this.#answer(read);
          } else {
            // The engine did not take these contents a moment ago (its publish failed): ask again only after a rescan period, not in a loop.
            holdUntil = again;
          }
        }
        const left = Math.min(deadline, holdUntil) - this.#now();
        if (this.#now() >= deadline) return undefined;
        await watcher.next(Math.max(left, 0), own);
      }
    } catch (err) {
      if (own.aborted) return undefined;
      this.#failed = true;
      throw err;
    } finally {
      watcher.close();
    }
  }

  /** Ends every wait in flight and its watch. */
  close(): void {
    this.#closed.abort();
  }

  #answer(read: StableRead): FetchResult {
    const last = this.#answered.get(this.#version);
    if (last?.fingerprint !== read.fingerprint) this.#version++;
    this.#answered.set(this.#version, { hash: read.scan.hash, racy: read.scan.racy, fingerprint: read.fingerprint });
    for (const kept of this.#answered.keys()) if (kept <= this.#version - VERSIONS_KEPT) this.#answered.delete(kept);
    this.#lastAnswer = { at: this.#now(), fingerprint: read.fingerprint };
    this.#failed = false;
    return {
      status: 'changed',
      version: this.#version,
      // A racy listing cannot vouch for the contents later: no ETag, so the next poll reads again.
      etag: read.scan.racy ? null : etagOf(read.scan),
      secrets: read.secrets,
      bytes: read.bytes,
      ...(read.skipped.length > 0 ? { skipped: read.skipped } : {}),
    };
  }

  /**
   * Reads the files once the directory held still: the listing equal after
   * {@link FilesOptions.settleMs}, and equal again after the read. A file
   * being written (it grows, its times move) is read only when its writer stopped.
   */
  async #stableRead(first: DirScan, signal: AbortSignal): Promise<StableRead> {
    let before = first;
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await this.#delay(this.#settleMs, signal);
      this.#checkAborted(signal);
      const settled = await scanDir(this.#dir, this.#now());
      if (settled.hash !== before.hash) {
        before = settled;
        continue;
      }
      const read = await readEntries(this.#dir, settled, signal);
      const after = await scanDir(this.#dir, this.#now());
      if (after.hash === settled.hash) return { ...read, scan: settled };
      before = after;
    }
    throw new SyncError('files_unstable', `The files in ${this.#dir} kept changing over ${MAX_SETTLE_ROUNDS} checks; the next attempt reads them again`, { retryable: true });
  }

  #checkAborted(signal: AbortSignal): void {
    if (!signal.aborted) return;
    throw signal.reason instanceof SyncError ? signal.reason : new SyncError('aborted', `The read of ${this.#dir} was cancelled`, { retryable: true });
  }
}
