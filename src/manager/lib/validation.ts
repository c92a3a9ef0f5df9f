// Input rules for secrets and spaces (the validation messages of README "HTTP API", word for word), as pure functions over parsed JSON.
import { isRecord } from '../../shared/guards';
import { NAME_PATTERN, RESERVED_NAMES } from '../../shared/names';
import { badRequest } from './errors';

/** A secret's value: one string, or an object of string pairs (a multi-pair secret). */
export type SecretValue = string | Record<string, string>;

/** A validated create request. */
export interface CreateInput {
  name: string;
  value: SecretValue;
  description: string;
}

/** A secret's type: one string, or string pairs. */
export type SecretType = 'string' | 'pairs';

/**
 * A validated update request: at least one field may still be a no-op; the store decides "No changes to save".
 * `value` replaces the whole value; `fields` changes some pairs of a multi-pair secret (null removes one);
 * `type` confirms a change of type along with `value` (README, "HTTP API").
 */
export interface PatchInput {
  value?: SecretValue;
  fields?: Record<string, string | null>;
  type?: SecretType;
  description?: string;
}

/** Largest accepted description, in characters. */
export const MAX_DESCRIPTION = 1000;
/** Largest accepted value, in bytes of its JSON form. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Most sub-keys a multi-pair secret may have. */
export const MAX_FIELDS = 100;

const MESSAGES = {
  keyRequired: 'Secret key is required',
  valueRequired: 'Secret value is required',
  noChanges: 'No changes to save',
} as const;
/** The validation messages (README, "HTTP API"), exported for tests and clients. */
export const VALIDATION_MESSAGES = MESSAGES;

function checkName(name: string, what: string, field: string): void {
  if (RESERVED_NAMES.has(name)) throw badRequest('invalid_name', `${what} '${name}' is reserved`, field);
  if (!NAME_PATTERN.test(name)) {
    throw badRequest('invalid_name', `${what} may contain only letters, digits, '_' and '-' (1 to 128 characters)`, field);
  }
}

/** Throws `invalid_space` unless `space` is a valid space name. */
export function assertSpaceName(space: string): void {
  if (RESERVED_NAMES.has(space) || !NAME_PATTERN.test(space)) {
    throw badRequest('invalid_space', "Space names may contain only letters, digits, '_' and '-' (1 to 128 characters)", 'space');
  }
}

/** Throws `invalid_name` unless `name` is a valid secret name. */
export function assertSecretName(name: string): void {
  checkName(name, 'Secret key', 'name');
}

function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badRequest('unknown_field', `Unknown field '${key.slice(0, 64)}'`, key.slice(0, 64));
  }
}

/** The type of `value`. */
export function typeOf(value: SecretValue): SecretType {
  return typeof value === 'string' ? 'string' : 'pairs';
}

function parseValue(value: unknown): SecretValue {
  if (value === undefined || value === null) throw badRequest('value_required', MESSAGES.valueRequired, 'value');
  if (typeof value === 'string') {
    if (value.trim() === '') throw badRequest('value_required', MESSAGES.valueRequired, 'value');
    return checkSize(value);
  }
  if (!isRecord(value)) {
    throw badRequest('invalid_type', 'value must be a string or an object of string pairs', 'value');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) throw badRequest('value_required', MESSAGES.valueRequired, 'value');
  if (entries.length > MAX_FIELDS) throw badRequest('too_many_fields', `A secret may have at most ${MAX_FIELDS} pairs`, 'value');
  const pairs: Record<string, string> = {};
  for (const [key, sub] of entries) {
    checkName(key, 'Pair key', 'value');
    if (typeof sub !== 'string') throw badRequest('invalid_type', `value.${key} must be a string`, 'value');
    if (sub.trim() === '') throw badRequest('value_required', MESSAGES.valueRequired, 'value');
    pairs[key] = sub;
  }
  return checkSize(pairs);
}

/** Throws `value_too_large` when `value` is over {@link MAX_VALUE_BYTES}; else returns it. */
export function checkSize<T extends SecretValue>(value: T): T {
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_VALUE_BYTES) {
    throw badRequest('value_too_large', `A secret value may be at most ${MAX_VALUE_BYTES} bytes`, 'value');
  }
  return value;
}

function parseDescription(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw badRequest('invalid_type', 'description must be a string', 'description');
  if (value.length > MAX_DESCRIPTION) {
    throw badRequest('description_too_long', `description may be at most ${MAX_DESCRIPTION} characters`, 'description');
  }
  return value;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('invalid_body', 'The request body must be a JSON object');
  return body;
}

