// Tests for src/plugin/node-red/runtime-bridge/global-secrets.ts: global.SECRETS in functionGlobalContext, and a flow's copy that shadows it taken away.
import assert from 'node:assert/strict';
import { GlobalSecrets, findGlobalContext, removeOverrides } from '../../../../src/plugin/node-red/runtime-bridge/global-secrets';
import type { RedGlobalContext } from '../../../../src/plugin/node-red/red-types';
import { buildSnapshot } from '../../../../src/plugin/core/snapshot';
import { memoryLogger } from '../../../helpers/logger';

function fakeGlobal(values: Record<string, unknown>, published: unknown): RedGlobalContext & { sets: string[] } {
  const sets: string[] = [];
  return {
    sets,
    // Like Node-RED: the store's value first, functionGlobalContext (published) after.
    get: (_key, store) => values[store ?? 'default'] ?? published,
    set: (_key, value, store) => {
      sets.push(store ?? 'default');
      if (value === undefined) delete values[store ?? 'default'];
    },
  };
}

describe('plugin/node-red/runtime-bridge/global-secrets', () => {
  it('replaces global.SECRETS in functionGlobalContext in one assignment', () => {
    const holder: Record<string, unknown> = { other: 1 };
    const target = new GlobalSecrets(holder);
    assert.equal(target.problem(), undefined);
    const { secrets } = buildSnapshot({ A: 'a' });
    target.publish(secrets);
    assert.equal(holder.SECRETS, secrets);
    assert.equal(holder.other, 1);
  });

  it('names the settings.js problem when functionGlobalContext is missing or frozen, and refuses to publish', () => {
    assert.equal(new GlobalSecrets(undefined).problem()?.code, 'settings_missing');
    const frozen = new GlobalSecrets(Object.freeze({}));
    assert.equal(frozen.problem()?.code, 'settings_invalid');
    assert.throws(() => frozen.publish(buildSnapshot({}).secrets), (err: { code?: string }) => err.code === 'settings_invalid');
  });

  it('reaches the global context through the first live node, if any', () => {
    const global = { get: () => undefined, set: () => undefined };
    assert.equal(findGlobalContext({ eachNode: () => undefined, getNode: () => null }), undefined);
    const nodes = { eachNode: (cb: (n: { id: string }) => void) => ['tab', 'n1'].forEach((id) => cb({ id })), getNode: (id: string) => (id === 'n1' ? { context: () => ({ global }) } : null) };
    assert.equal(findGlobalContext(nodes), global);
  });

  it('answers undefined before Node-RED has a node list', () => {
    const nodes = {
      eachNode: () => {
        throw new Error('no flows yet');
      },
      getNode: () => null,
    };
    assert.equal(findGlobalContext(nodes), undefined);
  });

  it('removes a value a flow wrote, warns once, and leaves the synced object alone', () => {
    const published = Object.freeze({ A: 'real' });
    const lines: string[] = [];
    const global = fakeGlobal({ memory: { A: 'hijacked' } }, published);
    assert.deepEqual(removeOverrides(global, ['default', 'memory'], published, memoryLogger(lines)), ['memory']);
    assert.deepEqual(global.sets, ['memory']);
    assert.equal(global.get('SECRETS', 'memory'), published);
    assert.equal(lines.filter((l) => l.startsWith('warn:')).length, 1);
    assert.deepEqual(removeOverrides(global, ['default', 'memory'], published, memoryLogger(lines)), []);
  });

  it('survives a store that cannot answer synchronously', () => {
    const global: RedGlobalContext = {
      get: () => {
        throw new Error('async only');
      },
      set: () => undefined,
    };
    assert.deepEqual(removeOverrides(global, ['file'], {}, memoryLogger()), []);
  });
});
