// The one naming rule of secret keys, pair keys and spaces, for the plugin (what flows can address) and the Secret Manager.

/** Letters, digits, `_` and `-`, 1 to 128 characters: safe in `SECRETS.KEY`, `${SECRETS.KEY}`, change-node paths and URLs. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Names that would reach an object's prototype if used as keys. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `name` cannot be a key, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.has(name)) return 'reserved name';
  if (!NAME_PATTERN.test(name)) return "not letters, digits, '_' and '-'";
  return undefined;
}
