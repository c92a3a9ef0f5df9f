// Tests for src/plugin/core/anchor-matcher.ts: every occurrence found in one pass, overlaps merged, same answers as a brute-force scan, also when many patterns share their windows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AnchorMatcher, WINDOW, compileAnchorMatcher } from '../../../src/plugin/core/anchor-matcher';
import { MIN_MASKED_LENGTH, maskForms } from '../../../src/plugin/core/mask-forms';

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

describe('plugin/core/anchor-matcher', () => {
  it('has a window no longer than the shortest masked form, so no value long enough to mask fails a compile', async () => {
    assert.ok(WINDOW <= MIN_MASKED_LENGTH);
    const shortest = 'Ab1-x9'.slice(0, MIN_MASKED_LENGTH);
    const matcher = await compileAnchorMatcher(maskForms(shortest));
    assert.ok(matcher instanceof AnchorMatcher);
  });

  it('finds patterns anywhere, including ones inside others and suffixes of others', () => {
    const m = new AnchorMatcher(['hehehe', 'shehehe', 'hishishis', 'hersher']);
    assert.deepEqual(m.ranges('ushehehe'), [[1, 8]]);
    assert.deepEqual(m.ranges('a hishishis b'), [[2, 11]]);
    assert.equal(m.replace('ushehehe and hishishis', '#'), 'u# and #');
  });

  it('merges overlapping and touching matches into one mask, even when a longer one starts earlier', () => {
    const m = new AnchorMatcher(['bcdefg', 'abcdefghij', 'xyzxyz']);
    assert.deepEqual(m.ranges('_abcdefghij_'), [[1, 11]]);
    assert.deepEqual(m.ranges('bcdefgxyzxyz'), [[0, 12]]);
    assert.equal(m.replace('bcdefg bcdefg', '*'), '* *');
  });

  it('gives back the very same string when nothing matches, and refuses a pattern it could not find', () => {
    const m = new AnchorMatcher(['secret']);
    const text = 'nothing to see here';
    assert.equal(m.replace(text, '*'), text);
    assert.equal(m.size, 1);
    assert.deepEqual(new AnchorMatcher([]).ranges('anything'), []);
    assert.throws(() => new AnchorMatcher(['x'.repeat(WINDOW - 1)]), RangeError);
  });

  it('matches code units, so a secret followed by a combining mark or inside an emoji sequence is still found', () => {
    const m = new AnchorMatcher(['café-token', '👍🏽x-yz']);
    assert.equal(m.replace('a café-token\u0301 b', '#'), 'a #\u0301 b');
    assert.equal(m.replace('z👍🏽x-yzz', '#'), 'z#z');
  });

  it('agrees with a brute-force scan on 300 random cases over a small alphabet (windows shared by many patterns)', () => {
    for (let round = 0; round < 300; round++) {
      const alphabet = 'ab';
      const word = (n: number): string => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
      const patterns = Array.from({ length: 1 + (round % 9) }, (_, i) => word(WINDOW + ((round + i) % 7)));
      const text = word(80);
      assert.deepEqual(new AnchorMatcher(patterns).ranges(text), naive(patterns, text), JSON.stringify({ patterns, text }));
    }
  });

  it('finds every one of 5,000 values that share a long prefix and suffix, each at its place in a text', () => {
    const patterns = Array.from({ length: 5_000 }, (_, i) => `prefix-shared-by-all-${i}-suffix-shared-by-all`);
    const m = new AnchorMatcher(patterns);
    for (const i of [0, 1, 9, 10, 99, 1_234, 4_999]) {
      const text = `before ${patterns[i]!} after`;
      assert.deepEqual(m.ranges(text), [[7, 7 + patterns[i]!.length]], `value ${i}`);
    }
    assert.deepEqual(m.ranges('prefix-shared-by-all-5000-suffix-shared-by-all'), []);
  });

  it('compiles the same matcher in slices as at once', async () => {
    const patterns = Array.from({ length: 3_000 }, (_, i) => `secret-${i}-${randomBytes(6).toString('hex')}`);
    const text = `${patterns[7]} and ${patterns[2_999]!.slice(0, 20)} and ${patterns[1_500]}x`;
    const sliced = await compileAnchorMatcher(patterns);
    assert.equal(sliced.size, patterns.length);
    assert.deepEqual(sliced.ranges(text), new AnchorMatcher(patterns).ranges(text));
    assert.deepEqual(sliced.ranges(text), naive(patterns, text));
  });
});
