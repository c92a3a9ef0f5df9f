// The naming rule: the code-unit walk agrees with NAME_PATTERN, and reserved names are refused.
import assert from 'node:assert/strict';
import { NAME_PATTERN, matchesNamePattern, nameProblem } from '../../src/shared/names';

describe('shared/names', () => {
  const samples = [
    '', 'A', 'a', 'z', 'Z', '0', '9', '_', '-', 'KEY_1', 'my-api_token', 'x'.repeat(128), 'x'.repeat(129),
    'a b', 'a.b', 'a/b', 'a$b', '${X}', 'ä', 'KEY\u0000', 'KEY\n', '\u{1F511}', 'é', '@', '[', '`', '{', '~', '\u007f', '\u0080', '\uff21',
  ];

  it('matchesNamePattern agrees with NAME_PATTERN on every sample and every code unit below 0x200', () => {
    for (const name of samples) assert.equal(matchesNamePattern(name), NAME_PATTERN.test(name), JSON.stringify(name));
    for (let unit = 0; unit < 0x200; unit++) {
      const name = `a${String.fromCharCode(unit)}b`;
      assert.equal(matchesNamePattern(name), NAME_PATTERN.test(name), `U+${unit.toString(16)}`);
    }
  });

  it('nameProblem names why a key is refused, and accepts a safe one', () => {
    assert.equal(nameProblem('my_api_token'), undefined);
    assert.equal(nameProblem('__proto__'), 'reserved name');
    assert.equal(nameProblem('constructor'), 'reserved name');
    assert.equal(nameProblem('prototype'), 'reserved name');
    assert.equal(nameProblem('a.b'), "not letters, digits, '_' and '-'");
    assert.equal(nameProblem(''), "not letters, digits, '_' and '-'");
  });
});
