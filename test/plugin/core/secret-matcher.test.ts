// Tests for src/plugin/core/secret-matcher.ts: every occurrence found in one pass, overlaps merged, same answers as a naive scan.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretMatcher, compileMatcher } from '../../../src/plugin/core/secret-matcher';

/** The ranges a brute-force scan finds: every occurrence of every pattern, merged. */
function naive(patterns: string[], text: string): [number, number][] {
  const hits: [number, number][] = [];
  for (const p of patterns) for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) hits.push([i, i + p.length]);
  hits.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of hits) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

describe('plugin/core/secret-matcher', () => {
  it('finds patterns anywhere, including ones inside others and suffixes of others', () => {
    const m = new SecretMatcher(['he', 'she', 'his', 'hers']);
    assert.deepEqual(m.ranges('ushers'), [[1, 6]]);
    assert.deepEqual(m.ranges('a his b'), [[2, 5]]);
    assert.equal(m.replace('ushers and his', '#'), 'u# and #');
  });

  it('merges overlapping and touching matches into one mask, even when a longer one starts earlier', () => {
    const m = new SecretMatcher(['bcd', 'abcdef', 'xy']);
    assert.deepEqual(m.ranges('_abcdef_'), [[1, 7]]);
    assert.deepEqual(m.ranges('bcdxy'), [[0, 5]]);
    assert.equal(m.replace('bcd bcd', '*'), '* *');
  });

  it('gives back the very same string when nothing matches, and ignores empty patterns', () => {
    const m = new SecretMatcher(['', 'secret']);
    const text = 'nothing to see here';
    assert.equal(m.replace(text, '*'), text);
    assert.equal(m.size, 1);
    assert.deepEqual(new SecretMatcher([]).ranges('anything'), []);
  });

  it('matches code units, so a secret followed by a combining mark or inside an emoji sequence is still found', () => {
    const m = new SecretMatcher(['café-token', '👍🏽x']);
    assert.equal(m.replace('a café-token\u0301 b', '#'), 'a #\u0301 b');
    assert.equal(m.replace('z👍🏽xz', '#'), 'z#z');
  });

  it('agrees with a brute-force scan on 300 random cases', () => {
    for (let round = 0; round < 300; round++) {
      const alphabet = 'abc';
      const word = (n: number): string => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
      const patterns = Array.from({ length: 1 + (round % 7) }, (_, i) => word(1 + ((round + i) % 5)));
      const text = word(40);
      assert.deepEqual(new SecretMatcher(patterns).ranges(text), naive(patterns, text), JSON.stringify({ patterns, text }));
    }
  });

  it('compiles the same automaton in slices as at once', async () => {
    const patterns = Array.from({ length: 3_000 }, (_, i) => `secret-${i}-${randomBytes(6).toString('hex')}`);
    const text = `${patterns[7]} and ${patterns[2_999]!.slice(0, 20)} and ${patterns[1_500]}x`;
    const sliced = await compileMatcher(patterns);
    assert.equal(sliced.size, patterns.length);
    assert.deepEqual(sliced.ranges(text), new SecretMatcher(patterns).ranges(text));
    assert.deepEqual(sliced.ranges(text), naive(patterns, text));
  });
});
