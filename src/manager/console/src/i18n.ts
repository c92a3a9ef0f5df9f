// The console's language (en-US or German, from the browser's): words with plurals, sentences with elements in them, the manager's errors.
import { DE } from './words-de';
import { EN } from './words-en';
import type { WordKey } from './words-en';

export type { WordKey } from './words-en';

/**
 * The manager's errors in German, by code (the manager answers in English, which
 * the English console shows as it comes: it names the key or the limit).
 */
const DE_ERRORS: Readonly<Record<string, string>> = {
  key_required: 'Secret-Schlüssel ist erforderlich',
  value_required: 'Secret-Wert ist erforderlich',
  no_changes: 'Keine Änderungen zu speichern',
  secret_exists: 'Ein Secret mit diesem Schlüssel gibt es hier schon',
  invalid_name: 'Schlüssel: nur Buchstaben, Ziffern, _ und -, 1 bis 128 Zeichen',
  invalid_space: 'Space: nur Buchstaben, Ziffern, _ und -, 1 bis 128 Zeichen',
  space_required: 'Space ist erforderlich',
  name_read_only: 'Der Schlüssel kann nicht geändert werden',
  value_too_large: 'Der Wert ist zu groß (höchstens 64 KiB)',
  too_many_fields: 'Zu viele Paare (höchstens 100)',
  description_too_long: 'Die Beschreibung ist zu lang (höchstens 1000 Zeichen)',
  type_change: 'Der Typ dieses Secrets würde sich ändern: das geht nur ausdrücklich',
  secret_not_found: 'Dieses Secret gibt es nicht (mehr)',
  token_not_found: 'Dieses Token gibt es nicht (mehr)',
  instance_not_found: 'Diese Instanz gibt es nicht (mehr)',
  forbidden: 'Dafür fehlt die Berechtigung',
  unauthorized: 'Die Sitzung ist beendet: bitte neu anmelden',
  rate_limited: 'Zu viele Versuche: bitte gleich noch einmal versuchen',
  disk_full: 'Der Datenträger des Managers ist voll: nichts wurde gespeichert',
};

/** Why a sign-in was refused, in German (the sign-in form speaks of the token, not of a session). */
const DE_SIGN_IN_ERRORS: Readonly<Record<string, string>> = {
  unauthorized: 'Dieses Token ist unbekannt oder widerrufen.',
  forbidden: 'Lese-Tokens sind für Node-RED-Instanzen: bitte mit einem Admin- oder Viewer-Token anmelden.',
  token_required: 'Bitte ein Admin- oder Viewer-Token eingeben.',
  rate_limited: 'Zu viele Anmeldungen: bitte in einer Minute noch einmal versuchen.',
};

const language = navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en-US';
const words = language === 'de' ? DE : EN;
const plural = new Intl.PluralRules(language);

/** `key`'s words with the plural forms picked for the numbers in `params`. */
function withPlurals(key: WordKey, params: Readonly<Record<string, unknown>>): string {
  return words[key].replace(/\{(\w+):([^|}]*)\|([^}]*)\}/g, (_m, name: string, one: string, other: string) =>
    plural.select(Number(params[name])) === 'one' ? one : other,
  );
}

/**
 * The word for `key`, with `{name}` placeholders filled; `{name:one|other}`
 * picks the singular or plural form for the number `name` (both languages have just these two).
 */
export function t(key: WordKey, params: Readonly<Record<string, string | number>> = {}): string {
  return withPlurals(key, params).replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? ''));
}

/**
 * The words of `key` as parts to append to an element: placeholders whose
 * parameter is a Node become that node (a highlighted name), the rest text.
 */
export function tParts(key: WordKey, params: Readonly<Record<string, string | number | Node>>): (string | Node)[] {
  const used = new Set<Node>();
  return withPlurals(key, params)
    .split(/(\{\w+\})/)
    .filter((part) => part !== '')
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part;
      const value = params[name];
      if (value === undefined) return '';
      if (typeof value !== 'object') return String(value);
      // A node can be in one place only: a placeholder used twice gets a copy.
      if (used.has(value)) return value.cloneNode(true);
      used.add(value);
      return value;
    });
}

/** Whether `key` is a word of the catalogs (for keys built from data, such as audit actions). */
export function isWord(key: string): key is WordKey {
  return Object.hasOwn(EN, key);
}

/** The manager's error `code` in the console's language, or undefined to show the manager's own (English) message. */
export function errorText(code: string): string | undefined {
  return language === 'de' ? DE_ERRORS[code] : undefined;
}

/** Why a sign-in was refused (`code`) in the console's language, or undefined for the manager's own words. */
export function signInErrorText(code: string): string | undefined {
  return language === 'de' ? DE_SIGN_IN_ERRORS[code] : undefined;
}