/** Validates a create body `{ name, value, description? }`. */
export function parseCreateBody(body: unknown): CreateInput {
  const obj = requireObject(body);
  rejectUnknownFields(obj, ['name', 'value', 'description']);
  const { name } = obj;
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw badRequest('invalid_type', 'name must be a string', 'name');
  }
  if (typeof name !== 'string' || name.trim() === '') throw badRequest('key_required', MESSAGES.keyRequired, 'name');
  assertSecretName(name);
  return { name, value: parseValue(obj.value), description: parseDescription(obj.description) };
}

/**
 * Validates an update body `{ value?, description? }` for the secret `currentName`.
 * The name is read-only: sending it back unchanged is allowed, changing it is not.
 */
export function parsePatchBody(body: unknown, currentName: string): PatchInput {
  const obj = requireObject(body);
  rejectUnknownFields(obj, ['name', 'value', 'fields', 'type', 'description']);
  if ('name' in obj && obj.name !== currentName) {
    throw badRequest('name_read_only', 'The secret key cannot be changed', 'name');
  }
  if ('value' in obj && 'fields' in obj) throw badRequest('invalid_body', 'Send value (the whole value) or fields (some pairs), not both', 'fields');
  if ('type' in obj && !('value' in obj)) throw badRequest('invalid_body', 'type confirms a change of type and goes with value', 'type');
  const patch: PatchInput = {};
  if ('value' in obj) patch.value = parseValue(obj.value);
  if ('fields' in obj) patch.fields = parseFields(obj.fields);
  if ('type' in obj) {
    if (obj.type !== 'string' && obj.type !== 'pairs') throw badRequest('invalid_type', "type must be 'string' or 'pairs'", 'type');
    if (patch.value !== undefined && typeOf(patch.value) !== obj.type) throw badRequest('invalid_type', `value is not of type '${obj.type}'`, 'type');
    patch.type = obj.type;
  }
  if ('description' in obj) patch.description = parseDescription(obj.description);
  if (patch.value === undefined && patch.fields === undefined && patch.description === undefined) {
    throw badRequest('no_changes', MESSAGES.noChanges);
  }
  return patch;
}

/**
 * Validates `fields` of an update: pair names like a create's, each set to a
 * non-blank string or null (remove it). At most twice {@link MAX_FIELDS}
 * entries: room to replace every pair. The merged result is checked by the store.
 */
function parseFields(fields: unknown): Record<string, string | null> {
  if (!isRecord(fields)) throw badRequest('invalid_type', 'fields must be an object of pair names to new values (or null to remove)', 'fields');
  const entries = Object.entries(fields);
  if (entries.length > 2 * MAX_FIELDS) throw badRequest('too_many_fields', `fields may name at most ${2 * MAX_FIELDS} pairs`, 'fields');
  const parsed: Record<string, string | null> = {};
  for (const [key, sub] of entries) {
    checkName(key, 'Pair key', 'fields');
    if (sub !== null && typeof sub !== 'string') throw badRequest('invalid_type', `fields.${key} must be a string or null`, 'fields');
    if (sub !== null && sub.trim() === '') throw badRequest('value_required', MESSAGES.valueRequired, 'fields');
    parsed[key] = sub;
  }
  return parsed;
}

/** Validates a token create body `{ space?, role?, description? }`. */
export function parseTokenBody(body: unknown): { role: 'admin' | 'viewer' | 'read'; space: string | null; description: string } {
  const obj = requireObject(body);
  rejectUnknownFields(obj, ['space', 'role', 'description']);
  const role = obj.role ?? 'read';
  if (role !== 'admin' && role !== 'read' && role !== 'viewer') throw badRequest('invalid_role', "role must be 'read', 'viewer' or 'admin'", 'role');
  const description = parseDescription(obj.description);
  if (role === 'admin' || role === 'viewer') {
    if (obj.space !== undefined && obj.space !== null) throw badRequest('invalid_space', `${role === 'admin' ? 'Admin' : 'Viewer'} tokens are not bound to a space`, 'space');
    return { role, space: null, description };
  }
  if (typeof obj.space !== 'string' || obj.space === '') throw badRequest('space_required', 'A read token needs a space', 'space');
  assertSpaceName(obj.space);
  return { role, space: obj.space, description };
}

/** Values compare equal when they hold the same pairs, whatever their order. */
export function sameValue(a: SecretValue, b: SecretValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}
