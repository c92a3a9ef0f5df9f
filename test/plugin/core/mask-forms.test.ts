// Tests for src/plugin/core/mask-forms.ts: base64 at every offset, URI, JSON, lines, HTTP Basic pairs, the minimum length.
import assert from 'node:assert/strict';
import { MIN_MASKED_LENGTH, base64Forms, maskForms, pairForms } from '../../../src/plugin/core/mask-forms';

describe('plugin/core/mask-forms', () => {
  it('finds the value inside base64 of a longer text, whatever the byte offset', () => {
    const secret = 'hunter2-canary-9f3';
    const forms = base64Forms(secret);
    for (const prefix of ['', 'a', 'ab', 'abc', 'token=', 'Authorization: x']) {
      const encoded = Buffer.from(`${prefix}${secret}!suffix`).toString('base64');
      assert.ok(forms.some((f) => encoded.includes(f)), `prefix ${JSON.stringify(prefix)}`);
    }
  });

  it('covers URI-encoded, form-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss w/rd"\\ü';
    const forms = maskForms(secret);
    assert.ok(forms.includes(secret));
    assert.ok(forms.includes(encodeURIComponent(secret)));
    assert.ok(forms.includes(new URLSearchParams({ v: secret }).toString().slice(2)));
    assert.ok(forms.includes(JSON.stringify(secret).slice(1, -1)));
  });

  it('covers each line of a multi-line value, and the forms of each line', () => {
    const pem = '-----BEGIN KEY-----\r\nMIIBOgIBAAJBAKj34GkxFhD9\nz6Jh3cT0Jm0XxVQIDAQAB\n-----END KEY-----';
    const forms = maskForms(pem);
    assert.ok(forms.includes('MIIBOgIBAAJBAKj34GkxFhD9'));
    assert.ok(forms.includes('z6Jh3cT0Jm0XxVQIDAQAB'));
    assert.ok(forms.includes(base64Forms('z6Jh3cT0Jm0XxVQIDAQAB')[0]!));
  });

  it('masks nothing shorter than the minimum, and no form shorter than it', () => {
    assert.equal(MIN_MASKED_LENGTH, 6);
    assert.deepEqual(maskForms('true'), []);
    assert.deepEqual(maskForms('12345'), []);
    for (const form of maskForms('abcdef\nxy')) assert.ok(form.length >= MIN_MASKED_LENGTH, form);
  });

  it('gives the HTTP Basic form of every ordered pair of a multi-pair secret, even with a short user name', () => {
    const forms = pairForms(['bob', 'correct-horse']);
    assert.ok(forms.includes(Buffer.from('bob:correct-horse').toString('base64')));
    assert.ok(forms.includes(Buffer.from('correct-horse:bob').toString('base64')));
    assert.deepEqual(pairForms(['only-one']), []);
  });

  it('still gives the other forms of a value with a lone surrogate (no URI form exists), instead of throwing', () => {
    const odd = 'token-\ud800-abcdef';
    const forms = maskForms(odd);
    assert.ok(forms.includes(odd));
    assert.ok(forms.includes(JSON.stringify(odd).slice(1, -1)));
  });
});
