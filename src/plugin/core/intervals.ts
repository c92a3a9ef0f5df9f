// The pure choice of when each sync interval fires (the list itself is in the contract).
import type { Interval } from '../../shared/contract';

const PERIOD_SECONDS: Partial<Record<Interval, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '60m': 3600,
  '6h': 6 * 3600,
  '12h': 12 * 3600,
  '24h': 24 * 3600,
};

/** The period of a scheduled interval in seconds, or undefined for `off` and `watch`. */
export function periodSeconds(interval: Interval): number | undefined {
  return PERIOD_SECONDS[interval];
}

/**
 * The node-cron expression (with seconds) for `interval`, shifted by `splay`
 * (0 ≤ splay < 1) of one period so that a fleet of instances spreads its polls
 * over the whole period instead of hitting the manager on the same second.
 * Returns null for `off` and `watch`, which have no schedule.
 */
export function cronExpression(interval: Interval, splay: number): string | null {
  const period = PERIOD_SECONDS[interval];
  if (period === undefined) return null;
  const fraction = Number.isFinite(splay) ? Math.min(Math.max(splay, 0), 0.999999) : 0;
  const offset = Math.floor(fraction * period);
  const second = offset % 60;
  const minute = Math.floor(offset / 60) % 60;
  const hour = Math.floor(offset / 3600);
  if (period < 3600) return `${second} ${minute}-59/${period / 60} * * * *`;
  if (period === 3600) return `${second} ${minute} * * * *`;
  if (period < 24 * 3600) return `${second} ${minute} ${hour}-23/${period / 3600} * * *`;
  return `${second} ${minute} ${hour} * * *`;
}
