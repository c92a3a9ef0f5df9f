// The key listing of the admin API, built from a snapshot without any secret value.
import { MASK, keyMatches } from '../../shared/contract';
import type { KeyEntry } from '../../shared/contract';
import type { Snapshot } from './snapshot';

/** Lists the snapshot's keys whose name or sub-key names match `query` (case-insensitive substring), masked, each with all its sub-keys. */
export function listKeys(snapshot: Snapshot, query: string | undefined): KeyEntry[] {
  const needle = (query ?? '').trim().toLowerCase();
  const entries: KeyEntry[] = [];
  for (const key of snapshot.keys) {
    const value = snapshot.secrets[key];
    const fields = typeof value === 'string' || value === undefined ? undefined : Object.keys(value);
    if (needle !== '' && !keyMatches(needle, key) && !fields?.some((field) => keyMatches(needle, key, field))) continue;
    entries.push(fields === undefined ? { key, masked: MASK } : { key, masked: MASK, fields });
  }
  return entries;
}
