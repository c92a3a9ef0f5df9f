// Tests for src/plugin/core/preferences.ts: validation, and how saved choices sit on top of settings.js.
import assert from 'node:assert/strict';
import type { SyncError } from '../../../src/shared/sync-error';
import { effectivePreferences, parsePreferencesBody, toSavedPreferences } from '../../../src/plugin/core/preferences';

describe('plugin/preferences', () => {
  const configured = { interval: '60m', syncOnDeploy: true } as const;

  it('uses the configured values when nothing was saved', () => {
    assert.deepEqual(effectivePreferences(configured, undefined), configured);
    assert.deepEqual(effectivePreferences(configured, 'garbage'), configured);
  });

  it('applies a saved choice while settings.js still has the value it overrode', () => {
    const saved = toSavedPreferences(configured, { interval: '5m', syncOnDeploy: false });
    assert.deepEqual(effectivePreferences(configured, saved), { interval: '5m', syncOnDeploy: false });
  });

  it('lets a changed settings.js value win over a stale choice', () => {
    const saved = toSavedPreferences(configured, { interval: '5m', syncOnDeploy: false });
    assert.deepEqual(effectivePreferences({ interval: '12h', syncOnDeploy: true }, saved), { interval: '12h', syncOnDeploy: false });
  });

  it('stores nothing for a choice equal to the configured value', () => {
    assert.deepEqual(toSavedPreferences(configured, configured), {});
  });

  it('ignores saved values that are no longer valid', () => {
    assert.deepEqual(effectivePreferences(configured, { interval: { value: '2m', base: '60m' } }), configured);
  });

  it('validates PUT bodies, naming the field', () => {
    assert.deepEqual(parsePreferencesBody({ interval: '15m' }), { interval: '15m' });
    assert.deepEqual(parsePreferencesBody({ syncOnDeploy: false }), { syncOnDeploy: false });
    const cases: [unknown, string | undefined][] = [
      [{ interval: '2m' }, 'interval'],
      [{ syncOnDeploy: 'true' }, 'syncOnDeploy'],
      [{ colour: 'red' }, 'colour'],
      [{}, undefined],
      [[], undefined],
    ];
    for (const [body, field] of cases) {
      assert.throws(() => parsePreferencesBody(body), (e: SyncError) => e.code === 'invalid_preferences' && e.field === field, JSON.stringify(body));
    }
  });
});
