// Tests for plugin-ui/src/format.ts: relative times, state looks and the paths the copy buttons put on the clipboard.
import assert from 'node:assert/strict';
import { contextPath, functionPath, referencePath, relativeTime, stateLook, unavailableHooks, watchReasonKey } from '../../plugin-ui/src/format';
import { HOOK_NAMES } from '../../src/shared/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Catalog = { watch: { reason: Record<string, string> } };
const catalog = (lang: string): Catalog => JSON.parse(readFileSync(resolve(__dirname, '../../../plugin-ui/locales', lang, 'secret-sync.json'), 'utf8')) as Catalog;

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

  it('explains a degraded watch in plain words for known codes, in both catalogs, and falls back to the message', () => {
    const [en, de] = [catalog('en-US'), catalog('de')];
    for (const code of ['too_many_waiters', 'too_many_waiters_for_token', 'too_many_waiters_for_space', 'rate_limited', 'unreachable']) {
      const key = watchReasonKey(code);
      assert.equal(key, `watch.reason.${code}`);
      for (const messages of [en, de]) assert.equal(typeof messages.watch.reason[code], 'string', code);
    }
    assert.equal(watchReasonKey('per_token_share'), 'watch.reason.other');
    assert.equal(watchReasonKey(null), 'watch.reason.other');
    assert.equal(watchReasonKey('__proto__'), 'watch.reason.other');
    assert.deepEqual(Object.keys(de.watch.reason).sort(), Object.keys(en.watch.reason).sort(), 'the German catalog has every reason');
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

  it('names the hooks that did not take, in order, each with words in every catalog', () => {
    assert.deepEqual(unavailableHooks(undefined), []);
    assert.deepEqual(unavailableHooks({ variables: 'installed', logMask: 'off' }), []);
    assert.deepEqual(unavailableHooks({ contextGuard: 'unavailable', variables: 'unavailable', restart: 'installed' }), ['variables', 'contextGuard']);
    for (const lang of ['en-US', 'de']) {
      const words = (catalog(lang) as unknown as { hooks: Record<string, string>; status: { hooks: string } });
      for (const name of HOOK_NAMES) assert.ok(words.hooks[name], `${lang} hooks.${name}`);
      assert.match(words.status.hooks, /__list__/);
    }
  });
});
