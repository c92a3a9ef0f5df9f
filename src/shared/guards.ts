// Small runtime checks shared by the plugin, its providers and the Secret Manager.

/** An object that is not null and not an array (any prototype): a JSON object, once parsed. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain object of this realm: `{}` or `Object.create(null)`, never an array or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
