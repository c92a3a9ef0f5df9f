// The texts of one deployed node that the credential scan reads: every string property at any depth and every stored credential, each with its path and what kind of field holds it.

/** One string of a node, where it sits and how the rules read it. */
export interface ScannedText {
  /** The path into the node: `credentials.password`, `url`, `headers.0.valueValue`, `rules.1.to`, `func`. */
  path: string;
  /** The keys from the node (or from its credentials, for a credential) to the text: what a move reads, since a key may hold a dot. */
  steps: readonly string[];
  text: string;
  /** Held in code (function, template) or in a multi-line value: never replaced, reported with a line. */
  code: boolean;
  /** Held in a field named like a credential (its own name, or the name slot of its object: a header's key, an inject property's `p`). */
  named: boolean;
  /** A credential of the node; `password` when its definition says the field is a password. */
  credential?: 'password' | 'other';
}

/** Properties that place or wire a node, never a value a user typed. */
const STRUCTURE = new Set(['id', 'type', 'z', 'g', 'x', 'y', 'w', 'h', 'wires', 'links', 'l', 'd', 'info']);
/** Properties that hold code: reported with a line, never replaced (README, "Move existing credentials"). */
const CODE = new Set(['func', 'initialize', 'finalize', 'template', 'format']);
/** Properties of an object that name its value: a header's `keyValue`, an inject or change property's `p`. */
const NAME_SLOTS = new Set(['p', 'key', 'keyValue', 'keyType', 'name', 'property', 'header', 'field']);
/** How deep a property path goes. */
const MAX_DEPTH = 12;
/** Most strings read from one node; the rest of a node past it is not scanned (the scan says it was bounded). */
export const MAX_TEXTS_PER_NODE = 2_000;

/** Name words that mark a field as a credential; `key` only in pairs (`apiKey`, `secret_key`), since `key` alone names things. */
const NAMED_WORDS = new Set(['password', 'passwd', 'pass', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'auth', 'credential', 'credentials', 'bearer', 'accesskey', 'privatekey', 'secretkey']);
const NAMED_PAIRS = new Set(['api key', 'access key', 'private key', 'secret key', 'client secret', 'auth token', 'x api']);

/** Whether a field or header name reads like a credential's: `password`, `apiKey`, `x-api-key`, `Authorization`, `client_secret`. */
export function credentialName(name: string): boolean {
  if (name.length > 64) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.some((w) => NAMED_WORDS.has(w))) return true;
  for (let i = 1; i < words.length; i++) if (NAMED_PAIRS.has(`${words[i - 1]} ${words[i]}`)) return true;
  return false;
}

/** Whether one of the object's name slots names a credential (a header row `{ keyValue: 'Authorization', valueValue }`). */
function namesCredential(object: Record<string, unknown>): boolean {
  for (const slot of NAME_SLOTS) {
    const value = object[slot];
    if (typeof value === 'string' && credentialName(value)) return true;
  }
  return false;
}

/**
 * Every string of `node` (structure left out) and of its stored
 * `credentials`, at most {@link MAX_TEXTS_PER_NODE}; `passwordFields` are
 * the credential fields its type defines as passwords. `limited` tells that
 * some were left out.
 */
export function nodeTexts(node: Record<string, unknown>, credentials: unknown, passwordFields: ReadonlySet<string>): { texts: ScannedText[]; limited: boolean } {
  const texts: ScannedText[] = [];
  let limited = false;
  const push = (text: ScannedText): boolean => {
    if (texts.length >= MAX_TEXTS_PER_NODE) {
      limited = true;
      return false;
    }
    texts.push(text);
    return true;
  };
  const walk = (value: unknown, steps: readonly string[], name: string, code: boolean, named: boolean, depth: number): boolean => {
    if (typeof value === 'string') {
      if (value.trim() === '') return true;
      return push({ path: steps.join('.'), steps, text: value, code: code || value.includes('\n'), named: named || credentialName(name) });
    }
    if (typeof value !== 'object' || value === null) return true;
    if (depth >= MAX_DEPTH) {
      limited = true;
      return true;
    }
    const object = value as Record<string, unknown>;
    const objectNamed = named || (depth > 0 && !Array.isArray(value) && namesCredential(object));
    for (const [key, item] of Object.entries(object)) {
      // A name slot is the name, not the value it names.
      const slotNamed = objectNamed && !(NAME_SLOTS.has(key) && typeof item === 'string' && credentialName(item));
      if (!walk(item, [...steps, key], Array.isArray(value) ? name : key, code, slotNamed, depth + 1)) return false;
    }
    return true;
  };
  for (const [key, value] of Object.entries(node)) {
    if (STRUCTURE.has(key) || key === 'credentials') continue;
    if (!walk(value, [key], key, CODE.has(key), false, 1)) return { texts, limited: true };
  }
  if (typeof credentials === 'object' && credentials !== null) {
    for (const [key, value] of Object.entries(credentials as Record<string, unknown>)) {
      if (typeof value !== 'string' || value.trim() === '') continue;
      if (!push({ path: `credentials.${key}`, steps: [key], text: value, code: false, named: credentialName(key), credential: passwordFields.has(key) ? 'password' : 'other' })) break;
    }
  }
  return { texts, limited };
}

/**
 * The string at `steps` under `root` (a node, or its credentials), own
 * properties only. Steps, not the path text: a key may hold a dot, so
 * `credentials.password` or `a.b` may name a node's own property.
 */
export function textAt(root: unknown, steps: readonly string[]): string | undefined {
  let at: unknown = root;
  for (const step of steps) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, step)) return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return typeof at === 'string' ? at : undefined;
}
