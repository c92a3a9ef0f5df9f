// The credential scan's own rules on one text: a literal where a reference belongs, a high-entropy literal in a credential-named field, a password in a URL.

/** `${…}` references (environment variables, `${SECRETS.KEY}`): what a property holds instead of a literal. */
const REFERENCE = /\$\{[^}]*\}/g;
/** Words of example values and placeholders, never a real credential. */
const PLACEHOLDER = /(your|example|sample|changeme|change_me|placeholder|redacted|dummy|secret_here|xxxx|\*\*\*|<[^>]*>|\{\{|\}\})/i;
/** An authorization scheme before the credential itself. */
const SCHEME = /^(bearer|basic|token|digest|apikey)\s+/i;
/** A URL with a user and password before its host. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@[^\s/]/i;

/** Fewest characters of a named literal (after its scheme): shorter ones are left to the password-field rule. */
export const NAMED_MIN_LENGTH = 12;
/** Fewest bits per character of a named literal: random tokens have about 4 and more, words and names about 2.5 to 3. */
export const NAMED_MIN_ENTROPY = 3.0;

/** `text` without its `${…}` references, trimmed: what is literal in it. */
export function literalPart(text: string): string {
  return text.replace(REFERENCE, '').trim();
}

/** Whether a password credential holds a literal instead of a `${…}` reference. */
export function literalPassword(text: string): boolean {
  return literalPart(text) !== '';
}

/** Shannon entropy of `text` in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const length = [...text].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether a literal in a credential-named field looks like a real
 * credential: at least {@link NAMED_MIN_LENGTH} characters after a scheme
 * (`Bearer …`), no spaces, two of small letters, capitals and digits, about random
 * ({@link NAMED_MIN_ENTROPY}), and no placeholder words.
 */
export function highEntropyLiteral(text: string): boolean {
  const literal = literalPart(text);
  if (literal !== text.trim()) return false;
  const token = literal.replace(SCHEME, '');
  if (token.length < NAMED_MIN_LENGTH || /\s/.test(token) || PLACEHOLDER.test(token)) return false;
  // Letters, capitals, digits: two of them at least (punctuation does not count, so `application/json` is no token).
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((kind) => kind.test(token)).length;
  return kinds >= 2 && entropy(token) >= NAMED_MIN_ENTROPY;
}

/**
 * Where the password of a URL in `text` is (`mqtt://user:pass@host`), found
 * by Node's URL parser after a cheap pre-check; undefined when none, when the
 * password is a `${…}` reference or a placeholder.
 */
export function urlPassword(text: string): { start: number; end: number } | undefined {
  const match = URL_WITH_PASSWORD.exec(text);
  if (!match) return undefined;
  const candidate = match[0];
  let password: string;
  try {
    // A URL needs a host: the pre-check's last character stands for it.
    password = decodeURIComponent(new URL(candidate).password);
  } catch {
    return undefined;
  }
  if (password === '' || password.includes('${') || PLACEHOLDER.test(password) || /^(pass(word)?|secret|pwd)$/i.test(password)) return undefined;
  // The span of the password itself, as written (a code finding's secret is that span).
  const colon = candidate.indexOf(':', candidate.indexOf('//') + 2);
  return { start: match.index + colon + 1, end: match.index + candidate.lastIndexOf('@') };
}
