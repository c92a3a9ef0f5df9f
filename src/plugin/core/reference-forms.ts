// Every way a node property names a secret as a variable (`${SECRETS.KEY}`, an `env` typed input, `$env(…)`, `env.get(…)`), and when Node-RED reads it.
import { SECRETS_KEY } from '../../shared/contract';
import { NAME_SOURCE as NAME } from '../../shared/names';

/** The prefix of a reference's variable name: `${SECRETS.KEY}` asks Node-RED for the variable `SECRETS.KEY`. */
export const REFERENCE_PREFIX = `${SECRETS_KEY}.`;
const REFERENCE = new RegExp(`\\$\\{${SECRETS_KEY}\\.(${NAME})(?:\\.(${NAME}))?\\}`, 'g');
const VARIABLE = new RegExp(`^${SECRETS_KEY}\\.(${NAME})(?:\\.(${NAME}))?$`);
/** `$env('SECRETS.KEY')` (JSONata) and `env.get('SECRETS.KEY')` (function node), either quote. */
const LOOKUP = new RegExp(`(\\$env|env\\.get)\\(\\s*(['"])${SECRETS_KEY}\\.(${NAME})(?:\\.(${NAME}))?\\2\\s*\\)`, 'g');

/** One reference: a key, or a pair of a multi-pair secret. */
export interface Reference {
  key: string;
  field?: string;
}

/** A reference found in a node, and whether Node-RED reads it at each use (no restart needed after a rotation). */
export interface FoundReference {
  ref: Reference;
  /** True when Node-RED looks the variable up each time it is used; false when it reads it once, as the node starts. */
  live: boolean;
}

const toReference = (key: string, field: string | undefined): Reference => (field === undefined ? { key } : { key, field });

/** How a reference is written: `SECRETS.KEY` or `SECRETS.KEY.field`. */
export function referenceText(ref: Reference): string {
  return `${REFERENCE_PREFIX}${ref.key}${ref.field === undefined ? '' : `.${ref.field}`}`;
}

/** The reference a variable name stands for (`SECRETS.KEY[.field]`), or undefined for any other name. */
export function parseVariable(name: string): Reference | undefined {
  const match = VARIABLE.exec(name);
  return match ? toReference(match[1]!, match[2]) : undefined;
}

/** Every `${SECRETS.…}` written in `value` (strings at any depth), in order. */
export function referencesIn(value: unknown, depth = 0): Reference[] {
  if (typeof value === 'string') {
    if (!value.includes(`\${${REFERENCE_PREFIX}`)) return [];
    return [...value.matchAll(REFERENCE)].map((m) => toReference(m[1]!, m[2]));
  }
  if (typeof value !== 'object' || value === null || depth > 16) return [];
  return Object.values(value).flatMap((item) => referencesIn(item, depth + 1));
}

/**
 * The bare names of `env` typed inputs in `value`: an object (a node, a rule,
 * a header row) holding the type `'env'` in one property and `SECRETS.KEY` in
 * another (`{ to: 'SECRETS.KEY', tot: 'env' }` of a change rule, `certType` and
 * `certEnv` of a TLS config). The type property's name differs from node to
 * node, so the object is the unit, not a naming rule.
 */
export function envInputsIn(value: unknown, depth = 0): Reference[] {
  if (typeof value !== 'object' || value === null || depth > 16) return [];
  const items = Object.values(value);
  const own = items.includes('env') ? items.flatMap((item) => (typeof item === 'string' ? (parseVariable(item) ?? []) : [])) : [];
  return [...own, ...items.flatMap((item) => envInputsIn(item, depth + 1))];
}

/** `$env('SECRETS.…')` and `env.get('SECRETS.…')` in `value` (strings at any depth): `live` as the caller says. */
function lookupsIn(value: unknown, depth = 0): Reference[] {
  if (typeof value === 'string') {
    if (!value.includes(REFERENCE_PREFIX)) return [];
    return [...value.matchAll(LOOKUP)].map((m) => toReference(m[3]!, m[4]));
  }
  if (typeof value !== 'object' || value === null || depth > 16) return [];
  return Object.values(value).flatMap((item) => lookupsIn(item, depth + 1));
}

/**
 * Every reference of one node's properties and stored credentials, as Node-RED 5
 * evaluates them (README, "Secrets in any node property"):
 * - `${SECRETS.KEY}` as a whole property (config nodes, credentials) is put in
 *   as the node starts; inside text of an `env` typed input too (change node);
 * - a bare `SECRETS.KEY` in an `env` typed input is read as the node starts by
 *   the change node, a TLS config and websocket headers (per message by inject
 *   and switch, where a restart does no harm);
 * - `env.get('SECRETS.KEY')` in a function node's On Start runs once as it starts;
 * - `$env('SECRETS.KEY')` in JSONata and `env.get('SECRETS.KEY')` in a
 *   function's code are looked up at each use: `live`, no restart needed.
 */
export function nodeReferences(node: Record<string, unknown>, credentials: unknown): FoundReference[] {
  const { initialize, ...rest } = node;
  return [
    ...[...referencesIn(node), ...referencesIn(credentials), ...envInputsIn(node), ...lookupsIn(initialize)].map((ref) => ({ ref, live: false })),
    ...lookupsIn(rest).map((ref) => ({ ref, live: true })),
  ];
}
