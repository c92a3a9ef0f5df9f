// The fleet: which plugin instances read each space, the version they last synced, when they were seen, and the keys their flows use.
import type { ManagerDatabase } from './database';
import { ManagerError, badRequest } from './errors';
import { isRecord } from '../../shared/guards';
import { NAME_PATTERN } from '../../shared/names';

/** The header a plugin identifies itself with on every read. */
export const INSTANCE_HEADER = 'x-secret-sync-instance';

/** Who is reading: parsed from `X-Secret-Sync-Instance: <id>; name=<display name>; version=<plugin version>`. */
export interface InstanceIdentity {
  id: string;
  name: string;
  version: string;
}

/** How many nodes of an instance's deployed flows use one key. */
export interface KeyUsage {
  key: string;
  nodes: number;
}

/** One instance of a space, as the console shows it. */
export interface InstanceRecord extends InstanceIdentity {
  /** The space version the instance last received (or was told is current). */
  syncedVersion: number | null;
  lastSeen: string;
  usage: KeyUsage[];
}

interface InstanceRow {
  space: string;
  id: string;
  name: string;
  version: string;
  synced_version: number | null;
  last_seen: string;
  usage: string;
}

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** How often a steady poller's "last seen" is written (the rest stays in memory). */
const SEEN_WRITE_MS = 60_000;
const MAX_USAGE_KEYS = 20_000;

/** Parses the instance header; undefined for a missing or malformed one (the read is served all the same). */
export function parseInstanceHeader(header: string | undefined): InstanceIdentity | undefined {
  if (header === undefined) return undefined;
  const [id, ...params] = header.split(';').map((part) => part.trim());
  if (id === undefined || !ID.test(id)) return undefined;
  const fields = new Map<string, string>();
  for (const param of params) {
    const at = param.indexOf('=');
    if (at <= 0) continue;
    let value = param.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not encoded: kept as sent.
    }
    fields.set(param.slice(0, at).trim().toLowerCase(), value.slice(0, 200));
  }
  return { id, name: fields.get('name') ?? '', version: fields.get('version') ?? '' };
}

/** Validates `PUT …/instances/{id}/usage` `{ keys: [{ key, nodes }] }`. */
export function parseUsageBody(body: unknown): KeyUsage[] {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw badRequest('invalid_body', 'The body must be { keys: [{ key, nodes }] }');
  if (body.keys.length > MAX_USAGE_KEYS) throw badRequest('invalid_body', `At most ${MAX_USAGE_KEYS} keys`);
  return body.keys.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.key !== 'string' || !NAME_PATTERN.test(entry.key) || !Number.isSafeInteger(entry.nodes) || (entry.nodes as number) < 0) {
      throw badRequest('invalid_body', 'Each usage entry is { key: a secret name, nodes: a whole number }');
    }
    return { key: entry.key, nodes: entry.nodes as number };
  });
}

/** Keeps the fleet of each space. */
export class FleetStore {
  /** What was last written per `space/id`, so a steady poll runs no SQL at all. */
  readonly #written = new Map<string, { at: number; name: string; version: string; synced: number }>();

  constructor(
    private readonly db: ManagerDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a read of `space` by `who`, answered with `version`. */
  seen(space: string, who: InstanceIdentity, version: number): void {
    const at = this.now();
    const key = `${space}/${who.id}`;
    const last = this.#written.get(key);
    const changed = !last || last.name !== who.name || last.version !== who.version || last.synced !== version;
    if (!changed && at.getTime() - last.at < SEEN_WRITE_MS) return;
    this.#written.set(key, { at: at.getTime(), name: who.name, version: who.version, synced: version });
    this.db.sql
      .prepare(
        `INSERT INTO instances (space, id, name, version, synced_version, last_seen) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (space, id) DO UPDATE SET name = excluded.name, version = excluded.version, synced_version = excluded.synced_version, last_seen = excluded.last_seen`,
      )
      .run(space, who.id, who.name, who.version, version, at.toISOString());
  }

  /** Stores the keys an instance's deployed flows use; 404 `instance_not_found` for an instance that never read the space. */
  setUsage(space: string, id: string, usage: KeyUsage[]): void {
    const result = this.db.sql.prepare('UPDATE instances SET usage = ? WHERE space = ? AND id = ?').run(JSON.stringify(usage), space, id);
    if (result.changes === 0) throw new ManagerError('instance_not_found', 404, `No instance '${id}' has read space '${space}' yet`);
  }

  /** The instances of `space`, most recently seen first. */
  list(space: string): InstanceRecord[] {
    const rows = this.db.sql.prepare('SELECT * FROM instances WHERE space = ? ORDER BY last_seen DESC, id').all(space) as unknown as InstanceRow[];
    return rows.map(toRecord);
  }

  /** The instances (in `spaces`, or every space when null) whose flows use `key`, with their node counts. */
  usersOf(key: string, spaces: readonly string[] | null): { space: string; id: string; name: string; nodes: number }[] {
    const rows = this.db.sql.prepare('SELECT * FROM instances').all() as unknown as InstanceRow[];
    return rows
      .filter((row) => spaces === null || spaces.includes(row.space))
      .flatMap((row) => {
        const nodes = toRecord(row).usage.find((u) => u.key === key)?.nodes ?? 0;
        return nodes > 0 ? [{ space: row.space, id: row.id, name: row.name, nodes }] : [];
      });
  }

  /** The spaces some instance has read. */
  spaces(): string[] {
    const rows = this.db.sql.prepare('SELECT DISTINCT space FROM instances ORDER BY space').all() as unknown as { space: string }[];
    return rows.map((r) => r.space);
  }
}

function toRecord(row: InstanceRow): InstanceRecord {
  let usage: KeyUsage[] = [];
  try {
    usage = JSON.parse(row.usage) as KeyUsage[];
  } catch {
    usage = [];
  }
  return { id: row.id, name: row.name, version: row.version, syncedVersion: row.synced_version, lastSeen: row.last_seen, usage };
}
