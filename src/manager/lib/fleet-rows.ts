// The fleet in the database: an instance as memory holds it, loading the rows at start, and the batched write of what changed.
import type { ManagerDatabase } from './database';
import { parseStoredUsage } from './usage-report';
import type { KeyUsage } from './usage-report';

/** An instance as the fleet store knows it: written to the database, or waiting for the next flush. */
export interface Seen {
  space: string;
  id: string;
  name: string;
  version: string;
  synced: number | null;
  /** Last read, ms; exact in memory, written when the row is (a steady poller's at least every 5 minutes). */
  at: number;
  writtenAt: number;
  /** The token that recorded it: its quota counts this instance. */
  token: string | null;
  /** The keys its flows use, sorted by key; null while the store holds no report (its reads then ask for one). */
  usage: readonly KeyUsage[] | null;
  /** Whether `usage` is newer than the row. */
  usageDirty: boolean;
  /** The space version when its last report named keys the space did not have: after a change it is asked again. */
  droppedAt: number | null;
}

interface InstanceRow {
  space: string;
  id: string;
  name: string;
  version: string;
  synced_version: number | null;
  last_seen: string;
  usage: string;
  token_id: string | null;
  usage_dropped_at: number | null;
}

const UPSERT = `INSERT INTO instances (space, id, name, version, synced_version, last_seen, token_id, usage_dropped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (space, id) DO UPDATE SET name = excluded.name, version = excluded.version, synced_version = excluded.synced_version,
  last_seen = excluded.last_seen, usage_dropped_at = excluded.usage_dropped_at`;

/** Every instance the database holds, its usage report held to today's rules. */
export function loadSeen(db: ManagerDatabase): Seen[] {
  const rows = db.sql.prepare('SELECT * FROM instances').all() as unknown as InstanceRow[];
  return rows.map((row) => {
    const at = Date.parse(row.last_seen);
    const usage = parseStoredUsage(row.usage);
    // An empty report cannot be told from none after a restart: such an instance is asked once more.
    return { space: row.space, id: row.id, name: row.name, version: row.version, synced: row.synced_version, at, writtenAt: at, token: row.token_id, usage: usage.length > 0 ? usage : null, usageDirty: false, droppedAt: row.usage_dropped_at };
  });
}

/**
 * What one flush writes of `dirty`: every changed row, and changed usage
 * reports up to `usageBytes` (the first one over it included). The other
 * rows with a changed report wait for a later flush, so a flush stays short
 * however many reports came in.
 */
export function pickBatch(dirty: ReadonlySet<Seen>, usageBytes: number): { rows: Seen[]; reports: Map<Seen, string> } {
  const rows: Seen[] = [];
  const reports = new Map<Seen, string>();
  let budget = usageBytes;
  for (const seen of dirty) {
    if (seen.usageDirty) {
      if (budget <= 0) continue;
      const json = JSON.stringify(seen.usage ?? []);
      budget -= json.length;
      reports.set(seen, json);
    }
    rows.push(seen);
  }
  return { rows, reports };
}

/** Writes `rows` (with their `reports`) and deletes `stale`, in one transaction; throws as the database does. */
export function writeBatch(db: ManagerDatabase, rows: readonly Seen[], reports: ReadonlyMap<Seen, string>, stale: readonly Seen[]): void {
  db.transaction(() => {
    const upsert = db.sql.prepare(UPSERT);
    const usage = db.sql.prepare('UPDATE instances SET usage = ? WHERE space = ? AND id = ?');
    for (const seen of rows) {
      upsert.run(seen.space, seen.id, seen.name, seen.version, seen.synced, new Date(seen.at).toISOString(), seen.token, seen.droppedAt);
      const json = reports.get(seen);
      if (json !== undefined) usage.run(json, seen.space, seen.id);
    }
    const remove = db.sql.prepare('DELETE FROM instances WHERE space = ? AND id = ?');
    for (const seen of stale) remove.run(seen.space, seen.id);
  });
}
