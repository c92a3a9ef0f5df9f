// Finds a secret value in text in any form a careless flow prints it: as is, base64 at any offset, URI, JSON, per line, HTTP Basic.

/** Interior of the base64 text of `value` placed after 0, 1 and 2 bytes: what any base64 text holding it contains. */
function base64Interiors(value: string): string[] {
  return [0, 1, 2].map((offset) => {
    const text = Buffer.from('\0'.repeat(offset) + value, 'utf8').toString('base64').replace(/=+$/, '');
    // Two characters off each end always clear the bits shared with the neighbours.
    return text.slice(Math.ceil((offset * 4) / 3) + 1, -2);
  });
}

/**
 * The forms searched for, written independently of the plugin's own list so
 * a form the plugin forgot shows up here as a leak.
 */
export function leakForms(value: string): string[] {
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), ...base64Interiors(value)];
  const lines = value.split(/\r?\n/);
  if (lines.length > 1) forms.push(...lines.filter((line) => line.length >= 6));
  return forms;
}

/** The first form of any of `values` found in `text`, described, or undefined when there is none. */
export function findLeak(text: string, values: readonly string[], basicPairs: readonly (readonly [string, string])[] = []): string | undefined {
  for (const value of values) {
    for (const form of leakForms(value)) if (text.includes(form)) return `${JSON.stringify(form)} (a form of a secret)`;
  }
  for (const [user, password] of basicPairs) {
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    if (text.includes(basic)) return `HTTP Basic ${basic}`;
  }
  return undefined;
}
