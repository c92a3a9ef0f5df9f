// RED.stop() alone (the HTTP server left open, as an embedding app may) undoes every hook of the plugin; a deploy and the plugin's own restarts do not.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { nodeRed } from '../../helpers/node-red-version';

// Node-RED's own modules, to check what the plugin changed in them and undid.
const util = nodeRed.require('@node-red/util') as {
  log: { log: unknown };
  events: { listenerCount(event: string): number };
  hooks: { has(name: string): boolean };
};
const flowsUtil = nodeRed.require('@node-red/runtime/lib/flows/util') as { getEnvVar(name: string): unknown };
const RED = nodeRed.require(nodeRed.packageName) as { stop(): Promise<void>; server: Server; httpAdmin: { _router: { stack: { name: string }[] } } };
const runtime = nodeRed.require('@node-red/runtime') as { httpAdmin: { _router: { stack: { route?: { path?: unknown } }[] } } };

/** The events the plugin listens to, and how many listeners it adds to each (README, "How the plugin reaches into Node-RED"). */
const OURS: Record<string, number> = { comms: 1, 'node-status': 1, 'event-log': 1, 'runtime-event': 2, 'flows:started': 1, 'flows:stopped': 1 };

describe('integration: RED.stop() undoes every hook', function () {
  this.timeout(30_000);
  const value = canary('stop-token');
  const originalLog = util.log.log;
  let manager: TestManager;
  let nr: TestNodeRed;
  const counts = (): Record<string, number> => Object.fromEntries(Object.keys(OURS).map((event) => [event, util.events.listenerCount(event)]));
  const adminLayers = (): string[] => RED.httpAdmin._router.stack.slice(0, 5).map((layer) => layer.name);
  const pluginRoutes = (): string[] =>
    runtime.httpAdmin._router.stack.flatMap((layer) => (typeof layer.route?.path === 'string' && layer.route.path.startsWith('/secret-sync') ? [layer.route.path] : []));

  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value } });
    nr = await startNodeRed({
      flows: [{ id: 'stop-tab', type: 'tab', label: 'Stop' }, { id: 'ref', type: 'change', z: 'stop-tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '${SECRETS.API_TOKEN}', tot: 'env' }], wires: [] }],
      settings: {
        // The admin API's "stop flows" / "start flows" (POST /flows/state): a full stop of the flows that is not RED.stop().
        runtimeState: { enabled: true },
        secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false },
      },
    });
  });

  after(async () => {
    await nr?.stop();
    await manager?.stop();
  });

  it('has every hook in place while the runtime runs, and says so in the status', async () => {
    const status = (await nr.admin('GET', '/secret-sync/status')).body as { state: string; hooks: Record<string, string> };
    assert.equal(status.state, 'ok');
    assert.deepEqual(status.hooks, { globalSecrets: 'installed', variables: 'installed', restart: 'installed', logMask: 'installed', printMask: 'installed', debugMask: 'installed', contextGuard: 'installed', adminRoutes: 'installed' });
    assert.equal(flowsUtil.getEnvVar('SECRETS.API_TOKEN'), value);
    assert.notEqual(util.log.log, originalLog);
    assert.ok(util.hooks.has('preDeliver.secret-sync'));
    assert.ok(adminLayers().includes('guard'));
    assert.ok(pluginRoutes().includes('/secret-sync/status'));
  });

  it('keeps them through a full deploy (which stops every flow too)', async () => {
    const flows = (await nr.admin('GET', '/flows')).body as unknown[];
    const before = counts();
    assert.equal((await nr.admin('POST', '/flows', { body: flows, headers: { 'node-red-deployment-type': 'full' } })).status, 204);
    await eventually(async () => (await nr.admin('GET', '/secret-sync/status')).status === 200, 5_000, 'the admin API after the deploy');
    assert.deepEqual(counts(), before);
    assert.equal(flowsUtil.getEnvVar('SECRETS.API_TOKEN'), value);
    assert.ok(adminLayers().includes('guard'));
  });

  it('keeps them while the admin API stops the flows (the runtime keeps serving) and after it starts them again', async () => {
    const before = counts();
    assert.equal((await nr.admin('POST', '/flows/state', { body: { state: 'stop' } })).status, 200);
    assert.deepEqual(counts(), before);
    assert.ok(adminLayers().includes('guard'), 'the context API stays guarded while the flows are stopped');
    assert.equal((await nr.admin('GET', '/secret-sync/status')).status, 200);
    assert.equal((await nr.admin('POST', '/flows/state', { body: { state: 'start' } })).status, 200);
    assert.deepEqual(counts(), before);
    assert.equal(flowsUtil.getEnvVar('SECRETS.API_TOKEN'), value);
  });

  it('after RED.stop(), with the HTTP server still open: getEnvVar, log.log, the Express layers and every listener are as Node-RED had them', async () => {
    const running = counts();
    const closeListeners = RED.server.listenerCount('close');
    await RED.stop();
    assert.equal(flowsUtil.getEnvVar('SECRETS.API_TOKEN'), undefined, 'SECRETS.* no longer answered');
    assert.equal(util.log.log, originalLog);
    assert.ok(!util.hooks.has('preDeliver.secret-sync'));
    assert.ok(!adminLayers().includes('guard'), 'the context guard is gone from the admin app');
    assert.deepEqual(pluginRoutes(), [], 'the admin API routes are gone');
    assert.equal((await nr.admin('GET', '/secret-sync/status')).status, 404, 'the server still answers, without the plugin');
    const expected = Object.fromEntries(Object.entries(running).map(([event, n]) => [event, n - OURS[event]!]));
    assert.deepEqual(counts(), expected);
    assert.equal(RED.server.listenerCount('close'), closeListeners - 1);
  });
});
