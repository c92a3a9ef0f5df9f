// What the files provider is built from: the files settings plus the space, and the timings of its stability check and watch.
import type { FilesSettings } from './files-settings';

/** Options of {@link FilesProvider}: `secretSync.files` (see {@link FilesSettings}) and the space that labels status and fleet. */
export interface FilesOptions extends FilesSettings {
  space: string;
  /**
   * How long the directory must hold still (every entry's size and times
   * unchanged) before its files are read (default 150 ms): a file still being
   * written is never published (README, "Read secrets from files").
   */
  settleMs?: number;
  /** How often `watch` rescans when no file event came (default 2 s): the fallback when inotify misses a change. */
  rescanMs?: number;
  /** The abortable wait of the stability check; tests replace it to act at the moment the provider waits. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}
