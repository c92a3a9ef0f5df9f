// Tests for nodes/secret-manager.ts (the deprecated node) with node-red-node-test-helper.
import assert from 'node:assert/strict';
import legacyNode from '../../nodes/secret-manager';
import type { SecretSyncPluginApi, SyncStatus } from '../../src/shared/contract';
import { helper, withPlugin } from '../helpers/node-helper';

const flow = [
  { id: 'legacy', type: 'secret-manager', name: 'old secrets', wires: [['out']] },
  { id: 'out', type: 'helper' },
];

function fakePlugin(delayMs = 0): SecretSyncPluginApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    sync: (trigger) => {
      calls.push(trigger);
      return new Promise((r) => setTimeout(() => r({ state: 'ok' } as SyncStatus), delayMs));
    },
    onChanged: () => () => undefined,
  };
}

describe('nodes/secret-manager (deprecated)', () => {
  beforeEach((done) => {
    helper.startServer(done);
  });
  afterEach((done) => {
    void helper.unload().then(() => helper.stopServer(done));
  });

  it('shows that it is deprecated', async () => {
    await helper.load(withPlugin(legacyNode, fakePlugin()), flow);
    const node = helper.getNode('legacy');
    await new Promise((r) => setTimeout(r, 10));
    const calls = node.status.getCalls?.() ?? [];
    assert.deepEqual(calls[0]?.args[0], { fill: 'yellow', shape: 'ring', text: 'secret-manager.status.deprecated' });
  });

  it('triggers a sync, then passes the message on unchanged', async () => {
    const plugin = fakePlugin(30);
    await helper.load(withPlugin(legacyNode, plugin), flow);
    const received = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out').on('input', (msg) => resolve(msg as Record<string, unknown>)));
    const started = Date.now();
    helper.getNode('legacy').receive({ payload: 'keep me', topic: 't' });
    const msg = await received;
    assert.equal(msg.payload, 'keep me');
    assert.equal(msg.topic, 't');
    assert.deepEqual(plugin.calls, ['legacy-node']);
    assert.ok(Date.now() - started >= 25, 'the message waited for the sync');
  });

  it('still passes messages on when the plugin is not loaded', async () => {
    await helper.load(legacyNode, flow);
    const received = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out').on('input', (msg) => resolve(msg as Record<string, unknown>)));
    helper.getNode('legacy').receive({ payload: 42 });
    assert.equal((await received).payload, 42);
  });
});
