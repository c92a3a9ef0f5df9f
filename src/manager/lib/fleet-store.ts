// The fleet: which plugin instances read each space, the version they last synced, when they were seen, and the keys their flows use.
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import type { ManagerDatabase } from './database';
import { ManagerError } from './errors';
import { DEFAULT_FLEET_LIMITS, FleetQuota } from './fleet-quota';
import type { FleetLimits } from './fleet-quota';
import { UsageIndex } from './usage-index';
import type { KeyTotals } from './usage-index';
import { loadSeen, pickBatch, writeBatch } from './fleet-rows';
import type { Seen } from './fleet-rows';
import { byKey, sameUsage } from './usage-report';
import type { KeyUsage } from './usage-report';
import type { InstanceIdentity } from '../../shared/fleet-wire';

export type { KeyTotals } from './usage-index';
export type { InstanceIdentity, KeyUsage } from '../../shared/fleet-wire';

/** One instance of a space, as the console shows it. */
export interface InstanceRecord extends InstanceIdentity {
  /** The space version the instance last received (or was told is current). */
  syncedVersion: number | null;
  lastSeen: string;
  usage: KeyUsage[];
}

/** An instance that uses a key, for the answer that refuses to delete it. */
export interface KeyUser {
  space: string;
  id: string;
  name: string;
  nodes: number;
}

/** How often a steady poller's row is written; its exact "last seen" stays in memory. */
const SEEN_WRITE_MS = 5 * 60_000;
/** Usage report bytes one flush writes at most (about 10 ms); the rest waits for the next ones, so no flush stalls the reads. */
const USAGE_BYTES_PER_FLUSH = 1 << 20;

/** What the fleet store is built with; the defaults suit a fleet of hundreds of thousands of instances. */
export interface FleetOptions {
  now?: () => Date;
  /** Where a failed write of the fleet's bookkeeping is reported (the reads it records are served all the same). */
  onWriteError?: (error: unknown) => void;
  /** Where a refused new instance is reported: once an hour per token or space, naming the token by id. */
  onLimit?: (message: string) => void;
  /** An instance not seen for this long is forgotten, its usage with it, in ms (README, "The web console"). */
  retentionMs?: number;
  /** How many instances are recorded, per space and per token, and how fast a token may add new ones. */
  limits?: Partial<FleetLimits>;
  /** How often the reads and usage reports received are written, in one transaction, in ms. */
  flushMs?: number;
}

/** An instance is forgotten after 7 days without a read. */
export const FLEET_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Keeps the fleet of each space. Memory is the truth, usage included (indexed
 * by key); the database keeps it across restarts. Reads and usage reports only
 * touch memory: rows are written in batches, one transaction per
 * {@link FleetOptions.flushMs}, and a failed write never fails what caused it.
 * Every instance it records is admitted by a {@link FleetQuota}.
 */
