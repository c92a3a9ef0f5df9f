// Runs long, CPU-bound work (building a snapshot, compiling the masker) in slices so no flow waits behind it.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Work written as a generator: it yields at points where it may pause, and
 * returns its result. The same generator runs at once ({@link runNow}) or
 * in slices ({@link runSliced}).
 */
export type SliceableWork<T> = Generator<void, T, void>;

/** Longest a slice runs before the event loop gets a turn, in ms (README, "Performance"). */
export const SLICE_MS = 2;

/** Runs `work` to its end without pausing. */
export function runNow<T>(work: SliceableWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done === true) return step.value;
  }
}

/**
 * Runs `work`, giving the event loop a turn whenever a slice has run for
 * `sliceMs`. Work that finishes within one slice never pauses, so small
 * payloads cost nothing extra.
 */
export async function runSliced<T>(work: SliceableWork<T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done === true) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/** Gives the event loop a turn: between a step that cannot be sliced (parsing an answer) and the sliced work after it. */
export async function yieldTurn(): Promise<void> {
  await nextTurn();
}
