// The editor's message catalogs: English and German complete and alike, counts in proper singular and plural, never "node(s)".
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/node-red';

type Catalog = { [key: string]: string | Catalog };

/** Every catalog file per language: the sidebar's and the nodes'. */
function catalogs(lang: string): Record<string, Catalog> {
  const files: Record<string, Catalog> = {};
  for (const dir of ['plugin-ui/locales', 'nodes/locales']) {
    for (const file of readdirSync(join(REPO_ROOT, dir, lang))) files[`${dir}/${file}`] = JSON.parse(readFileSync(join(REPO_ROOT, dir, lang, file), 'utf8')) as Catalog;
  }
  return files;
}

/** `path → message` of every message of a catalog. */
function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** Messages whose count is no noun to inflect: an abbreviated unit, a figure after a colon, "(3)". */
const NO_PLURAL = new Set([
  'status.errorCode',
  'status.unmaskedMore',
  'watch.code',
  'time.secondsAgo',
  'time.minutesAgo',
  'time.hoursAgo',
  'time.inSeconds',
  'time.inMinutes',
  'time.inHours',
  'keys.more',
  'legacy.title',
  'findings.title',
  'findings.more',
]);

describe('plugin-ui/catalogs', () => {
  const en = catalogs('en-US');
  const de = catalogs('de');

  it('has the same files and the same messages in English and German', () => {
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
    for (const file of Object.keys(en)) assert.deepEqual([...flatten(de[file]!).keys()].sort(), [...flatten(en[file]!).keys()].sort(), file);
  });

  it('says "1 node" and "3 nodes", never "node(s)", in both languages', () => {
    for (const [lang, files] of [['en-US', en], ['de', de]] as const) {
      for (const [file, catalog] of Object.entries(files)) {
        const messages = flatten(catalog);
        for (const [key, text] of messages) {
          assert.doesNotMatch(text, /\(s\)|\(n\)|\(e\)/, `${lang} ${file} ${key}`);
          if (!text.includes('__count__') || key.endsWith('_plural') || NO_PLURAL.has(key)) continue;
          assert.ok(messages.has(`${key}_plural`), `${lang} ${file} ${key} counts something and has no ${key}_plural`);
        }
      }
    }
  });
});
