// Tests for src/plugin/core/global-override.ts: which stores are checked, and that only foreign values are removed.
import assert from 'node:assert/strict';
import { contextStores, removeOverrides } from '../../../src/plugin/core/global-override';
import type { GlobalContextLike } from '../../../src/plugin/core/global-override';
import { memoryLogger } from '../../helpers/logger';

function fakeGlobal(values: Record<string, unknown>, published: unknown): GlobalContextLike & { sets: string[] } {
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

describe('plugin/global-override', () => {
  it('checks every configured store, skipping aliases, or the default one', () => {
    assert.deepEqual(contextStores(undefined), [undefined]);
    assert.deepEqual(contextStores({ default: 'file', file: { module: 'localfilesystem' }, memory: { module: 'memory' } }), ['file', 'memory']);
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
    const global: GlobalContextLike = {
      get: () => {
        throw new Error('async only');
      },
      set: () => undefined,
    };
    assert.deepEqual(removeOverrides(global, ['file'], {}, memoryLogger()), []);
  });
});
