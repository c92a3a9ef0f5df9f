// Tests for src/plugin/core/context-answer.ts: what Node-RED's context API may answer once the router has decided.
import assert from 'node:assert/strict';
import { isContextRoute, maskContextAnswer, readsSecrets } from '../../../src/plugin/core/context-answer';
import { Masker } from '../../../src/plugin/core/masker';
import { buildSnapshot } from '../../../src/plugin/core/snapshot';

const M = '••••••••';
// Node-RED's own parser, as the runtime uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { util } = require('@node-red/util') as { util: { normalisePropertyExpression(p: string): unknown[] } };
const parse = (key: string): unknown[] => util.normalisePropertyExpression(key);

describe('plugin/core/context-answer', () => {
  const snapshot = buildSnapshot({ API_TOKEN: 'api-token-canary', MQTT: { user: 'mqtt-user-x', password: 'mqtt-pass-y' } });
  const masker = new Masker(snapshot);
  const read = (key: string | undefined, body: unknown, scope = 'global', keysOnly = false, defaultStore?: string): unknown =>
    maskContextAnswer({ routePath: '/context/:scope(global)/*', scope, key, keysOnly, defaultStore }, body, snapshot, masker, parse);

  it('knows its routes by the pattern Node-RED registered', () => {
    assert.ok(isContextRoute('/context/:scope(global)/*'));
    assert.ok(!isContextRoute('/flows'));
    assert.ok(!isContextRoute(undefined));
  });

  it('decides "inside SECRETS" with the runtime parser, and refuses what it cannot parse', () => {
    for (const key of ['SECRETS', 'SECRETS.API_TOKEN', 'SECRETS["API_TOKEN"]', "SECRETS['MQTT'].user", 'SECRETS[0]']) assert.ok(readsSecrets(key, parse), key);
    for (const key of ['OTHER', 'SECRETSX', 'secrets', 'a.SECRETS']) assert.ok(!readsSecrets(key, parse), key);
    assert.ok(readsSecrets('SECRETS[', parse), 'a broken key that mentions SECRETS is treated as a read of it');
  });

  it('answers a read of SECRETS, one key or one pair with masks in the shape Node-RED uses', () => {
    assert.deepEqual(read('SECRETS', { msg: '{"API_TOKEN":"api-token-canary"}', format: 'Object' }), {
      msg: JSON.stringify({ API_TOKEN: M, MQTT: { user: M, password: M } }),
      format: 'Object',
    });
    assert.deepEqual(read('SECRETS.API_TOKEN', { msg: 'api-token-canary', format: 'string[16]', store: 'file' }), { msg: M, format: 'string[8]', store: 'file' });
    assert.deepEqual(read('SECRETS.MQTT', { msg: '{}', format: 'Object' }), { msg: JSON.stringify({ user: M, password: M }), format: 'Object' });
    assert.deepEqual(read('SECRETS.MQTT.user', { msg: 'mqtt-user-x', format: 'string[11]' }), { msg: M, format: 'string[8]' });
  });

  it('replaces the SECRETS entry of a listing, and masks copies of values in other keys and scopes', () => {
    const listing = { default: { SECRETS: { msg: 'api-token-canary', format: 'Object' }, copy: { msg: 'Bearer api-token-canary', format: 'string' } } };
    const out = read(undefined, listing) as { default: Record<string, { msg: string }> };
    assert.equal(out.default.SECRETS?.msg, JSON.stringify({ API_TOKEN: M, MQTT: { user: M, password: M } }));
    assert.equal(out.default.copy?.msg, `Bearer ${M}`);
    assert.deepEqual(read('x', { msg: 'mqtt-pass-y' }, 'flow'), { msg: M });
  });

  it('leaves key-only answers (names, no values) as they are', () => {
    const names = { default: { keys: [{ key: 'API_TOKEN' }], format: 'object' } };
    assert.deepEqual(read('SECRETS', names, 'global', true), names);
  });

  it('lists SECRETS, masked, in the default store of a global listing, where Node-RED lists settings.js globals, and its name in a key-only listing', () => {
    const listing = { memory: { copy: { msg: 'x', format: 'string[1]' } }, file: {} };
    const masked = { msg: JSON.stringify({ API_TOKEN: M, MQTT: { user: M, password: M } }), format: 'Object' };
    assert.deepEqual(read(undefined, listing, 'global', false, 'memory'), { memory: { copy: { msg: 'x', format: 'string[1]' }, SECRETS: masked }, file: {} });
    assert.deepEqual(read(undefined, listing, 'global', false, undefined), listing, 'exportGlobalContextKeys: false lists no globals');
    assert.deepEqual(read(undefined, { file: {} }, 'global', false, 'memory'), { file: {} }, '?store= another store');
    assert.deepEqual(read(undefined, { memory: { keys: [{ key: 'copy' }] } }, 'global', true, 'memory'), { memory: { keys: [{ key: 'copy' }, { key: 'SECRETS' }] } });
    assert.deepEqual(read(undefined, { memory: { keys: [{ key: 'SECRETS' }] } }, 'global', true, 'memory'), { memory: { keys: [{ key: 'SECRETS' }] } });
  });
});
