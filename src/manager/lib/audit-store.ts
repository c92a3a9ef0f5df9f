// The audit trail: who changed which secret or token, who signed in, out or was refused, when and from where. Never a value.
import type { ManagerDatabase } from './database';

/** Every action an audit entry records. */
export const AUDIT_ACTIONS = [
  'secret.create',
  'secret.update',
  'secret.delete',
  'token.create',
  'token.revoke',
  'instance.forget',
  'session.create',
  'session.delete',
  'session.fail',
  'session.limit',
  'auth.limit',
  'backup.create',
  'backup.restore',
  'master_key.rotate',
  'master_key.rewrap',
] as const;

/** What an audit entry records. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acts: a token (named by its description) from an address, or the manager itself. */
export interface Actor {
  /** The token's id; null for the manager and for unknown tokens. */
  id: string | null;
  name: string;
  ip: string | null;
}

/** The manager acting on its own: the first admin token, the demo data of `npm start`. */
export const MANAGER_ACTOR: Actor = { id: null, name: 'secret-manager', ip: null };

/** The parts of a token's record that name it in the audit (a TokenRecord has them; the token store imports this module). */
export interface ActingToken {
  id: string;
  role: string;
  description: string;
}

/** The actor of a request made with `principal`'s token from `ip`. */
export function tokenActor(principal: ActingToken, ip: string | undefined): Actor {
  return { id: principal.id, name: principal.description || `${principal.role} token ${principal.id}`, ip: ip ?? null };
}

/** What happened, to what. */
export interface AuditEvent {
  action: AuditAction;
  /** `org`, a space name, or null. */
  scope?: string | null;
  /** The secret name, token id or instance id acted on. */
  target?: string | null;
}

/** One audit entry. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  actorId: string | null;
  action: AuditAction;
  scope: string | null;
  target: string | null;
  ip: string | null;
  /** How many times it happened in the entry's window (1 for every change; more for folded sign-ins and refusals). */
  count: number;
}

/** What {@link AuditStore.list} keeps: each given part must match. */
export interface AuditFilter {
  /** Part of the actor's name (the token description), any case. */
  actor?: string;
  /** Part of what was acted on (a secret name, token id or instance id), any case. */
  target?: string;
  /** The actions to keep (at least one). */
  actions?: readonly AuditAction[];
}

interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor: string;
  action: AuditAction;
  scope: string | null;
  target: string | null;
  ip: string | null;
  count: number;
}

/**
 * Appends one entry and returns its seq. The stores call it inside the
 * transaction of the change it records, so the change and its entry commit
 * together or not at all (README, "Storage and durability").
 */
