// Tests for src/shared/remote-text.ts: what a message may quote of a remote server's answer.
import assert from 'node:assert/strict';
import { QUOTE_MAX, mediaType, quoteRemote } from '../../src/shared/remote-text';

describe('shared/remote-text', () => {
  it('reads the media type of a Content-Type header, lower case, parameters left out', () => {
    assert.equal(mediaType('application/json; charset=utf-8'), 'application/json');
    assert.equal(mediaType('Application/Problem+JSON'), 'application/problem+json');
    assert.equal(mediaType('application/vnd.api.v2+json'), 'application/vnd.api.v2+json');
  });

  it('gives nothing for a missing, malformed, hostile or overlong header', () => {
    for (const header of [undefined, '', 'json', '<img src=x onerror=alert(1)>', 'text/<b>', 'a/b c', 'text/html\r\nx: y', `a/${'b'.repeat(QUOTE_MAX)}`, 42]) {
      assert.equal(mediaType(header), undefined, String(header));
    }
  });

  it('quotes remote text in safe characters, at most QUOTE_MAX of them', () => {
    assert.equal(quoteRemote('my-key_1.json'), 'my-key_1.json');
    assert.equal(quoteRemote('<img src=x onerror=alert(1)>'), '?img?src?x?onerror?alert?1??');
    assert.equal(quoteRemote('line\nforged'), 'line?forged');
    assert.equal(quoteRemote('ключ'), '????');
    const long = quoteRemote('k'.repeat(1000));
    assert.equal(long.length, QUOTE_MAX);
    assert.ok(long.endsWith('…'));
    assert.equal(quoteRemote('k'.repeat(QUOTE_MAX)), 'k'.repeat(QUOTE_MAX));
    assert.equal(quoteRemote('abcdef', 4), 'abc…');
  });
});
