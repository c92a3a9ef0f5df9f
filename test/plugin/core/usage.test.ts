// Tests for src/plugin/core/usage.ts: every way a flow names a key is counted once per node; names and counts only.
import assert from 'node:assert/strict';
import { keyUsage } from '../../../src/plugin/core/usage';
import { USAGE_REPORT_MAX_KEYS } from '../../../src/shared/fleet-wire';

describe('plugin/core/usage', () => {
  it('counts the nodes that use each key, however the flow names it', () => {
    const nodes = [
      { id: 'f1', type: 'function', func: "const t = global.get('SECRETS').API_TOKEN; const u = global.get(\"SECRETS\")[\"DB\"].user;" },
      { id: 'f2', type: 'function', func: "global.get('SECRETS.API_TOKEN')" },
      { id: 'c1', type: 'change', rules: [{ t: 'set', to: 'SECRETS.MQTT.password', tot: 'global' }] },
      { id: 't1', type: 'template', template: '{{global.SECRETS.WEATHER}}' },
      { id: 's1', type: 'switch', rules: [{ v: 'SECRETS["FLAG"]', vt: 'global' }] },
      { id: 'b1', type: 'mqtt-broker' },
      { id: 'n1', type: 'inject', payload: 'no secrets here' },
    ];
    const credentials: Record<string, unknown> = { b1: { password: '${SECRETS.MQTT.password}' } };
    assert.deepEqual(keyUsage(nodes, (id) => credentials[id]), [
      { key: 'API_TOKEN', nodes: 2 },
      { key: 'DB', nodes: 1 },
      { key: 'FLAG', nodes: 1 },
      { key: 'MQTT', nodes: 2 },
      { key: 'WEATHER', nodes: 1 },
    ]);
  });

  it('names at most the manager\'s limit of keys, keeping those most nodes use, so a large flow\'s report is not refused whole', () => {
    const nodes = [
      ...Array.from({ length: 5 }, (_, i) => ({ id: `f${i}`, type: 'function', func: "global.get('SECRETS').POPULAR" })),
      ...Array.from({ length: 1_200 }, (_, i) => ({ id: `r${i}`, type: 'function', func: `global.get('SECRETS').RARE_${String(i).padStart(4, '0')}` })),
    ];
    const usage = keyUsage(nodes, () => undefined);
    assert.equal(usage.length, USAGE_REPORT_MAX_KEYS);
    assert.deepEqual(usage.find((u) => u.key === 'POPULAR'), { key: 'POPULAR', nodes: 5 });
    assert.deepEqual(usage.map((u) => u.key), [...usage.map((u) => u.key)].sort((a, b) => a.localeCompare(b)), 'still sorted by key');
    assert.equal(keyUsage(nodes, () => undefined, 3).length, 3);
  });
});
