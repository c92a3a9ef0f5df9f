// The status model of SPEC §4 and the key listing, built from the engine's state without any secret value.
import type { Interval } from './intervals';
import type { Snapshot } from './snapshot';

/** Comms topic of the retained status. */
export const STATUS_TOPIC = 'secret-sync/status';
/** Comms topic of "secrets changed" notices (key names only). */
export const CHANGED_TOPIC = 'secret-sync/changed';

/** A legacy `secret-manager` node found in the flows. */
export interface LegacyNode {
  id: string;
  type: string;
  name: string;
  z: string;
}

/** `GET secret-sync/status`. */
export interface SyncStatus {
  state: 'unconfigured' | 'syncing' | 'ok' | 'error';
  space: string | null;
  provider: string;
  version: number | null;
  keyCount: number;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  nextSyncAt: string | null;
  consecutiveFailures: number;
  error: { code: string; message: string } | null;
  interval: Interval;
  syncOnDeploy: boolean;
  legacyNodes: LegacyNode[];
  /** Keys left out of global.SECRETS because flows cannot address them safely. */
  skippedKeys: { key: string; reason: string }[];
  /** `KEY` or `KEY.field` of values too short to be masked in debug, logs and the context API (README, "What is masked"). */
  unmaskedKeys: string[];
}

/** One entry of `GET secret-sync/keys`. */
export interface KeyEntry {
  key: string;
  masked: string;
  /** Sub-key names of a multi-pair secret. */
  fields?: string[];
}

/** The mask shown for every value: a fixed width, so not even the length leaks. */
export const MASK = '••••••••';

/** Lists the snapshot's keys matching `query` (case-insensitive substring), masked. */
export function listKeys(snapshot: Snapshot, query: string | undefined): KeyEntry[] {
  const needle = (query ?? '').trim().toLowerCase();
  const entries: KeyEntry[] = [];
  for (const key of snapshot.keys) {
    if (needle !== '' && !key.toLowerCase().includes(needle)) continue;
    const value = snapshot.secrets[key];
    entries.push(typeof value === 'string' || value === undefined ? { key, masked: MASK } : { key, masked: MASK, fields: Object.keys(value) });
  }
  return entries;
}
