// Tests for plugin-ui/src/format.ts: relative times, state looks and the paths the copy buttons put on the clipboard.
import assert from 'node:assert/strict';
import { contextPath, functionPath, referencePath, relativeTime, stateLook } from '../../plugin-ui/src/format';

describe('plugin-ui/format', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it('describes times relative to now, past and future', () => {
    const at = (s: number): string => new Date(now + s * 1000).toISOString();
    assert.deepEqual(relativeTime(at(-2), now), { key: 'justNow', count: 2 });
    assert.deepEqual(relativeTime(at(-42), now), { key: 'secondsAgo', count: 42 });
    assert.deepEqual(relativeTime(at(-300), now), { key: 'minutesAgo', count: 5 });
    assert.deepEqual(relativeTime(at(-7200), now), { key: 'hoursAgo', count: 2 });
    assert.deepEqual(relativeTime(at(-3 * 86400), now), { key: 'daysAgo', count: 3 });
    assert.deepEqual(relativeTime(at(90), now), { key: 'inMinutes', count: 2 });
    assert.deepEqual(relativeTime(at(6 * 3600), now), { key: 'inHours', count: 6 });
  });

  it('gives every state an icon and a tone', () => {
    assert.deepEqual(stateLook('ok'), { icon: 'fa fa-check-circle', tone: 'success' });
    assert.equal(stateLook('error').tone, 'error');
    assert.match(stateLook('syncing').icon, /fa-spin/);
    assert.equal(stateLook('unconfigured').tone, 'warning');
  });

  it('builds paths users paste into function nodes and node property fields', () => {
    assert.equal(functionPath('my_api_token'), "global.get('SECRETS').my_api_token");
    assert.equal(functionPath('MQTT', 'username'), "global.get('SECRETS').MQTT.username");
    assert.equal(functionPath('db-url'), "global.get('SECRETS')['db-url']");
    assert.equal(functionPath('2FA'), "global.get('SECRETS')['2FA']");
    assert.equal(contextPath('my_api_token'), 'SECRETS.my_api_token');
    assert.equal(contextPath('MQTT', 'password'), 'SECRETS.MQTT.password');
    assert.equal(contextPath('db-url'), 'SECRETS["db-url"]');
    assert.equal(referencePath('db-url'), '${SECRETS.db-url}');
    assert.equal(referencePath('MQTT', 'password'), '${SECRETS.MQTT.password}');
  });
});
