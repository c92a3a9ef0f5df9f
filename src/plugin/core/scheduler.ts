// Runs scheduled syncs with node-cron at the chosen interval, shifted by the instance's splay.
import { createHash } from 'node:crypto';
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import { cronExpression } from './intervals';
import type { Interval } from '../../shared/contract';
import type { PluginLogger } from './logger';

/**
 * A stable fraction in [0, 1) for this instance: the same host, user directory
 * and space always poll at the same offset, different instances at different ones.
 */
export function instanceSplay(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Owns at most one cron task; changing the interval replaces it, so timers never pile up. */
export class SyncScheduler {
  #task: ScheduledTask | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly logger: PluginLogger,
    private readonly splay: number,
  ) {}

  /** Schedules `interval` (nothing for `off` and `watch`), replacing any earlier schedule. */
  apply(interval: Interval): void {
    this.stop();
    const expression = cronExpression(interval, this.splay);
    if (expression === null) return;
    this.#task = cron.schedule(
      expression,
      async () => {
        // A timer callback must never throw: log and wait for the next tick.
        try {
          await this.run();
        } catch (err) {
          this.logger.error(`scheduled sync failed unexpectedly (${err instanceof Error ? err.name : 'unknown'})`);
        }
      },
      { name: 'secret-sync', noOverlap: true, unref: true, suppressMissedWarning: true, logger: quietCronLogger(this.logger) },
    );
  }

  /** When the next scheduled sync runs, or null when none is scheduled. */
  nextRunAt(): Date | null {
    return this.#task?.getNextRun() ?? null;
  }

  /** Removes the schedule. */
  stop(): void {
    const task = this.#task;
    this.#task = undefined;
    if (task) void task.destroy();
  }
}

function quietCronLogger(logger: PluginLogger): { info(m: string): void; warn(m: string): void; error(m: string | Error): void; debug(m: string | Error): void } {
  const text = (m: string | Error): string => (typeof m === 'string' ? m : m.name);
  return {
    info: (m) => logger.debug(`cron: ${m}`),
    warn: (m) => logger.debug(`cron: ${m}`),
    error: (m) => logger.warn(`cron: ${text(m)}`),
    debug: (m) => logger.debug(`cron: ${text(m)}`),
  };
}
