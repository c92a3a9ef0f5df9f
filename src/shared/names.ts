// The one naming rule of secret keys, pair keys and spaces, for the plugin (what flows can address) and the Secret Manager.

/** Letters, digits, `_` and `-`, 1 to 128 characters: safe in `SECRETS.KEY`, `${SECRETS.KEY}`, change-node paths and URLs. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Names that would reach an object's prototype if used as keys. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** 1 for each ASCII code unit {@link NAME_PATTERN} allows. */
const NAME_UNITS = new Uint8Array(128);
for (const unit of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') NAME_UNITS[unit.charCodeAt(0)] = 1;

/**
 * Whether `name` matches {@link NAME_PATTERN}. A sync checks every key of the
 * answer, so this walks code units instead of running the regex (README, "Performance").
 */
export function matchesNamePattern(name: string): boolean {
  const length = name.length;
  if (length === 0 || length > 128) return false;
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
