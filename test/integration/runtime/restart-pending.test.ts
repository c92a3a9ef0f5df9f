// restartOnChange off: nodes that use a changed key are listed, keep their old value, and "Restart affected nodes" restarts exactly them.
import assert from 'node:assert/strict';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';

interface Seen {
  seen: string | null;
  starts: number;
}

interface Status {
  state: string;
  references: { pending: { id: string }[]; restarted: { nodes: { id: string }[] } | null };
}

describe('integration: restartOnChange off, and "Restart affected nodes"', function () {
  this.timeout(30_000);
  const values = [canary('pending-1'), canary('pending-2')];
  let manager: TestManager;
  let nr: TestNodeRed;
  // Until the flows have started, the endpoint is not there yet: that reads as no start.
  const seen = async (): Promise<Seen> => ((await nr.endpoint('/seen')).body as Seen | undefined) ?? { seen: null, starts: 0 };
  const status = async (): Promise<Status> => (await nr.admin('GET', '/secret-sync/status')).body as Status;

  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'TOKEN', value: values[0] } });
    nr = await startNodeRed({
      flows: [
        { id: 'p-tab', type: 'tab', label: 'Pending' },
        // Fires on every start of the node, with the value the reference had then.
        { id: 'p-inject', type: 'inject', z: 'p-tab', name: 'uses TOKEN', props: [{ p: 'payload' }], payload: '${SECRETS.TOKEN}', payloadType: 'str', once: true, onceDelay: 0.1, repeat: '', wires: [['p-store']] },
        { id: 'p-store', type: 'function', z: 'p-tab', func: "global.set('seen', msg.payload); global.set('starts', (global.get('starts') || 0) + 1); return null;", outputs: 1, libs: [], wires: [[]] },
        { id: 'p-in', type: 'http in', z: 'p-tab', url: '/seen', method: 'get', wires: [['p-read']] },
        { id: 'p-read', type: 'function', z: 'p-tab', func: "msg.payload = { seen: global.get('seen') ?? null, starts: global.get('starts') ?? 0 }; return msg;", outputs: 1, libs: [], wires: [['p-out']] },
        { id: 'p-out', type: 'http response', z: 'p-tab', wires: [] },
      ],
      settings: { secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false, restartOnChange: false } },
    });
  });

  after(async () => {
    await nr?.stop();
    await manager?.stop();
  });

  it('starts the node with the current value', async () => {
    assert.deepEqual(await eventually(async () => ((await seen()).starts === 1 ? seen() : undefined)), { seen: values[0], starts: 1 });
  });

  it('lists the node after its key changed, and leaves it running with the old value', async () => {
    assert.equal((await manager.api('PATCH', '/v1/spaces/demo/secrets/TOKEN', { body: { value: values[1] } })).status, 200);
    const s = (await nr.admin('POST', '/secret-sync/sync')).body as Status;
    assert.deepEqual(s.references.pending.map((n) => n.id), ['p-inject']);
    assert.equal(s.references.restarted, null);
    assert.deepEqual(await seen(), { seen: values[0], starts: 1 });
    assert.ok(nr.logs.some((l) => l.msg.includes("restart them from the Secrets sidebar to use the new values: inject 'uses TOKEN' (p-inject)")));
  });

  it('restarts exactly the listed nodes on "Restart affected nodes", which then use the new value', async () => {
    const res = await nr.admin('POST', '/secret-sync/restart');
    assert.equal(res.status, 200);
    await eventually(async () => (await seen()).starts === 2, 5_000, 'the restarted inject');
    assert.deepEqual(await seen(), { seen: values[1], starts: 2 });
    const s = await status();
    assert.deepEqual(s.references.pending, []);
    assert.deepEqual(s.references.restarted?.nodes.map((n) => n.id), ['p-inject']);
  });
});