export function appendAudit(db: ManagerDatabase, actor: Actor, event: AuditEvent, at: Date): number {
  const result = db.sql
    .prepare('INSERT INTO audit (at, actor_id, actor, action, scope, target, ip) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(at.toISOString(), actor.id, actor.name, event.action, event.scope ?? null, event.target ?? null, actor.ip);
  return Number(result.lastInsertRowid);
}

/** Options of {@link AuditStore}; the defaults suit a production manager. */
export interface AuditOptions {
  now?: () => Date;
  /** How long one folded entry collects repeats of its event, in ms. */
  foldMs?: number;
  /** Most folded entries open at once; further keys share one entry per action. */
  maxOpen?: number;
  /** How often the counts of open entries are written, in ms. */
  flushMs?: number;
  /** Where a failed write of a count is reported (it is tried again). */
  onWriteError?: (error: unknown) => void;
}

/** A folded entry collecting repeats: its row, its count, and the count the row holds. */
interface Open {
  seq: number;
  count: number;
  written: number;
  ends: number;
}

/** A folded entry collects repeats for 10 minutes. */
export const AUDIT_FOLD_MS = 10 * 60_000;
/** Most folded entries open at once. */
export const MAX_OPEN_FOLDS = 1000;

/**
 * Reads the audit trail and writes the entries that are not changes: sign-ins,
 * sign-outs and refusals. Those are folded, so a flood cannot push the changes
 * off the first page: the first occurrence of a key in a window is written at
 * once, the repeats only add to its count (kept in memory, written every
 * {@link AuditOptions.flushMs} and on close, shown exact by {@link list}).
 */
export class AuditStore {
  readonly #open = new Map<string, Open>();
  readonly #now: () => Date;
  readonly #foldMs: number;
  readonly #maxOpen: number;
  readonly #onWriteError: (error: unknown) => void;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly db: ManagerDatabase,
    options: AuditOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#foldMs = options.foldMs ?? AUDIT_FOLD_MS;
    this.#maxOpen = options.maxOpen ?? MAX_OPEN_FOLDS;
    this.#onWriteError = options.onWriteError ?? (() => undefined);
    this.#timer = setInterval(() => this.flush(), options.flushMs ?? 5_000);
    this.#timer.unref();
  }

  /**
   * Records one occurrence of `event` by `actor`, folded under `key` (e.g. the
   * action and the address): a new entry for the first in a window, a count
   * for the rest. Throws when the new entry cannot be written.
   */
  note(key: string, actor: Actor, event: AuditEvent): void {
    const now = this.#now();
    let open = this.#current(key, now.getTime());
    if (!open && this.#open.size >= this.#maxOpen) {
      // Entries are kept in the order they started, so the first is the first to end: flush only if there is room to gain.
      const oldest = this.#open.values().next().value;
      if (oldest && oldest.ends <= now.getTime()) this.flush();
      // Still full: a flood from many addresses (or tokens) shares one entry per action, without an address.
      if (this.#open.size >= this.#maxOpen) {
        key = `${event.action}|*`;
        actor = { ...actor, ip: null };
        open = this.#current(key, now.getTime());
      }
    }
    if (open) {
      open.count++;
      return;
    }
    const seq = appendAudit(this.db, actor, event, now);
    this.#open.set(key, { seq, count: 1, written: 1, ends: now.getTime() + this.#foldMs });
  }

  /** Writes the counts that moved, in one transaction, and closes the entries whose window has passed. Never throws. */
  flush(): void {
    const moved = [...this.#open.values()].filter((open) => open.count !== open.written);
    try {
      if (moved.length > 0) {
        this.db.transaction(() => {
          const update = this.db.sql.prepare('UPDATE audit SET count = ? WHERE seq = ?');
          for (const open of moved) update.run(open.count, open.seq);
        });
      }
    } catch (error) {
      this.#onWriteError(error);
      return;
    }
    for (const open of moved) open.written = open.count;
    const now = this.#now().getTime();
    for (const [key, open] of this.#open) if (open.ends <= now) this.#open.delete(key);
  }

  /**
   * The newest entries first, at most `limit`, older than `before` (a seq) when
   * given, matching `filter`; counts as of now.
   */
  list(limit = 100, before?: number, filter: AuditFilter = {}): AuditEntry[] {
    const where = ['seq < ?'];
    const params: (string | number)[] = [before ?? Number.MAX_SAFE_INTEGER];
    // instr() on lower-cased text: a plain part-of match, with no LIKE wildcards to escape.
    if (filter.actor !== undefined) {
      where.push('instr(lower(actor), lower(?)) > 0');
      params.push(filter.actor);
    }
    if (filter.target !== undefined) {
      where.push('instr(lower(target), lower(?)) > 0');
      params.push(filter.target);
    }
    if (filter.actions !== undefined) {
      where.push(`action IN (${filter.actions.map(() => '?').join(', ')})`);
      params.push(...filter.actions);
    }
    const rows = this.db.sql
      .prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
      .all(...params, limit) as unknown as AuditRow[];
    const counts = new Map([...this.#open.values()].map((open) => [open.seq, open.count]));
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      actorId: r.actor_id,
      action: r.action,
      scope: r.scope,
      target: r.target,
      ip: r.ip,
      count: counts.get(r.seq) ?? r.count,
    }));
  }

  /** Writes the pending counts and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }

  /** The open entry of `key` at `now`; an ended one is closed first (its count written if possible). */
  #current(key: string, now: number): Open | undefined {
    const open = this.#open.get(key);
    if (!open || open.ends > now) return open;
    if (open.count !== open.written) {
      try {
        this.db.sql.prepare('UPDATE audit SET count = ? WHERE seq = ?').run(open.count, open.seq);
      } catch (error) {
        // The repeats of a past window are lost rather than held without bound.
        this.#onWriteError(error);
      }
    }
    this.#open.delete(key);
    return undefined;
  }
}
