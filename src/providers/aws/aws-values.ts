// What an AWS secret's SecretString means in global.SECRETS: text, a multi-pair secret, or (layout `entry`) the space's keys.
import { isRecord } from '../../shared/guards';
import { nameProblem } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';

/** A key's value: text, or the pairs of a multi-pair secret (a fresh object at each call). */
export type AwsValue = string | Readonly<Record<string, string>>;

/** Why a binary secret is not a key (README, "AWS Secrets Manager"). */
export const BINARY_REASON = 'a binary secret (SecretBinary), not text: store the value as SecretString';

function parseJson(text: string): unknown {
  // Only text that looks like an object is parsed: a value that merely is JSON ("1883", "true") stays text.
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A SecretString in the `folder` layout: a JSON object whose every field is a
 * name flows can address and whose every value is a string is a multi-pair
 * secret; anything else (plain text, other JSON) is the text itself, as stored.
 */
export function valueOfText(text: string): AwsValue {
  const parsed = parseJson(text);
  if (!isRecord(parsed) || Object.getPrototypeOf(parsed) !== Object.prototype) return text;
  const fields = Object.entries(parsed);
  if (fields.length === 0 || !fields.every(([name, value]) => typeof value === 'string' && nameProblem(name) === undefined)) return text;
  return Object.fromEntries(fields) as Record<string, string>;
}

/**
 * The space's keys from the one secret of the `entry` layout: its SecretString
 * must be a JSON object, each field a key (an object field is a multi-pair
 * secret). Values go to the engine as sent, which skips a number or a boolean
 * and names it, as for every provider.
 */
export function keysOfEntry(text: string | undefined, name: string): Record<string, unknown> {
  if (text === undefined) throw new SyncError('invalid_payload', `The AWS secret ${name} is binary: the entry layout needs a SecretString holding a JSON object`);
  const parsed = parseJson(text);
  if (!isRecord(parsed)) throw new SyncError('invalid_payload', `The AWS secret ${name} does not hold a JSON object: the entry layout needs one, each field a key`);
  // A fresh object each time (the engine takes it over), with the fields JSON.parse made as own data properties.
  return Object.fromEntries(Object.entries(parsed));
}
