// Wakes the files provider's `watch` at a change of the directory (inotify through fs.watch) or at the next rescan, whichever comes first.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';

/**
 * A watch of one directory. Kubernetes swaps `..data` by rename, so the
 * directory is watched, not its files; the periodic rescan is the fallback
 * for what inotify does not report (a network file system, a directory
 * replaced as a whole, a watch that failed).
 */
export class DirWatcher {
  readonly #dir: string;
  readonly #rescanMs: number;
  #watcher: FSWatcher | undefined;
  #watchedId: string | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;

  constructor(dir: string, rescanMs: number) {
    this.#dir = dir;
    this.#rescanMs = rescanMs;
  }

  /** Watches the directory now at `dirId` (device:inode); a directory replaced since gets a new watch. */
  follow(dirId: string): void {
    if (this.#watcher !== undefined && this.#watchedId === dirId) return;
    this.#unwatch();
    try {
      // Not persistent: a watch never keeps Node-RED from exiting.
      const watcher = watch(this.#dir, { persistent: false }, () => this.#poke());
      // A failed watch (the directory removed) leaves the rescans, and is opened again at the next follow().
      watcher.on('error', () => {
        if (this.#watcher === watcher) this.#unwatch();
        this.#poke();
      });
      this.#watcher = watcher;
      this.#watchedId = dirId;
    } catch {
      this.#watcher = undefined;
    }
  }

  /** Resolves at the next event (at once if one came since the last call), at the rescan, after `ms`, or on abort. */
  async next(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.#dirty && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, Math.min(ms, this.#rescanMs)));
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
    this.#dirty = false;
  }

  /** Ends the watch. */
  close(): void {
    this.#unwatch();
    this.#wake?.();
  }

  #poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#watchedId = undefined;
  }
}
