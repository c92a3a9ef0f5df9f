// Decides what Node-RED's context API may answer: SECRETS as masks, every other value with secrets masked.
import { isRecord } from '../../shared/guards';
import { MASK, SECRETS_KEY as SECRETS } from '../../shared/contract';
import type { SecretEntry, Snapshot } from './snapshot';
import type { Masker } from './masker';

/** What Node-RED's router decided for one context API request: its route pattern and parameters. */
export interface ContextRequest {
  /** The route pattern Node-RED matched, e.g. `/context/:scope(global)/*`. */
  routePath: string;
  scope: unknown;
  /** `req.params[0]`: the key path, when the route has one. */
  key: unknown;
  keysOnly: boolean;
  /**
   * The context store under which Node-RED lists settings.js
   * `functionGlobalContext` (its default store); undefined when it lists none
   * (`exportGlobalContextKeys: false`) or is not known.
   */
  defaultStore?: string | undefined;
}

/** Splits a context key path the way Node-RED's runtime does (`RED.util.normalisePropertyExpression`). */
export type KeyParser = (key: string) => unknown[];

/** Whether `path` is one of Node-RED's context API route patterns (`/context/...`). */
export function isContextRoute(path: unknown): path is string {
  return typeof path === 'string' && path.startsWith('/context');
}

function maskedEntry(entry: SecretEntry | undefined): string | Record<string, string> {
  return typeof entry === 'string' || entry === undefined ? MASK : Object.fromEntries(Object.keys(entry).map((f) => [f, MASK]));
}

/**
 * The masked view of a path inside global.SECRETS (`segments` as the runtime
 * splits it: `['SECRETS']`, `['SECRETS', 'KEY']`, …) in the shape Node-RED's
 * context API answers: an object of masks, or one mask.
 */
export function maskedContext(snapshot: Snapshot, segments: readonly unknown[]): { msg: string; format: string } {
  let view: string | Record<string, unknown> = MASK;
  if (segments.length <= 1) view = Object.fromEntries(snapshot.keys.map((k) => [k, maskedEntry(snapshot.secrets[k])]));
  else if (segments.length === 2 && typeof segments[1] === 'string') view = maskedEntry(snapshot.secrets[segments[1]]);
  return typeof view === 'string' ? { msg: MASK, format: `string[${MASK.length}]` } : { msg: JSON.stringify(view), format: 'Object' };
}

/**
 * Whether reading `key` reads inside global.SECRETS: its first segment, split
 * by the runtime's own parser, is `SECRETS`. A key the parser refuses counts
 * when it mentions SECRETS in any letter case (refusing is the safe side).
 */
export function readsSecrets(key: string, parse: KeyParser): boolean {
  try {
    return parse(key)[0] === SECRETS;
  } catch {
    return key.toUpperCase().includes(SECRETS);
  }
}

/**
 * The answer to send instead of `body`: reads of global SECRETS (or a path
 * inside it) become the masked view; in a listing of the global context the
 * SECRETS entry is the masked view (added to the default store's, where
 * Node-RED lists settings.js globals); and any secret value left anywhere
 * (a flow's copy in another key, flow or node context) is masked. Key-only
 * answers carry names, never values: a global listing gets SECRETS's name.
 */
export function maskContextAnswer(request: ContextRequest, body: unknown, snapshot: Snapshot, masker: Masker, parse: KeyParser): unknown {
  let answer = body;
  const global = typeof request.scope === 'string' && request.scope.toLowerCase() === 'global';
  if (global && !request.keysOnly && isRecord(body)) {
    const key = typeof request.key === 'string' && request.key !== '' ? request.key : undefined;
    if (key !== undefined) {
      // Only a value answer (`{ msg, format }`) is replaced: an empty or error answer stays what Node-RED said.
      if ('msg' in body && readsSecrets(key, parse)) {
        answer = { ...maskedContext(snapshot, segmentsOf(key, parse)), ...(typeof body.store === 'string' ? { store: body.store } : {}) };
      }
    } else {
      answer = Object.fromEntries(Object.entries(body).map(([store, values]) => [store, isRecord(values) ? listedWithSecrets(values, store === request.defaultStore, snapshot) : values]));
    }
  } else if (global && request.keysOnly && isRecord(body) && (typeof request.key !== 'string' || request.key === '')) {
    answer = Object.fromEntries(Object.entries(body).map(([store, values]) => [store, store === request.defaultStore && isRecord(values) ? namesWithSecrets(values) : values]));
  }
  return masker.value(answer);
}

/**
 * One store's entries of a global listing, SECRETS as the masked view. Node-RED
 * lists only the functionGlobalContext keys that existed when it started, and
 * global.SECRETS comes later (from the plugin): in the default store's listing
 * it is added, so the Context Data sidebar shows its keys, masked, instead of "empty".
 */
function listedWithSecrets(values: Record<string, unknown>, isDefault: boolean, snapshot: Snapshot): Record<string, unknown> {
  return SECRETS in values || isDefault ? { ...values, [SECRETS]: maskedContext(snapshot, [SECRETS]) } : values;
}

/** A key-only listing of the default store (`{ keys: [{ key }] }`), SECRETS among its names. */
function namesWithSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const keys = Array.isArray(values.keys) ? (values.keys as unknown[]) : undefined;
  if (!keys || keys.some((k) => isRecord(k) && k.key === SECRETS)) return values;
  return { ...values, keys: [...keys, { key: SECRETS }] };
}

/** The key's segments as the runtime splits it; a key it refuses shows as one mask. */
function segmentsOf(key: string, parse: KeyParser): unknown[] {
  try {
    return parse(key);
  } catch {
    return [SECRETS, key];
  }
}
