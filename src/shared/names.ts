// The one naming rule of secret keys, pair keys and spaces, for the plugin (what flows can address) and the Secret Manager.

/** The characters a name may hold: letters, digits, `_` and `-` (a regular-expression character class). */
const NAME_CHARACTER = '[A-Za-z0-9_-]';

/** The longest a name may be. */
export const NAME_MAX_LENGTH = 128;

/**
 * The rule as regular-expression source, unanchored, for patterns that find
 * names inside text (`${SECRETS.KEY}`, `global.get('SECRETS').KEY`).
 */
export const NAME_SOURCE = `${NAME_CHARACTER}{1,${NAME_MAX_LENGTH}}`;

/** Letters, digits, `_` and `-`, 1 to 128 characters: safe in `SECRETS.KEY`, `${SECRETS.KEY}`, change-node paths and URLs. */
export const NAME_PATTERN = new RegExp(`^${NAME_SOURCE}$`);

/** Names that would reach an object's prototype if used as keys. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** 1 for each ASCII code unit {@link NAME_PATTERN} allows, read off the same character class. */
const NAME_UNITS = new Uint8Array(128);
const ONE_CHARACTER = new RegExp(`^${NAME_CHARACTER}$`);
for (let unit = 0; unit < 128; unit++) NAME_UNITS[unit] = ONE_CHARACTER.test(String.fromCharCode(unit)) ? 1 : 0;

/**
 * Whether `name` matches {@link NAME_PATTERN}. A sync checks every key of the
 * answer, so this walks code units instead of running the regex (README, "Performance").
 */
export function matchesNamePattern(name: string): boolean {
  const length = name.length;
  if (length === 0 || length > NAME_MAX_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 128 || NAME_UNITS[unit] === 0) return false;
  }
  return true;
}

/** Why `name` cannot be a key, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (!matchesNamePattern(name)) return "not letters, digits, '_' and '-'";
  if (RESERVED_NAMES.has(name)) return 'reserved name';
  return undefined;
}
