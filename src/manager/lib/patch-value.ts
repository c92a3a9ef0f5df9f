// The value an update leaves a secret with: a whole new value, or some pairs merged into the current ones; never a silent change of type.
import { ManagerError, badRequest } from './errors';
import { MAX_FIELDS, VALIDATION_MESSAGES, checkSize, typeOf } from './validation';
import type { PatchInput, SecretValue } from './validation';

function typeChange(name: string, current: SecretValue): ManagerError {
  const message =
    typeof current === 'string'
      ? `'${name}' holds a single value: to make it a multi-pair secret, send the whole value with type 'pairs'`
      : `'${name}' is a multi-pair secret: change its pairs with fields, or send the whole value with type 'string' to make it a single value`;
  return new ManagerError('type_change', 409, message, 'type');
}

/**
 * The value `patch` gives the secret `name` that holds `current`, or undefined
 * when it leaves the value alone. `fields` merges into the current pairs (a
 * null removes one; the result is validated like a create's value); `value`
 * replaces it, and must keep its type unless `type` names the new one.
 * Throws 409 `type_change` for a change of type that was not asked for.
 */
export function patchedValue(name: string, current: SecretValue, patch: PatchInput): SecretValue | undefined {
  if (patch.fields !== undefined) {
    if (typeof current === 'string') throw typeChange(name, current);
    const merged: Record<string, string> = { ...current };
    for (const [key, sub] of Object.entries(patch.fields)) {
      if (sub === null) delete merged[key];
      else merged[key] = sub;
    }
    const count = Object.keys(merged).length;
    // A multi-pair secret keeps at least one pair: removing them all is a delete.
    if (count === 0) throw badRequest('value_required', VALIDATION_MESSAGES.valueRequired, 'fields');
    if (count > MAX_FIELDS) throw badRequest('too_many_fields', `A secret may have at most ${MAX_FIELDS} pairs`, 'fields');
    return checkSize(merged);
  }
  if (patch.value === undefined) return undefined;
  if (typeOf(patch.value) !== typeOf(current) && patch.type === undefined) throw typeChange(name, current);
  return patch.value;
}
