// Tests for nodes/secrets-changed.ts with node-red-node-test-helper: message shape, names only, cleanup.
import assert from 'node:assert/strict';
import changedNode from '../../nodes/secrets-changed';
import type { SecretSyncPluginApi, SecretsChangedEvent, SyncStatus } from '../../src/shared/contract';
import { helper, withPlugin } from '../helpers/node-helper';

const flow = [
  { id: 'changed', type: 'secrets-changed', name: '', wires: [['out']] },
  { id: 'out', type: 'helper' },
];

function fakePlugin(): SecretSyncPluginApi & { emit(e: SecretsChangedEvent): void; listeners: number } {
  const listeners = new Set<(e: SecretsChangedEvent) => void>();
  return {
    get listeners() {
      return listeners.size;
    },
    emit: (e) => listeners.forEach((l) => l(e)),
    sync: () => Promise.resolve({} as SyncStatus),
    onChanged: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

describe('nodes/secrets-changed', () => {
  beforeEach((done) => {
    helper.startServer(done);
  });
  afterEach((done) => {
    void helper.unload().then(() => helper.stopServer(done));
  });

  it('sends { version, added, changed, removed } with key names only', async () => {
    const plugin = fakePlugin();
    await helper.load(withPlugin(changedNode, plugin), flow);
    const received = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out').on('input', (msg) => resolve(msg as Record<string, unknown>)));
    plugin.emit({ version: 7, added: ['NEW'], changed: ['my_api_token'], removed: ['OLD'] });
    const msg = await received;
    assert.equal(msg.topic, 'secrets-changed');
    assert.deepEqual(msg.payload, { version: 7, added: ['NEW'], changed: ['my_api_token'], removed: ['OLD'] });
    assert.deepEqual(Object.keys(msg.payload as object).sort(), ['added', 'changed', 'removed', 'version']);
  });

  it('stops listening when the flow stops', async () => {
    const plugin = fakePlugin();
    await helper.load(withPlugin(changedNode, plugin), flow);
    assert.equal(plugin.listeners, 1);
    await helper.unload();
    assert.equal(plugin.listeners, 0);
  });

  it('says so in its status when the plugin is not loaded', async () => {
    await helper.load(changedNode, flow);
    await new Promise((r) => setTimeout(r, 10));
    const calls = helper.getNode('changed').status.getCalls?.() ?? [];
    assert.deepEqual(calls[0]?.args[0], { fill: 'red', shape: 'ring', text: 'secrets-changed.status.noPlugin' });
  });
});
