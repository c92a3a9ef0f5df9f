// Sidebar choices (interval, sync on deploy): validation, and how they persist on top of settings.js.
import { isRecord } from '../../shared/guards';
import { SyncError } from '../../shared/sync-error';
import { INTERVALS, isInterval } from '../../shared/contract';
import type { Interval } from '../../shared/contract';

/** The choices an operator can make at runtime. */
export interface Preferences {
  interval: Interval;
  syncOnDeploy: boolean;
}

/** Key under which the runtime's settings store keeps the choices (`.config.runtime.json`). */
export const PREFERENCES_KEY = 'secretSyncPreferences';

/** A saved choice remembers the configured value it overrode. */
interface SavedChoice<T> {
  value: T;
  base: T;
}

/** The persisted form. */
export interface SavedPreferences {
  interval?: SavedChoice<Interval>;
  syncOnDeploy?: SavedChoice<boolean>;
}

function choice<T>(saved: unknown, configured: T, valid: (v: unknown) => v is T): T {
  if (!isRecord(saved) || !valid(saved.value) || saved.base !== configured) return configured;
  return saved.value;
}

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/**
 * What applies now. A saved choice wins over the configured value it was made
 * against; once an admin changes settings.js or the environment, their new value
 * wins and the stale choice is ignored.
 */
export function effectivePreferences(configured: Preferences, saved: unknown): Preferences {
  const record = isRecord(saved) ? saved : {};
  return {
    interval: choice(record.interval, configured.interval, isInterval),
    syncOnDeploy: choice(record.syncOnDeploy, configured.syncOnDeploy, isBoolean),
  };
}

/** The record to persist for `chosen`; a choice equal to the configured value is not stored. */
export function toSavedPreferences(configured: Preferences, chosen: Preferences): SavedPreferences {
  const saved: SavedPreferences = {};
  if (chosen.interval !== configured.interval) saved.interval = { value: chosen.interval, base: configured.interval };
  if (chosen.syncOnDeploy !== configured.syncOnDeploy) saved.syncOnDeploy = { value: chosen.syncOnDeploy, base: configured.syncOnDeploy };
  return saved;
}

/** Validates a `PUT secret-sync/preferences` body; throws `invalid_preferences` naming the field. */
export function parsePreferencesBody(body: unknown): Partial<Preferences> {
  if (!isRecord(body)) throw new SyncError('invalid_preferences', 'The body must be a JSON object like {"interval":"5m"}');
  const out: Partial<Preferences> = {};
  for (const key of Object.keys(body)) {
    if (key !== 'interval' && key !== 'syncOnDeploy') {
      throw new SyncError('invalid_preferences', `Unknown field '${key.slice(0, 64)}': only interval and syncOnDeploy can be changed`, { field: key.slice(0, 64) });
    }
  }
  if ('interval' in body) {
    if (!isInterval(body.interval)) {
      throw new SyncError('invalid_preferences', `interval must be one of: ${INTERVALS.join(', ')}`, { field: 'interval' });
    }
    out.interval = body.interval;
  }
  if ('syncOnDeploy' in body) {
    if (typeof body.syncOnDeploy !== 'boolean') {
      throw new SyncError('invalid_preferences', 'syncOnDeploy must be true or false', { field: 'syncOnDeploy' });
    }
    out.syncOnDeploy = body.syncOnDeploy;
  }
  if (Object.keys(out).length === 0) {
    throw new SyncError('invalid_preferences', 'Nothing to change: send interval and/or syncOnDeploy');
  }
  return out;
}