export class FleetStore {
  readonly #known = new Map<string, Map<string, Seen>>();
  /** Instances whose row is behind memory. */
  readonly #dirty = new Set<Seen>();
  readonly #index = new UsageIndex();
  readonly #quota: FleetQuota;
  readonly #now: () => Date;
  /** The same clock in ms: what a read reads, with no `Date` made per poll. */
  readonly #nowMs: () => number;
  readonly #onWriteError: (error: unknown) => void;
  readonly #retentionMs: number;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly db: ManagerDatabase,
    options: FleetOptions = {},
  ) {
    const now = options.now;
    this.#now = now ?? (() => new Date());
    this.#nowMs = now === undefined ? Date.now : () => now().getTime();
    this.#onWriteError = options.onWriteError ?? (() => undefined);
    this.#retentionMs = options.retentionMs ?? FLEET_RETENTION_MS;
    this.#quota = new FleetQuota({ ...DEFAULT_FLEET_LIMITS, ...options.limits }, this.#nowMs, options.onLimit ?? (() => undefined));
    for (const seen of loadSeen(this.db)) this.#remember(seen);
    this.#timer = setInterval(() => this.flush(), options.flushMs ?? 5_000);
    this.#timer.unref();
  }

  /**
   * Records a read of `space` by `who` with the token `tokenId`, answered
   * with `version`. Returns whether the store wants the instance's usage
   * report (it has none, or the last one named keys the space did not have
   * and the space changed since). A new instance the quota refuses is not
   * recorded (and not asked). Never throws.
   */
  seen(space: string, who: InstanceIdentity, version: number, tokenId: string): boolean {
    const at = this.#nowMs();
    const last = this.#known.get(space)?.get(who.id);
    if (!last) {
      if (!this.#quota.admit(space, tokenId)) return false;
      const seen: Seen = { space, id: who.id, name: who.name, version: who.version, synced: version, at, writtenAt: 0, token: tokenId, usage: null, usageDirty: false, droppedAt: null };
      this.#dirty.add(this.#remember(seen));
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
    return last.usage === null || (last.droppedAt !== null && version > last.droppedAt);
  }

  /**
   * Writes the reads and reports received since the last flush in one
   * transaction (reports up to 1 MiB; more wait for the next flushes), and
   * forgets instances past retention (exactly those memory holds stale).
   * Never throws: a failure is reported and the same rows are tried again next time.
   */
  flush(): void {
    this.#flush(USAGE_BYTES_PER_FLUSH);
  }

  #flush(usageBytes: number): void {
    try {
      const stale = this.#stale();
      if (this.#dirty.size === 0 && stale.length === 0) return;
      const { rows, reports } = pickBatch(this.#dirty, usageBytes);
      writeBatch(this.db, rows, reports, stale);
      for (const seen of rows) {
        seen.writtenAt = seen.at;
        seen.usageDirty = false;
        this.#dirty.delete(seen);
      }
      for (const seen of stale) this.#forgetInMemory(seen);
    } catch (error) {
      this.#onWriteError(error);
    }
  }

  /**
   * Takes the keys an instance's deployed flows use: only those `sees` (the
   * space has them) are kept, and written at the next flush; returns the
   * names of the others, dropped. 404 `instance_not_found` for an instance
   * the store has not recorded. The report is validated before (names, counts).
   */
  setUsage(space: string, id: string, report: readonly KeyUsage[], sees: (key: string) => boolean, version: number): string[] {
    const seen = this.#known.get(space)?.get(id);
    if (!seen) throw new ManagerError('instance_not_found', 404, `No instance '${id}' has read space '${space}' yet, or it is not recorded`);
    const kept: KeyUsage[] = [];
    const dropped: string[] = [];
    for (const entry of report) {
      if (!sees(entry.key)) dropped.push(entry.key);
      else if (entry.nodes > 0) kept.push({ key: entry.key, nodes: entry.nodes });
    }
    kept.sort(byKey);
    const droppedAt = dropped.length > 0 ? version : null;
    // The same report again (a plugin that was asked once more) changes nothing and writes nothing.
    if (seen.usage === null || !sameUsage(seen.usage, kept) || seen.droppedAt !== droppedAt) {
      if (seen.usage) this.#index.remove(space, id, seen.usage);
      this.#index.add(space, id, kept);
      seen.usage = kept;
      seen.usageDirty = true;
      seen.droppedAt = droppedAt;
      this.#dirty.add(seen);
    }
    return dropped;
  }

  /** Forgets an instance (it was decommissioned), audited as `actor`'s in the same transaction; 404 `instance_not_found` for one the store does not know. */
  forget(space: string, id: string, actor: Actor): void {
    const seen = this.#known.get(space)?.get(id);
    if (!seen) throw new ManagerError('instance_not_found', 404, `No instance '${id}' in space '${space}'`);
    this.db.transaction(() => {
      this.db.sql.prepare('DELETE FROM instances WHERE space = ? AND id = ?').run(space, id);
      appendAudit(this.db, actor, { action: 'instance.forget', scope: space, target: id }, this.#now());
    });
    this.#forgetInMemory(seen);
  }

  /**
   * One page of the instances of `space`, in id order: at most `limit`,
   * those after the id `after` (the previous page's `next`); `next` is null on the last page.
   */
  page(space: string, limit: number, after?: string): { instances: InstanceRecord[]; next: string | null } {
    const cutoff = this.#cutoff();
    const ids: string[] = [];
    for (const [id, seen] of this.#known.get(space) ?? []) if (seen.at >= cutoff && (after === undefined || id > after)) ids.push(id);
    ids.sort();
    const known = this.#known.get(space);
    const instances = ids.slice(0, limit).map((id) => toRecord(known!.get(id)!));
    return { instances, next: ids.length > limit ? (instances[instances.length - 1]?.id ?? null) : null };
  }

  /** How many instances `space` has, and how many of them synced `version`. */
  tally(space: string, version: number): { total: number; current: number } {
    const cutoff = this.#cutoff();
    let total = 0;
    let current = 0;
    for (const seen of this.#known.get(space)?.values() ?? []) {
      if (seen.at < cutoff) continue;
      total++;
      if (seen.synced === version) current++;
    }
    return { total, current };
  }

  /** The nodes and instances of each key used in `space`, from the index: as many entries as keys. */
  keyTotals(space: string): Map<string, KeyTotals> {
    return new Map(this.#index.totals(space));
  }

  /** The spaces where some instance uses some key. */
  usageSpaces(): string[] {
    return [...this.#index.spaces()];
  }

  /**
   * Who uses `key` in the spaces `include` accepts: the sums over all of
   * them, and the `limit` instances with the most nodes (then by id).
   */
  usersOf(key: string, include: (space: string) => boolean, limit: number): { nodes: number; instances: number; users: KeyUser[] } {
    let nodes = 0;
    let instances = 0;
    const users: KeyUser[] = [];
    for (const space of this.#index.spaces()) {
      const byInstance = this.#index.users(space, key);
      if (byInstance.size === 0 || !include(space)) continue;
      for (const [id, count] of byInstance) {
        nodes += count;
        instances++;
        users.push({ space, id, name: this.#known.get(space)?.get(id)?.name ?? '', nodes: count });
      }
    }
    users.sort((a, b) => b.nodes - a.nodes || (a.space + '/' + a.id < b.space + '/' + b.id ? -1 : 1));
    return { nodes, instances, users: users.slice(0, limit) };
  }

  /** The spaces some instance has read. */
  spaces(): string[] {
    return [...this.#known.keys()].sort();
  }

  /** Writes everything pending, whatever its size, and stops the flush timer. */
  close(): void {
    clearInterval(this.#timer);
    this.#flush(Infinity);
  }

  /** Reads before this time (ms) are past retention. */
  #cutoff(): number {
    return this.#now().getTime() - this.#retentionMs;
  }

  #stale(): Seen[] {
    const cutoff = this.#cutoff();
    const stale: Seen[] = [];
    for (const space of this.#known.values()) for (const seen of space.values()) if (seen.at < cutoff) stale.push(seen);
    return stale;
  }

  #remember(seen: Seen): Seen {
    let space = this.#known.get(seen.space);
    if (!space) this.#known.set(seen.space, (space = new Map<string, Seen>()));
    space.set(seen.id, seen);
    this.#quota.added(seen.space, seen.token);
    if (seen.usage) this.#index.add(seen.space, seen.id, seen.usage);
    return seen;
  }

  #forgetInMemory(seen: Seen): void {
    const space = this.#known.get(seen.space);
    if (space?.get(seen.id) !== seen) return;
    space.delete(seen.id);
    if (space.size === 0) this.#known.delete(seen.space);
    this.#dirty.delete(seen);
    this.#quota.removed(seen.space, seen.token);
    if (seen.usage) this.#index.remove(seen.space, seen.id, seen.usage);
  }
}

function toRecord(seen: Seen): InstanceRecord {
  return { id: seen.id, name: seen.name, version: seen.version, syncedVersion: seen.synced, lastSeen: new Date(seen.at).toISOString(), usage: [...(seen.usage ?? [])] };
}
