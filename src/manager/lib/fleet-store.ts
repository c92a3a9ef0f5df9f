// The fleet: which plugin instances read each space, the version they last synced, when they were seen, and the keys their flows use.
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import type { ManagerDatabase } from './database';
import { ManagerError } from './errors';

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

/** How often a steady poller's row is written; its exact "last seen" stays in memory. */
const SEEN_WRITE_MS = 5 * 60_000;

/** What the fleet store is built with; the defaults suit a fleet of hundreds of thousands of instances. */
export interface FleetOptions {
  now?: () => Date;
  /** Where a failed write of the fleet's bookkeeping is reported (the reads it records are served all the same). */
  onWriteError?: (error: unknown) => void;
  /** An instance not seen for this long is forgotten, its usage with it, in ms (README, "The fleet view"). */
  retentionMs?: number;
  /** Most instances recorded per space; reads by further ones are served, not recorded. */
  maxPerSpace?: number;
  /** How often the reads seen are written, in one transaction, in ms. */
  flushMs?: number;
}

/** An instance as the store knows it: written to the database, or waiting for the next flush. */
interface Seen {
  space: string;
  id: string;
  name: string;
  version: string;
  synced: number | null;
  /** Last read, ms; exact in memory, written when the row is (at least every {@link SEEN_WRITE_MS}). */
  at: number;
  writtenAt: number;
  /** Whether the store holds this instance's usage report (else its reads ask for one). */
  reported: boolean;
}

/** An instance is forgotten after 7 days without a read. */
export const FLEET_RETENTION_MS = 7 * 24 * 3_600_000;
/** Most instances recorded per space. */
export const MAX_INSTANCES_PER_SPACE = 10_000;

const UPSERT = `INSERT INTO instances (space, id, name, version, synced_version, last_seen) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (space, id) DO UPDATE SET name = excluded.name, version = excluded.version, synced_version = excluded.synced_version, last_seen = excluded.last_seen`;

/** The parameters of {@link UPSERT} for `seen`. */
function rowOf(seen: Seen): [string, string, string, string, number | null, string] {
  return [seen.space, seen.id, seen.name, seen.version, seen.synced, new Date(seen.at).toISOString()];
}

/**
 * Keeps the fleet of each space. Memory is the truth for who was seen when;
 * the database keeps it across restarts and holds the usage reports. A read
 * only touches memory: rows are written in batches, one transaction per
 * {@link FleetOptions.flushMs}, and a failed write never fails the read that caused it.
 */
