// Access tokens: admin, viewer (names only, no values, no changes) and read tokens bound to one space, stored only as SHA-256 hashes.
import { hash, randomBytes } from 'node:crypto';
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import type { ManagerDatabase } from './database';
import { ManagerError } from './errors';

/** What a token may do: everything; see names, descriptions and dates; or read the values of one space. */
export type Role = 'admin' | 'viewer' | 'read';

/** A token's record, without the token itself. */
export interface TokenRecord {
  id: string;
  role: Role;
  /** The one space a read token may read; null for admin tokens. */
  space: string | null;
  description: string;
  createdAt: string;
  revokedAt: string | null;
  /** When it was last used: a real use, recorded at most once a minute. */
  lastUsedAt: string | null;
}

interface TokenRow {
  id: string;
  role: Role;
  space: string | null;
  description: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** A row as memory keeps it: with its record and the time of its last use in ms, so a poll parses and allocates nothing. */
interface CachedToken {
  row: TokenRow;
  record: Readonly<TokenRecord>;
  /** `last_used_at` in ms; NaN when never used or unreadable. */
  lastUsedMs: number;
}

function cached(row: TokenRow): CachedToken {
  return { row, record: Object.freeze(toRecord(row)), lastUsedMs: row.last_used_at === null ? Number.NaN : Date.parse(row.last_used_at) };
}

const TOKEN_PREFIX = 'ssm_';

/** A token's use is written at most this often (a poll every few seconds would otherwise write every time). */
const LAST_USED_EVERY_MS = 60_000;

/** SHA-256 of the token's UTF-8 bytes, in hex: one call, no Hash object (every request hashes its token). */
function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    role: row.role,
    space: row.space,
    description: row.description,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/**
 * Issues, checks and revokes tokens. Tokens carry 256 random bits, so a plain
 * SHA-256 (no slow KDF) is enough to make a stolen database useless for logging in.
 */
export class TokenStore {
  /** Every token row by hash, loaded once and dropped by create, ensure and revoke: a poll runs no SQL. */
  #byHashCache: Map<string, CachedToken> | undefined;

  /**
   * @param now The clock in ms since the epoch: a poll reads it as a number, and a `Date` is made only when a use is
   *   written (once a minute a token).
   */
  constructor(
    private readonly db: ManagerDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a new token, audited as `actor`'s in the same transaction; the returned `token` string is shown once and never stored. */
  create(input: { role: Role; space: string | null; description: string }, actor: Actor): { token: string; record: TokenRecord } {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    return { token, record: this.#insert(token, input, actor) };
  }

  /** Registers a token chosen by the operator (SECRET_MANAGER_ADMIN_TOKEN) unless it is already known; audited as `actor`'s. */
  ensure(token: string, role: 'admin' | 'read', description: string, actor: Actor): TokenRecord {
    if (token.length < 16) {
      throw new ManagerError('token_too_short', 400, 'A configured token must have at least 16 characters');
    }
    const existing = this.#byHash(token);
    if (existing) return toRecord(existing.row);
    return this.#insert(token, { role, space: null, description }, actor);
  }

  /** Every token, newest first, revoked ones included. */
  list(): TokenRecord[] {
    const rows = this.db.sql.prepare('SELECT * FROM tokens ORDER BY created_at DESC, id').all() as unknown as TokenRow[];
    return rows.map(toRecord);
  }

  /** Revokes a token at once, audited as `actor`'s in the same transaction; 404 `token_not_found` if there is no active token with that id. */
  revoke(id: string, actor: Actor): void {
    const now = new Date(this.now());
    try {
      this.db.transaction(() => {
        const result = this.db.sql.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.toISOString(), id);
        if (result.changes === 0) throw new ManagerError('token_not_found', 404, `No active token with id '${id}'`);
        appendAudit(this.db, actor, { action: 'token.revoke', target: id }, now);
      });
    } finally {
      // Revocation takes effect at once: the next authenticate reads the rows again.
      this.#byHashCache = undefined;
    }
  }

  /**
   * The active token matching `token`, or null for an unknown or revoked one;
   * records the time of its use, at most once a minute (so `lastUsedAt` is a
   * real use, never before the token was created, and at most a minute older
   * than its latest use).
   */
  authenticate(token: string): Readonly<TokenRecord> | null {
    const entry = this.#byHash(token);
    if (!entry || entry.row.revoked_at !== null) return null;
    const now = this.now();
    // NaN (never used, or an unreadable time) is written over, as is a time a minute old.
    if (!(now - entry.lastUsedMs < LAST_USED_EVERY_MS)) {
      const at = new Date(now).toISOString();
      try {
        this.db.sql.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, entry.row.id);
        entry.row.last_used_at = at;
        entry.lastUsedMs = now;
        entry.record = Object.freeze(toRecord(entry.row));
      } catch {
        // Bookkeeping only: a busy or full disk must not refuse a valid token. The next request tries again.
      }
    }
    return entry.record;
  }

  /** The record of the token with this id, revoked or not. */
  byId(id: string): TokenRecord | undefined {
    const row = this.db.sql.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Whether the token with this id exists and is not revoked. */
  isActive(id: string): boolean {
    return this.db.sql.prepare('SELECT 1 FROM tokens WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
  }

  /** Whether at least one admin token is active. */
  hasActiveAdmin(): boolean {
    return this.db.sql.prepare("SELECT 1 FROM tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1").get() !== undefined;
  }

  #byHash(token: string): CachedToken | undefined {
    if (!this.#byHashCache) {
      const rows = this.db.sql.prepare('SELECT * FROM tokens').all() as unknown as (TokenRow & { hash: string })[];
      this.#byHashCache = new Map(rows.map((row) => [row.hash, cached(row)]));
    }
    return this.#byHashCache.get(hashToken(token));
  }

  #insert(token: string, input: { role: Role; space: string | null; description: string }, actor: Actor): TokenRecord {
    const id = randomBytes(6).toString('hex');
    const now = new Date(this.now());
    const at = now.toISOString();
    this.#byHashCache = undefined;
    this.db.transaction(() => {
      this.db.sql
        .prepare('INSERT INTO tokens (id, hash, role, space, description, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, hashToken(token), input.role, input.space, input.description, at);
      appendAudit(this.db, actor, { action: 'token.create', scope: input.space, target: id }, now);
    });
    return { id, role: input.role, space: input.space, description: input.description, createdAt: at, revokedAt: null, lastUsedAt: null };
  }
}
