// The audit trail: who (by token description) changed which secret or token, when and from where. Never a value.
import type { ManagerDatabase } from './database';
import type { TokenRecord } from './token-store';

/** One audit entry. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  actorId: string | null;
  /** `secret.create`, `secret.update`, `secret.delete`, `token.create`, `token.revoke`, `session.create`, `instance.forget`. */
  action: string;
  /** `org`, a space name, or null. */
  scope: string | null;
  /** The secret name or token id acted on. */
  target: string | null;
  ip: string | null;
}

interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor: string;
  action: string;
  scope: string | null;
  target: string | null;
  ip: string | null;
}

/** Appends to and reads the audit trail, kept in the database. */
export class AuditStore {
  constructor(
    private readonly db: ManagerDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records one action of `principal`. */
  record(principal: TokenRecord, action: string, details: { scope?: string | null; target?: string | null; ip?: string | undefined }): void {
    const actor = principal.description || `${principal.role} token ${principal.id}`;
    this.db.sql
      .prepare('INSERT INTO audit (at, actor_id, actor, action, scope, target, ip) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(this.now().toISOString(), principal.id, actor, action, details.scope ?? null, details.target ?? null, details.ip ?? null);
  }

  /** The newest entries first, at most `limit`, older than `before` (a seq) when given. */
  list(limit = 100, before?: number): AuditEntry[] {
    const rows = this.db.sql
      .prepare('SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?')
      .all(before ?? Number.MAX_SAFE_INTEGER, limit) as unknown as AuditRow[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, actor: r.actor, actorId: r.actor_id, action: r.action, scope: r.scope, target: r.target, ip: r.ip }));
  }
}
