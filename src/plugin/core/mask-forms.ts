// The forms in which a careless flow most often prints a secret: the value, base64, URI- and JSON-encoded, line by line.

/** Values (and forms) shorter than this are never masked: they would turn `true` or `1234` into masks everywhere. */
export const MIN_MASKED_LENGTH = 6;
/** Multi-pair secrets with more fields than this get no `a:b` pair forms (their count grows as fields²). */
const MAX_PAIR_FIELDS = 16;

/** Three zero bytes, then the value's UTF-8 bytes: base64 at byte offset k is the text from byte 3 - k, with no copy. */
let scratch = Buffer.alloc(256);

/**
 * The part of the base64 text of `value` that stays the same wherever the
 * value sits in a longer encoded text, for each of the three byte offsets
 * (0, 1, 2 bytes before it, modulo 3): characters that mix in a neighbour's
 * bits are cut off at both ends. Encoded from one reused buffer: a sync of
 * 10,000 values allocates no buffer per value (README, "Performance").
 */
export function base64Forms(value: string): string[] {
  // At most 3 UTF-8 bytes per UTF-16 code unit.
  if (scratch.length < 3 + value.length * 3) scratch = Buffer.alloc(3 + value.length * 3);
  const length = scratch.write(value, 3, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = scratch.toString('base64', 3 - offset, 3 + length);
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + length)) / 6);
    forms.push(text.slice(first, end));
  }
  return forms;
}

/**
 * Every form of one value to mask, at least {@link MIN_MASKED_LENGTH} long:
 * the value; base64 at three offsets; URI-encoded (`encodeURIComponent` and
 * form encoding); JSON-escaped; and, for a multi-line value, each line and
 * the forms of each line. Each form once.
 */
export function maskForms(value: string): string[] {
  if (value.length < MIN_MASKED_LENGTH) return [];
  const forms: string[] = [];
  addForms(forms, value);
  if (value.includes('\n')) for (const line of value.split(/\r?\n/)) addForms(forms, line.trim());
  return forms;
}

/** Adds the forms of one value (or line) that `forms` lacks; a few per value, so a list beats a set. */
function addForms(forms: string[], value: string): void {
  if (value.length < MIN_MASKED_LENGTH) return;
  const add = (form: string): void => {
    if (form.length >= MIN_MASKED_LENGTH && !forms.includes(form)) forms.push(form);
  };
  add(value);
  for (const form of base64Forms(value)) add(form);
  const uri = uriForm(value);
  if (uri !== undefined) add(uri);
  add(formEncoded(value, uri));
  add(JSON.stringify(value).slice(1, -1));
}

// encodeURIComponent throws on a lone surrogate; such a value has no URI form to mask, and
// one odd value must not stop the masker (and with it every sync) from compiling.
function uriForm(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The form encoding of `value` (`URLSearchParams`): `encodeURIComponent`'s
 * text with a space as `+` and `!'()~` escaped too, which is how the two
 * differ; the slow way only for a value with no URI form (a lone surrogate).
 */
function formEncoded(value: string, uri: string | undefined): string {
  if (uri === undefined) return new URLSearchParams({ v: value }).toString().slice(2);
  return uri.replace(/%20|[!'()~]/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * The HTTP Basic form of the fields of one multi-pair secret: base64 of
 * `a:b` for every ordered pair of its values, whole (with padding), so a
 * `user:password` header is masked from end to end even when the user name
 * alone is too short to mask.
 */
export function pairForms(values: readonly string[]): string[] {
  if (values.length < 2 || values.length > MAX_PAIR_FIELDS) return [];
  const forms: string[] = [];
  for (const a of values) {
    for (const b of values) {
      if (a === b) continue;
      const pair = `${a}:${b}`;
      if (pair.length >= MIN_MASKED_LENGTH) forms.push(Buffer.from(pair, 'utf8').toString('base64'));
    }
  }
  return forms;
}

/** Every pattern that masks `values` (in all their forms) and the pair lists of multi-pair secrets, computed lazily. */
export function* layerPatterns(values: Iterable<string>, pairs: Iterable<readonly string[]>): Generator<string> {
  for (const value of values) yield* maskForms(value);
  for (const fields of pairs) yield* pairForms(fields);
}
