// The query of GET /v1/audit: ?before= pages back; ?actor=, ?action= and ?target= filter, each bounded.
import { badRequest } from '../errors';
import { AUDIT_ACTIONS } from '../audit-store';
import type { AuditAction, AuditFilter } from '../audit-store';

/** Longest text filter, in characters: a key is at most 128. */
export const MAX_FILTER_LENGTH = 128;

/** The groups `?action=` takes besides one action: what the console's "What" filter offers. */
const ACTION_GROUPS: Readonly<Record<string, readonly AuditAction[]>> = {
  secret: ['secret.create', 'secret.update', 'secret.delete'],
  token: ['token.create', 'token.revoke'],
  instance: ['instance.forget'],
  // Sign-ins, sign-outs and the refusals of too many attempts.
  session: ['session.create', 'session.delete', 'session.fail', 'session.limit', 'auth.limit'],
  // Backups taken and restored, master-key rotations and rewraps.
  operations: ['backup.create', 'backup.restore', 'master_key.rotate', 'master_key.rewrap'],
};

/** One text parameter: absent, or a string of 1 to {@link MAX_FILTER_LENGTH} characters (given once); else 400 `invalid_query`. */
function text(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_FILTER_LENGTH) {
    throw badRequest('invalid_query', `${name} must be given once, 1 to ${MAX_FILTER_LENGTH} characters`, name);
  }
  return value;
}

/** Parses `?before=seq&actor=&action=&target=` of `GET /v1/audit` (README, "HTTP API"). */
export function parseAuditQuery(query: Record<string, unknown>): { before: number | undefined; filter: AuditFilter } {
  const before = text(query, 'before');
  if (before !== undefined && !/^\d{1,15}$/.test(before)) throw badRequest('invalid_query', 'before must be the seq of an entry', 'before');
  const action = text(query, 'action');
  let actions: readonly AuditAction[] | undefined;
  if (action !== undefined) {
    actions = Object.hasOwn(ACTION_GROUPS, action) ? ACTION_GROUPS[action] : (AUDIT_ACTIONS as readonly string[]).includes(action) ? [action as AuditAction] : undefined;
    if (actions === undefined) throw badRequest('invalid_query', `action must be one of ${[...Object.keys(ACTION_GROUPS), ...AUDIT_ACTIONS].join(', ')}`, 'action');
  }
  const actor = text(query, 'actor');
  const target = text(query, 'target');
  return {
    before: before === undefined ? undefined : Number(before),
    filter: { ...(actor === undefined ? {} : { actor }), ...(target === undefined ? {} : { target }), ...(actions === undefined ? {} : { actions }) },
  };
}
