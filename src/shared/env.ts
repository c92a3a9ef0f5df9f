// Reads one SECRET_SYNC_* environment variable the way every setting does: empty means unset.

/**
 * The value of environment variable `name`, or undefined when it is unset or
 * empty (blank): `SECRET_SYNC_X=` (an empty line in an env file, a blank
 * compose entry) never replaces the settings.js value with a default
 * (README, "Every setting").
 */
export function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
