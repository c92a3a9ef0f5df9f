// Tests for plugin-ui/src/secret-name.ts and property-path.ts: the names the Move dialog proposes, and the copy with one literal replaced.
import assert from 'node:assert/strict';
import { proposeName } from '../../plugin-ui/src/secret-name';
import { ambiguousPath, propertyLabel, readPath, replacePath, segments } from '../../plugin-ui/src/property-path';
import { nameProblem } from '../../src/shared/names';

describe('plugin-ui/secret-name', () => {
  it('proposes NODE_PROPERTY in the manager naming rule', () => {
    assert.equal(proposeName('MQTT prod', 'password'), 'MQTT_PROD_PASSWORD');
    assert.equal(proposeName('billing API', 'Authorization'), 'BILLING_API_AUTHORIZATION');
    assert.equal(proposeName('http request', 'apiKey'), 'HTTP_REQUEST_API_KEY');
    assert.equal(proposeName('call github', 'github-token'), 'CALL_GITHUB_TOKEN');
  });

  it('does not repeat the words the node name already ends with', () => {
    assert.equal(proposeName('DB password', 'password'), 'DB_PASSWORD');
  });

  it('stays a valid name whatever the node is called', () => {
    for (const label of ['<img src=x onerror=alert(1)>', '', 'ü ß 日本', '__proto__', 'x'.repeat(300), '---']) {
      const name = proposeName(label, label);
      assert.equal(nameProblem(name), undefined, `${label} → ${name}`);
    }
    assert.equal(proposeName('', ''), 'SECRET');
    assert.equal(proposeName('<img src=x onerror=alert(1)>', 'password'), 'IMG_SRC_X_ONERROR_ALERT_1_PASSWORD');
  });
});

describe('plugin-ui/property-path', () => {
  const node = {
    url: 'https://example.test',
    headers: [
      { keyType: 'other', keyValue: 'Accept', valueType: 'other', valueValue: 'text/plain' },
      { keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: 'Bearer literal' },
    ],
    rules: [{ t: 'set', p: 'headers.token', pt: 'msg', to: 'literal', tot: 'str' }],
  };

  it('replaces the literal in a copy and leaves the original alone', () => {
    const next = replacePath(node.headers, segments('1.valueValue'), '${SECRETS.X}') as typeof node.headers;
    assert.equal(next[1]!.valueValue, '${SECRETS.X}');
    assert.equal(next[0], node.headers[0]);
    assert.equal(node.headers[1]!.valueValue, 'Bearer literal');
    assert.ok(Array.isArray(next));
  });

  it('refuses a path that does not end at text, or does not exist', () => {
    assert.equal(replacePath(node.headers, segments('5.valueValue'), 'x'), undefined);
    assert.equal(replacePath(node.headers, segments('1'), 'x'), undefined);
    assert.equal(replacePath(node, segments('__proto__.x'), 'x'), undefined);
    assert.equal(readPath(node, segments('headers.1.valueValue')), 'Bearer literal');
  });

  it('refuses a path a key with a dot could also spell: the finding may name the other property', () => {
    // The runtime flagged the key `a.b` (or `credentials.password`); `a: { b }` and the node's credentials are other properties.
    const dotted = { 'a.b': 'flagged literal', a: { b: 'other text' }, list: [{ 'x.y': 'flagged', x: { y: 'other' } }] };
    assert.equal(replacePath(dotted, segments('a.b'), '${SECRETS.X}'), undefined);
    assert.equal(replacePath(dotted.list, segments('0.x.y'), '${SECRETS.X}'), undefined);
    assert.equal(ambiguousPath({ 'credentials.password': 'flagged' }, segments('credentials.password')), true);
    assert.equal(ambiguousPath(node, segments('headers.1.valueValue')), false);
  });

  it("names a list entry's property by the entry's own name", () => {
    assert.equal(propertyLabel(node, segments('headers.1.valueValue')), 'Authorization');
    assert.equal(propertyLabel(node, segments('rules.0.to')), 'headers.token');
    assert.equal(propertyLabel(node, segments('url')), 'url');
  });
});
