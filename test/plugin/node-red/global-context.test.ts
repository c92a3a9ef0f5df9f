// Tests for src/plugin/node-red/global-context.ts: the global context is reached through the first live node.
import assert from 'node:assert/strict';
import { findGlobalContext } from '../../../src/plugin/node-red/global-context';

describe('plugin/node-red/global-context', () => {
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
});
