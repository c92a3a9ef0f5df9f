// Legacy "Secret Manager" nodes in a real runtime: old flows still run, and every start and deploy lists and logs them.
import assert from 'node:assert/strict';
import { legacyFlows } from '../fixtures/legacy-flows';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

interface Status {
  legacyNodes: { id: string; type: string; name: string; z: string }[];
  lastAttemptAt: string | null;
}

describe('integration: legacy secret-manager nodes', function () {
  this.timeout(60_000);
  let manager: TestManager;
  let nr: NodeRedChild;

  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'my_api_token', value: 'legacy-canary-value' } });
    const token = await manager.readToken('demo');
    nr = await spawnNodeRed({ flows: legacyFlows(), settings: { secretSync: { url: manager.url, space: 'demo', token, interval: 'off' } } });
  });
  after(async () => {
    await nr?.stop();
    await manager?.stop();
  });

  it('lists every legacy node in the status and logs one warning naming the count and the tabs', async () => {
    // RED.start() resolves before the flows start; the list comes with flows:started.
    const status = await eventually(async () => {
      const s = (await nr.admin('GET', '/secret-sync/status')).body as Status;
      return s.legacyNodes.length > 0 ? s : undefined;
    });
    assert.deepEqual(status.legacyNodes, [
      { id: 'legacy-1', type: 'secret-manager', name: 'fetch secrets', z: 'old-tab' },
      { id: 'legacy-2', type: 'secret-manager', name: '', z: 'old-tab' },
      { id: 'legacy-locked', type: 'secret-manager', name: 'locked one', z: 'locked-tab' },
    ]);
    const warnings = await eventually(() => {
      const lines = nr.logs.filter((l) => l.msg.includes("deprecated 'secret-manager'"));
      return lines.length > 0 ? lines : undefined;
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.msg ?? '', /3 deprecated 'secret-manager' nodes found on 'Old flow', 'Locked flow'/);
  });

  it('still runs old flows: each legacy node syncs and passes the message on', async () => {
    const before = ((await nr.admin('GET', '/secret-sync/status')).body as Status).lastAttemptAt;
    const res = await eventually(async () => {
      const r = await nr.admin('GET', '/api/legacy');
      return r.status === 200 ? r : undefined;
    });
    assert.deepEqual(res.body, { seen: true });
    const after = ((await nr.admin('GET', '/secret-sync/status')).body as Status).lastAttemptAt;
    assert.notEqual(after, before, 'the legacy node triggered a sync');
  });

  it('updates the list after a deploy that removes them', async () => {
    const flows = (legacyFlows() as { id: string; type: string; wires?: string[][] }[]).filter((n) => n.type !== 'secret-manager');
    const res = await nr.admin('POST', '/flows', { body: flows, headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(res.status, 204);
    await eventually(async () => ((await nr.admin('GET', '/secret-sync/status')).body as Status).legacyNodes.length === 0, 5_000, 'empty list');
  });
});
