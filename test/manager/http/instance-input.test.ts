// Tests for src/manager/lib/http/instance-input.ts: the identity header every poll carries, parsed without arrays or maps.
import assert from 'node:assert/strict';
import { parseInstanceHeader } from 'secret-sync-manager/dist/http/instance-input';

describe('manager/http instance header', () => {
  it('reads the id, name and version the plugin sends; decodes what it encoded', () => {
    assert.deepEqual(parseInstanceHeader('node-a; name=host-a; version=1.2.3'), { id: 'node-a', name: 'host-a', version: '1.2.3' });
    assert.deepEqual(parseInstanceHeader('node-a;name=Host%20A%3B%20eu;version=1.0.0-beta%2B2'), { id: 'node-a', name: 'Host A; eu', version: '1.0.0-beta+2' });
    assert.deepEqual(parseInstanceHeader('  node-a  '), { id: 'node-a', name: '', version: '' });
  });

  it('keeps what it cannot decode as sent, ignores unknown and empty parameters, takes the last of a repeated one, in any case', () => {
    assert.deepEqual(parseInstanceHeader('node-a; name=50%; other=x; =y; junk; ; NAME = second ; Version=2'), { id: 'node-a', name: 'second', version: '2' });
    assert.deepEqual(parseInstanceHeader('node-a; name=a=b'), { id: 'node-a', name: 'a=b', version: '' });
  });

  it('bounds name and version to 200 characters, after decoding', () => {
    const who = parseInstanceHeader(`node-a; name=${'%41'.repeat(300)}; version=${'9'.repeat(300)}`);
    assert.equal(who?.name, 'A'.repeat(200));
    assert.equal(who?.version.length, 200);
  });

  it('refuses a missing or malformed id: the read is served, the instance not recorded', () => {
    for (const header of [undefined, '', ';name=x', 'has space; name=x', 'a/b', 'x'.repeat(500)]) assert.equal(parseInstanceHeader(header), undefined, String(header));
  });
});
