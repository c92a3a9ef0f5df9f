// Secrets per space and per organization: CRUD, the scope merge and the per-space version.
import type { ChangeFeed} from './change-feed';
import { ORG_SCOPE } from './change-feed';
import type { Cipher } from './cipher';
import { appendAudit } from './audit-store';
import type { Actor } from './audit-store';
import type { ManagerDatabase } from './database';
import { ManagerError, badRequest } from './errors';
import { patchedValue } from './patch-value';
import { VALIDATION_MESSAGES, sameValue } from './validation';
import type { CreateInput, PatchInput, SecretValue } from './validation';

/** Which secrets a call works on: the organization's, or one space's own. */
export type Scope = { kind: 'org' } | { kind: 'space'; space: string };

/** A secret without its value. */
export interface SecretMeta {
  name: string;
  description: string;
  type: 'string' | 'pairs';
  /** Sub-key names of a multi-pair secret (names only). */
  fields?: string[];
  scope: 'org' | 'space';
  createdAt: string;
  updatedAt: string;
}

/** What a space sees: organization secrets overridden by the space's own. */
export interface SpaceSnapshot {
  space: string;
  version: number;
  secrets: Record<string, SecretValue>;
}

interface SecretRow {
  scope: string;
  name: string;
  type: 'string' | 'pairs';
  fields: string | null;
  description: string;
  sealed: Uint8Array;
  created_at: string;
  updated_at: string;
}

/** What a sealed value is bound to: its row's scope and name. */
export function valueContext(scope: string, name: string): string {
  return `${scope}\u0000${name}`;
}

function scopeKey(scope: Scope): string {
  return scope.kind === 'org' ? ORG_SCOPE : scope.space;
}

/** The scope as the audit names it: `org` or the space. */
function auditScope(scope: Scope): string {
  return scope.kind === 'org' ? 'org' : scope.space;
}

function toMeta(row: SecretRow): SecretMeta {
  const meta: SecretMeta = {
    name: row.name,
    description: row.description,
    type: row.type,
    scope: row.scope === ORG_SCOPE ? 'org' : 'space',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.fields !== null) meta.fields = JSON.parse(row.fields) as string[];
  return meta;
}

function notFound(name: string): ManagerError {
  return new ManagerError('secret_not_found', 404, `No secret named '${name}' in this scope`);
}

/** A space's answer as the API sends it: `{ space, version, secrets }`, serialized and UTF-8 encoded once per version. */
export interface EncodedAnswer {
  version: number;
  body: Buffer;
}

/**
 * Stores secrets encrypted; every change bumps a global revision and wakes the
 * affected long polls. Reads are served from memory: the revision of each
 * scope, and each space's last answer encoded, dropped after every write
 * (README, "Security and reliability": what that means for a heap dump).
 */
export class SecretStore {
  #revisions: Map<string, number> | undefined;
  readonly #answers = new Map<string, EncodedAnswer>();
  /** Decrypted values of each scope read so far, kept in step with every committed write. */
  readonly #plain = new Map<string, Map<string, SecretValue>>();