export class FleetStore {
  readonly #known = new Map<string, Seen>();
  /** Instances whose row is behind memory. */
  readonly #dirty = new Set<Seen>();
  readonly #perSpace = new Map<string, number>();
  readonly #now: () => Date;
  readonly #onWriteError: (error: unknown) => void;
  readonly #retentionMs: number;
  readonly #maxPerSpace: number;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly db: ManagerDatabase,
    options: FleetOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#onWriteError = options.onWriteError ?? (() => undefined);
    this.#retentionMs = options.retentionMs ?? FLEET_RETENTION_MS;
    this.#maxPerSpace = options.maxPerSpace ?? MAX_INSTANCES_PER_SPACE;
    const rows = this.db.sql.prepare('SELECT * FROM instances').all() as unknown as InstanceRow[];
    for (const row of rows) {
      const at = Date.parse(row.last_seen);
      // An empty report cannot be told from none after a restart: such an instance is asked once more.
      this.#remember({ space: row.space, id: row.id, name: row.name, version: row.version, synced: row.synced_version, at, writtenAt: at, reported: row.usage !== '[]' });
    }
    this.#timer = setInterval(() => this.flush(), options.flushMs ?? 5_000);
    this.#timer.unref();
  }

  /**
   * Records a read of `space` by `who`, answered with `version`. Returns
   * whether the store wants the instance's usage report (a new instance, or
   * one that was forgotten and came back). Never throws.
   */
  seen(space: string, who: InstanceIdentity, version: number): boolean {
    const at = this.#now().getTime();
    const key = `${space}/${who.id}`;
    const last = this.#known.get(key);
    if (!last) {
      if ((this.#perSpace.get(space) ?? 0) >= this.#maxPerSpace) return false;
      this.#dirty.add(this.#remember({ space, id: who.id, name: who.name, version: who.version, synced: version, at, writtenAt: 0, reported: false }));
      return true;
    }
    const changed = last.name !== who.name || last.version !== who.version || last.synced !== version;
    last.at = at;
    if (changed || at - last.writtenAt >= SEEN_WRITE_MS) {
      last.name = who.name;
      last.version = who.version;
      last.synced = version;
      this.#dirty.add(last);
    }
    return !last.reported;
  }

  /**
   * Writes the reads seen since the last flush in one transaction, and
   * forgets instances past retention (exactly those memory holds stale).
   * Never throws: a failure is reported and the same rows are tried again next time.
   */
  flush(): void {
    try {
      const stale = this.#stale();
      if (this.#dirty.size === 0 && stale.length === 0) return;
      const written = [...this.#dirty];
      this.db.transaction(() => {
        const upsert = this.db.sql.prepare(UPSERT);
        for (const seen of written) upsert.run(...rowOf(seen));
        const remove = this.db.sql.prepare('DELETE FROM instances WHERE space = ? AND id = ?');
        for (const seen of stale) remove.run(seen.space, seen.id);
      });
      for (const seen of written) seen.writtenAt = seen.at;
      this.#dirty.clear();
      for (const seen of stale) this.#forgetInMemory(seen.space, seen.id);
    } catch (error) {
      this.#onWriteError(error);
    }
  }

  /**
   * Stores the keys an instance's deployed flows use, with the instance's row, in one transaction;
   * 404 `instance_not_found` for an instance that never read the space.
   */
  setUsage(space: string, id: string, usage: KeyUsage[]): void {
    const seen = this.#known.get(`${space}/${id}`);
    if (!seen) throw new ManagerError('instance_not_found', 404, `No instance '${id}' has read space '${space}' yet`);
    this.db.transaction(() => {
      this.db.sql.prepare(UPSERT).run(...rowOf(seen));
      this.db.sql.prepare('UPDATE instances SET usage = ? WHERE space = ? AND id = ?').run(JSON.stringify(usage), space, id);
    });
    seen.writtenAt = seen.at;
    seen.reported = true;
    this.#dirty.delete(seen);
  }

  /** Forgets an instance (it was decommissioned), audited as `actor`'s in the same transaction; 404 `instance_not_found` for one the store does not know. */
  forget(space: string, id: string, actor: Actor): void {
    if (!this.#known.has(`${space}/${id}`)) throw new ManagerError('instance_not_found', 404, `No instance '${id}' in space '${space}'`);
    this.db.transaction(() => {
      this.db.sql.prepare('DELETE FROM instances WHERE space = ? AND id = ?').run(space, id);
      appendAudit(this.db, actor, { action: 'instance.forget', scope: space, target: id }, this.#now());
    });
    this.#forgetInMemory(space, id);
  }

  /** The instances of `space`, most recently seen first: who and when from memory, usage from the database. */
  list(space: string): InstanceRecord[] {
    return this.#records(space);
  }

  /** Every instance of every space, with its space. */
  all(): (InstanceRecord & { space: string })[] {
    return this.#records(null);
  }

  /** The instances (in `spaces`, or every space when null) whose flows use `key`, with their node counts. */
  usersOf(key: string, spaces: readonly string[] | null): { space: string; id: string; name: string; nodes: number }[] {
    return this.#records(null)
      .filter((record) => spaces === null || spaces.includes(record.space))
      .flatMap((record) => {
        const nodes = record.usage.find((u) => u.key === key)?.nodes ?? 0;
        return nodes > 0 ? [{ space: record.space, id: record.id, name: record.name, nodes }] : [];
      });
  }

  /** The spaces some instance has read. */
  spaces(): string[] {
    return [...this.#perSpace.keys()].sort();
  }

  /** Writes what is pending and stops the flush timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }

  #records(space: string | null): (InstanceRecord & { space: string })[] {
    const rows = (
      space === null
        ? this.db.sql.prepare('SELECT space, id, usage FROM instances').all()
        : this.db.sql.prepare('SELECT space, id, usage FROM instances WHERE space = ?').all(space)
    ) as unknown as Pick<InstanceRow, 'space' | 'id' | 'usage'>[];
    const usage = new Map(rows.map((row) => [`${row.space}/${row.id}`, row.usage]));
    const cutoff = this.#cutoff();
    return [...this.#known.entries()]
      .filter(([, seen]) => (space === null || seen.space === space) && seen.at >= cutoff)
      .map(([key, seen]) => ({
        space: seen.space,
        id: seen.id,
        name: seen.name,
        version: seen.version,
        syncedVersion: seen.synced,
        lastSeen: new Date(seen.at).toISOString(),
        usage: parseUsage(usage.get(key)),
      }))
      .sort(mostRecentFirst);
  }

  /** Reads before this time (ms) are past retention. */
  #cutoff(): number {
    return this.#now().getTime() - this.#retentionMs;
  }

  #stale(): Seen[] {
    const cutoff = this.#cutoff();
    return [...this.#known.values()].filter((seen) => seen.at < cutoff);
  }

  #remember(seen: Seen): Seen {
    this.#known.set(`${seen.space}/${seen.id}`, seen);
    this.#perSpace.set(seen.space, (this.#perSpace.get(seen.space) ?? 0) + 1);
    return seen;
  }

  #forgetInMemory(space: string, id: string): void {
    const key = `${space}/${id}`;
    const seen = this.#known.get(key);
    if (!seen) return;
    this.#known.delete(key);
    this.#dirty.delete(seen);
    const count = (this.#perSpace.get(space) ?? 1) - 1;
    if (count > 0) this.#perSpace.set(space, count);
    else this.#perSpace.delete(space);
  }
}

/** Most recently seen first; ties by id. ISO timestamps compare as strings. */
function mostRecentFirst(a: InstanceRecord, b: InstanceRecord): number {
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.id < b.id ? -1 : 1;
}

/** A stored usage report; an unreadable or missing one is no usage. */
function parseUsage(text: string | undefined): KeyUsage[] {
  if (text === undefined) return [];
  try {
    return JSON.parse(text) as KeyUsage[];
  } catch {
    return [];
  }
}
