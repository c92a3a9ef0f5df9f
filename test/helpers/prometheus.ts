// Scrapes a manager's `GET /metrics` as Prometheus would (a bearer token) and parses it with a real parser of the text format.
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { request } from './http';

/** The parsed families, by name. */
export type Scrape = Map<string, PrometheusFamily>;

/** `GET /metrics` with `token`; asserts a 200 in the text format and parses it (a malformed line throws). */
export async function scrape(url: string, token: string): Promise<Scrape> {
  const res = await request('GET', `${url}/metrics`, { token });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return new Map(parsePrometheusTextFormat(res.text).map((family) => [family.name, family]));
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function sample(families: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name);
  const found = family?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) ?? [];
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  const value = found[0]?.value;
  if (value === undefined) return undefined;
  // The text format writes infinities as +Inf and -Inf, which Number() does not read.
  return value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value);
}
