// Tests for src/plugin/node-red/runtime-bridge/context-stores.ts: the stores to check, and the default store by Node-RED's rule, from settings.js alone.
import assert from 'node:assert/strict';
import { contextStores, defaultContextStore } from '../../../../src/plugin/node-red/runtime-bridge/context-stores';

describe('plugin/node-red/runtime-bridge/context-stores', () => {
  it('checks every configured store, skipping aliases, or the default one', () => {
    assert.deepEqual(contextStores(undefined), [undefined]);
    assert.deepEqual(contextStores({ default: 'file', file: { module: 'localfilesystem' }, memory: { module: 'memory' } }), ['file', 'memory']);
  });

  it("names the default store as the installed Node-RED's context module does", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const context = require('@node-red/runtime/lib/nodes/context') as { init(settings: object): void; load(): Promise<unknown>; listStores(): { default: unknown } };
    const memory = { module: 'memory' };
    for (const contextStorage of [undefined, {}, { default: memory, other: memory }, { default: 'b', a: memory, b: memory }, { a: memory, b: memory }, { b: memory, default: 'a', a: memory }]) {
      context.init({ contextStorage });
      await context.load();
      assert.equal(defaultContextStore(contextStorage), context.listStores().default, JSON.stringify(contextStorage));
    }
  });

  it('names the default store of the usual settings.js spellings', () => {
    assert.equal(defaultContextStore(undefined), 'memory');
    assert.equal(defaultContextStore({}), 'memory');
    assert.equal(defaultContextStore({ default: { module: 'localfilesystem' }, memory: { module: 'memory' } }), 'default');
    assert.equal(defaultContextStore({ default: 'file', memory: { module: 'memory' }, file: { module: 'localfilesystem' } }), 'file');
    assert.equal(defaultContextStore({ memory: { module: 'memory' }, file: { module: 'localfilesystem' } }), 'memory');
    assert.equal(defaultContextStore({ file: { module: 'localfilesystem' }, memory: { module: 'memory' } }), 'file');
  });
});
