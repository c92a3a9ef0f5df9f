// The forms in which a careless flow most often prints a secret: the value, base64, URI- and JSON-encoded, line by line.

/** Values (and forms) shorter than this are never masked: they would turn `true` or `1234` into masks everywhere. */
export const MIN_MASKED_LENGTH = 6;
/** Multi-pair secrets with more fields than this get no `a:b` pair forms (their count grows as fields²). */
const MAX_PAIR_FIELDS = 16;

/**
 * The part of the base64 text of `value` that stays the same wherever the
 * value sits in a longer encoded text, for each of the three byte offsets
 * (0, 1, 2 bytes before it, modulo 3): characters that mix in a neighbour's
 * bits are cut off at both ends.
 */
export function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    forms.push(text.slice(first, end));
  }
  return forms;
}

/**
 * Every form of one value to mask, at least {@link MIN_MASKED_LENGTH} long:
 * the value; base64 at three offsets; URI-encoded (`encodeURIComponent` and
 * form encoding); JSON-escaped; and, for a multi-line value, each line and
 * the forms of each line.
 */
export function maskForms(value: string): string[] {
  if (value.length < MIN_MASKED_LENGTH) return [];
  const forms = new Set<string>(singleForms(value));
  const lines = value.split(/\r?\n/);
  if (lines.length > 1) for (const line of lines) for (const form of singleForms(line.trim())) forms.add(form);
  return [...forms].filter((form) => form.length >= MIN_MASKED_LENGTH);
}

function singleForms(value: string): string[] {
  if (value.length < MIN_MASKED_LENGTH) return [];
  return [value, ...base64Forms(value), ...uriForm(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)];
}

// encodeURIComponent throws on a lone surrogate; such a value has no URI form to mask, and
// one odd value must not stop the masker (and with it every sync) from compiling.
function uriForm(value: string): string[] {
  try {
    return [encodeURIComponent(value)];
  } catch {
    return [];
  }
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