  constructor(
    private readonly db: ManagerDatabase,
    private cipher: Cipher,
    private readonly feed: ChangeFeed,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Seals and opens with `cipher` from now on: a rotation's commit (the values kept in memory are the same under either key). */
  useCipher(cipher: Cipher): void {
    this.cipher = cipher;
  }

  /** The secrets of one scope, without values, sorted by name. */
  list(scope: Scope): SecretMeta[] {
    const rows = this.db.sql
      .prepare('SELECT * FROM secrets WHERE scope = ? ORDER BY name')
      .all(scopeKey(scope)) as unknown as SecretRow[];
    return rows.map(toMeta);
  }

  /** Whether the scope has a secret of that name. */
  has(scope: Scope, name: string): boolean {
    return this.#row(scopeKey(scope), name) !== undefined;
  }

  /**
   * Whether `space` sees a key of that name (its own or an organization
   * secret), from the names kept in memory for its reads: no query per key.
   */
  sees(space: string, name: string): boolean {
    return this.#scopeValues(space).has(name) || this.#scopeValues(ORG_SCOPE).has(name);
  }

  /** Throws 404 `secret_not_found` unless the scope has a secret of that name. */
  assertExists(scope: Scope, name: string): void {
    if (!this.#row(scopeKey(scope), name)) throw notFound(name);
  }

  /** Creates a secret, audited as `actor`'s in the same transaction; 409 `secret_exists` if the scope already has that name. */
  create(scope: Scope, input: CreateInput, actor: Actor): SecretMeta {
    const key = scopeKey(scope);
    const now = this.now();
    const at = now.toISOString();
    let row: SecretRow;
    try {
      row = this.db.transaction(() => {
        if (this.#row(key, input.name)) {
          throw new ManagerError('secret_exists', 409, `A secret named '${input.name}' already exists in this scope`, 'name');
        }
        const fields = typeof input.value === 'string' ? null : JSON.stringify(Object.keys(input.value));
        this.db.sql
          .prepare('INSERT INTO secrets (scope, name, type, fields, description, sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(key, input.name, fields === null ? 'string' : 'pairs', fields, input.description, this.#seal(key, input.name, input.value), at, at);
        this.#bump(key);
        appendAudit(this.db, actor, { action: 'secret.create', scope: auditScope(scope), target: input.name }, now);
        return this.#row(key, input.name) as SecretRow;
      });
    } catch (err) {
      this.#forget();
      throw err;
    }
    this.#applied(key, input.name, input.value);
    this.feed.notify(key);
    return toMeta(row);
  }

  /** Changes the value (whole, or some pairs: {@link patchedValue}) and/or description, audited as `actor`'s in the same transaction; 404 if absent, 400 `no_changes` if nothing would change. */
  update(scope: Scope, name: string, patch: PatchInput, actor: Actor): SecretMeta {
    const key = scopeKey(scope);
    const now = this.now();
    let outcome: { row: SecretRow; bumped: boolean; value: SecretValue | undefined };
    try {
      outcome = this.db.transaction(() => {
        const current = this.#row(key, name);
        if (!current) throw notFound(name);
        const before = this.#open(current);
        const next = patchedValue(name, before, patch);
        const valueChanges = next !== undefined && !sameValue(next, before);
        const descriptionChanges = patch.description !== undefined && patch.description !== current.description;
        if (!valueChanges && !descriptionChanges) throw badRequest('no_changes', VALIDATION_MESSAGES.noChanges);
        const value = valueChanges ? next : undefined;
        const fields = value === undefined ? current.fields : typeof value === 'string' ? null : JSON.stringify(Object.keys(value));
        this.db.sql
          .prepare('UPDATE secrets SET type = ?, fields = ?, description = ?, sealed = ?, updated_at = ? WHERE scope = ? AND name = ?')
          .run(
            fields === null ? 'string' : 'pairs',
            fields,
            patch.description ?? current.description,
            value === undefined ? current.sealed : this.#seal(key, name, value),
            now.toISOString(),
            key,
            name,
          );
        // A description edit does not change what a space reads, so only value edits bump its version.
        if (valueChanges) this.#bump(key);
        appendAudit(this.db, actor, { action: 'secret.update', scope: auditScope(scope), target: name }, now);
        return { row: this.#row(key, name) as SecretRow, bumped: valueChanges, value };
      });
    } catch (err) {
      this.#forget();
      throw err;
    }
    if (outcome.bumped) {
      this.#applied(key, name, outcome.value);
      this.feed.notify(key);
    }
    return toMeta(outcome.row);
  }

  /** Deletes a secret permanently, audited as `actor`'s in the same transaction; 404 if absent. */
  delete(scope: Scope, name: string, actor: Actor): void {
    const key = scopeKey(scope);
    try {
      this.db.transaction(() => {
        const result = this.db.sql.prepare('DELETE FROM secrets WHERE scope = ? AND name = ?').run(key, name);
        if (result.changes === 0) throw notFound(name);
        this.#bump(key);
        appendAudit(this.db, actor, { action: 'secret.delete', scope: auditScope(scope), target: name }, this.now());
      });
    } catch (err) {
      this.#forget();
      throw err;
    }
    this.#applied(key, name, undefined);
    this.feed.notify(key);
  }

  /** The version of what `space` sees: it increases with every change to its own or to organization secrets. */
  version(space: string): number {
    if (!this.#revisions) {
      const rows = this.db.sql.prepare('SELECT scope, rev FROM revisions').all() as unknown as { scope: string; rev: number }[];
      this.#revisions = new Map(rows.map((r) => [r.scope, r.rev]));
    }
    return Math.max(this.#revisions.get(space) ?? 0, this.#revisions.get(ORG_SCOPE) ?? 0);
  }

  /**
   * What `space` sees, as the bytes of the JSON the API answers, and its
   * version: serialized and encoded once per version, so a full read sends a
   * Buffer kept in memory (README, "Performance"). An organization write
   * drops every space's answer: each one holds the organization's keys.
   */
  readBody(space: string): EncodedAnswer {
    const version = this.version(space);
    const cached = this.#answers.get(space);
    if (cached?.version === version) return cached;
    const answer = { version, body: Buffer.from(JSON.stringify(this.read(space))) };
    this.#answers.set(space, answer);
    return answer;
  }

  // After a write that failed (rolled back, or an unknown state): the next read goes to the database again.
  #forget(): void {
    this.#revisions = undefined;
    this.#answers.clear();
    this.#plain.clear();
  }

  // After a committed write: memory follows the database without reading it again. The
  // revisions are re-read (one small query) since the bump may have come from the meta row.
  #applied(key: string, name: string, value: SecretValue | undefined): void {
    this.#revisions = undefined;
    this.#answers.clear();
    const plain = this.#plain.get(key);
    if (!plain) return;
    if (value === undefined) plain.delete(name);
    else plain.set(name, value);
  }

  /** The decrypted values of one scope (no merge), read from the database once and then kept in memory. */
  #scopeValues(key: string): Map<string, SecretValue> {
    let plain = this.#plain.get(key);
    if (!plain) {
      const rows = this.db.sql.prepare('SELECT scope, name, sealed FROM secrets WHERE scope = ?').all(key) as unknown as SecretRow[];
      plain = new Map(rows.map((row) => [row.name, this.#open(row)]));
      this.#plain.set(key, plain);
    }
    return plain;
  }

  /**
   * Everything `space` sees, decrypted, with the version it was read at. Memory
   * cannot disagree with the database: its API is synchronous, this process is
   * its only writer, and every write updates or drops what is kept.
   */
  read(space: string): SpaceSnapshot {
    const version = this.version(space);
    const org = this.#scopeValues(ORG_SCOPE);
    const own = this.#scopeValues(space);
    // The space's own secret wins over an organization secret of the same name.
    const names = [...new Set([...org.keys(), ...own.keys()])].sort();
    const secrets: Record<string, SecretValue> = {};
    for (const name of names) secrets[name] = (own.get(name) ?? org.get(name)) as SecretValue;
    return { space, version, secrets };
  }

  /** The decrypted values of one scope only (no merge), by name: for `secret-manager export`. */
  values(scope: Scope): Record<string, SecretValue> {
    const rows = this.db.sql.prepare('SELECT * FROM secrets WHERE scope = ? ORDER BY name').all(scopeKey(scope)) as unknown as SecretRow[];
    return Object.fromEntries(rows.map((row) => [row.name, this.#open(row)]));
  }

  /** The spaces that have secrets of their own. */
  spaces(): string[] {
    const rows = this.db.sql.prepare('SELECT DISTINCT scope FROM secrets WHERE scope <> ? ORDER BY scope').all(ORG_SCOPE) as unknown as { scope: string }[];
    return rows.map((row) => row.scope);
  }

  #row(key: string, name: string): SecretRow | undefined {
    return this.db.sql.prepare('SELECT * FROM secrets WHERE scope = ? AND name = ?').get(key, name) as SecretRow | undefined;
  }

  #bump(key: string): void {
    const next = Number(this.db.getMeta('revision') ?? '0') + 1;
    this.db.setMeta('revision', String(next));
    this.db.sql
      .prepare('INSERT INTO revisions (scope, rev) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET rev = excluded.rev')
      .run(key, next);
  }

  #seal(key: string, name: string, value: SecretValue): Buffer {
    return this.cipher.seal(JSON.stringify(value), valueContext(key, name));
  }

  #open(row: SecretRow): SecretValue {
    return JSON.parse(this.cipher.open(row.sealed, valueContext(row.scope, row.name))) as SecretValue;
  }
}
