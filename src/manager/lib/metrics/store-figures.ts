// What a scrape reads from the stores and the data directory: secrets and tokens per scope, the fleet, the audit trail, the last backup, the database's size.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { ORG_SCOPE } from '../change-feed';
import type { ManagerDatabase } from '../database';
import type { FleetStore } from '../fleet-store';
import type { SecretStore } from '../secret-store';
import { BACKUP_LAST_AT } from '../backup';


/** How many spaces get a label value of their own; the rest are summed under {@link OTHER_SPACES}. */
export const TOP_SPACES = 100;
/** The label value of the spaces beyond the first {@link TOP_SPACES}; no space name holds an `@`. */
export const OTHER_SPACES = '@other';
/** The label value of organization secrets (the store's own scope key: no space name holds an `@`). */
export const ORG_LABEL = ORG_SCOPE;

/** A count per space, the largest {@link TOP_SPACES} by name, the rest summed. */
export type PerSpace = { space: string; count: number }[];

/** Everything the scrape reads from the stores, at one moment. */
export interface StoreFigures {
  /** Secrets per scope: `@org`, then the spaces. */
  secrets: PerSpace;
  /** Spaces with at least one secret (all of them, also those summed under `@other`). */
  spaces: number;
  /** Active tokens by role; read tokens also per space. */
  tokens: { role: string; space: string; count: number }[];
  /** Instances per space that synced its current version, and those behind. */
  fleet: { space: string; current: number; behind: number }[];
  /** Audit entries ever written (the last sequence number; folded repeats are one entry). */
  auditEntries: number;
  /** Seconds since 1970 of the last completed backup; undefined before the first. */
  backupLastAt: number | undefined;
  /** Bytes of the database file and of its write-ahead log. */
  databaseBytes: { file: string; bytes: number }[];
}

/** What the figures are read from. */
export interface StoreFigureDeps {
  db: ManagerDatabase;
  secrets: SecretStore;
  fleet: FleetStore;
  /** The database file; its `-wal` file is measured beside it. */
  databaseFile: string;
}

/**
 * Keeps the `limit` largest counts (ties by name) and sums the rest under
 * {@link OTHER_SPACES}, so a label set grows with the spaces no further than
 * `limit` + 1: spaces are an admin's to create, but a scrape of thousands of
 * series per metric would cost Prometheus more than it tells.
 */
export function topSpaces(counts: Iterable<[string, number]>, limit = TOP_SPACES): PerSpace {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = sorted.slice(0, limit).map(([space, count]) => ({ space, count }));
  if (sorted.length > limit) top.push({ space: OTHER_SPACES, count: sorted.slice(limit).reduce((sum, [, count]) => sum + count, 0) });
  return top;
}

/** The time stored under {@link BACKUP_LAST_AT}, in seconds since 1970; undefined when absent or unreadable. */
export function parseBackupTime(stored: string | undefined): number | undefined {
  if (stored === undefined) return undefined;
  const trimmed = stored.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    return n > 1e11 ? n / 1000 : n;
  }
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    // No WAL file between checkpoints, or a directory just restored: nothing there is zero bytes.
    return 0;
  }
}

/** Reads every figure once: two grouped counts and a max in SQLite, the fleet from memory, two file sizes. */
export function readStoreFigures(deps: StoreFigureDeps): StoreFigures {
  const sql = deps.db.sql;
  const secretRows = sql.prepare('SELECT scope, COUNT(*) AS n FROM secrets GROUP BY scope').all() as unknown as { scope: string; n: number }[];
  const org = secretRows.find((r) => r.scope === ORG_LABEL)?.n ?? 0;
  const spaceRows = secretRows.filter((r) => r.scope !== ORG_LABEL);
  const tokenRows = sql
    .prepare('SELECT role, space, COUNT(*) AS n FROM tokens WHERE revoked_at IS NULL GROUP BY role, space')
    .all() as unknown as { role: string; space: string | null; n: number }[];
  const byRole = new Map<string, number>();
  const readBySpace: [string, number][] = [];
  for (const row of tokenRows) {
    if (row.role === 'read' && row.space !== null) readBySpace.push([row.space, row.n]);
    else byRole.set(row.role, (byRole.get(row.role) ?? 0) + row.n);
  }
  const fleet = new Map<string, { current: number; behind: number }>();
  for (const space of deps.fleet.spaces()) {
    const { total, current } = deps.fleet.tally(space, deps.secrets.version(space));
    if (total > 0) fleet.set(space, { current, behind: total - current });
  }
  const fleetTop = topSpaces([...fleet].map(([space, f]) => [space, f.current + f.behind]));
  const named = new Set(fleetTop.map((t) => t.space));
  const other = [...fleet].filter(([space]) => !named.has(space));
  const audit = sql.prepare('SELECT MAX(seq) AS n FROM audit').get() as { n: number | null } | undefined;
  return {
    secrets: [{ space: ORG_LABEL, count: org }, ...topSpaces(spaceRows.map((r) => [r.scope, r.n]))],
    spaces: spaceRows.length,
    tokens: [
      ...[...byRole].map(([role, count]) => ({ role, space: '', count })),
      ...topSpaces(readBySpace).map(({ space, count }) => ({ role: 'read', space, count })),
    ],
    fleet: fleetTop.map(({ space }) =>
      space === OTHER_SPACES
        ? { space, current: other.reduce((n, [, f]) => n + f.current, 0), behind: other.reduce((n, [, f]) => n + f.behind, 0) }
        : { space, ...(fleet.get(space) as { current: number; behind: number }) },
    ),
    auditEntries: audit?.n ?? 0,
    backupLastAt: parseBackupTime(deps.db.getMeta(BACKUP_LAST_AT)),
    databaseBytes: [deps.databaseFile, `${deps.databaseFile}-wal`].map((file) => ({ file: basename(file), bytes: fileBytes(file) })),
  };
}
