// The key listing of the admin API, built from a snapshot without any secret value.
import { MASK } from '../../shared/contract';
import type { KeyEntry } from '../../shared/contract';
import type { Snapshot } from './snapshot';

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
