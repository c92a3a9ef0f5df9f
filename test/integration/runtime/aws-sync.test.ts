// The plugin with `provider: 'aws'` in a real Node-RED runtime against moto's AWS Secrets Manager API: global.SECRETS, ${SECRETS.KEY} in a node property, status, rotation, a dead endpoint.
import assert from 'node:assert/strict';
import { probeFlows } from '../../fixtures/probe-flows';
import { startAwsProxy } from '../../helpers/aws-proxy';
import type { AwsProxy } from '../../helpers/aws-proxy';
import { canary } from '../../helpers/manager';
import { MOTO_REGION, countAwsTests, keepCredentials, requireAws, startMoto, useCredentials } from '../../helpers/moto';
import type { Moto } from '../../helpers/moto';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import type { Probe } from '../../helpers/sync-runtime';
import type { SyncStatus as Status } from '../../../src/shared/contract';

/** An HTTP endpoint whose change node sets the payload from `${SECRETS.my_api_token}` in an env-typed property, as users write it. */
function referenceFlows(): unknown[] {
  return [
    { id: 'aws-ref-tab', type: 'tab', label: 'References' },
    { id: 'aws-ref-in', type: 'http in', z: 'aws-ref-tab', url: '/reference', method: 'get', wires: [['aws-ref-change']] },
    { id: 'aws-ref-change', type: 'change', z: 'aws-ref-tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'Bearer ${SECRETS.my_api_token}', tot: 'env' }], wires: [['aws-ref-out']] },
    { id: 'aws-ref-out', type: 'http response', z: 'aws-ref-tab', wires: [] },
  ];
}

describe('integration: the plugin on AWS Secrets Manager (moto) in a real Node-RED runtime', function () {
  this.timeout(60_000);
  countAwsTests(this, 'runtime');
  const first = canary('aws-rt-token');
  const second = canary('aws-rt-rotated');
  const password = canary('aws-rt-pass');
  const restoreCredentials = keepCredentials();
  let moto: Moto;
  let proxy: AwsProxy;
  let nr: TestNodeRed;
  const probe = async (): Promise<Probe> => ((await nr.endpoint('/probe')).body ?? {}) as Probe;
  // Asked again when unanswered: a request that arrives while the change node restarts is dropped by Node-RED.
  const reference = async (): Promise<string> => (await nr.endpoint('/reference').catch(() => undefined))?.text ?? '';
  const status = async (): Promise<Status> => (await nr.admin('GET', '/secret-sync/status')).body as Status;

  before(async function () {
    requireAws(this);
    // Credentials only through the SDK's default chain: the environment of the Node-RED process.
    useCredentials();
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    await moto.put('secret-sync/demo/my_api_token', first);
    await moto.put('secret-sync/demo/MQTT', JSON.stringify({ username: 'device-7', password }));
    await moto.put('secret-sync/_org/ORG_ONLY', 'org-visible');
    nr = await startNodeRed({
      flows: [...probeFlows(), ...referenceFlows()],
      settings: { secretSync: { provider: 'aws', space: 'demo', aws: { region: MOTO_REGION, endpoint: proxy.url }, interval: 'off', syncOnDeploy: false, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 50 } } },
    });
  });

  after(async () => {
    await nr?.stop();
    await proxy?.close();
    await moto?.stop();
    restoreCredentials();
  });

  it('has global.SECRETS from AWS before the flows start (function and change nodes, multi-pair, org keys); the status names provider aws', async () => {
    const seen = await eventually(async () => {
      const p = await probe();
      return p.viaPath === first ? p : undefined;
    });
    assert.deepEqual([seen.viaObject, seen.viaChange, seen.pair], [first, first, 'device-7']);
    const s = await status();
    assert.deepEqual([s.state, s.provider, s.address, s.keyCount], ['ok', 'aws', proxy.url, 3]);
  });

  it('${SECRETS.my_api_token} in a node property has the value, and the rotated one after "Sync now"', async () => {
    assert.equal(await reference(), `Bearer ${first}`);
    await moto.put('secret-sync/demo/my_api_token', second);
    const res = await nr.admin('POST', '/secret-sync/sync');
    assert.equal((res.body as Status).state, 'ok');
    assert.equal((await probe()).viaPath, second);
    // The node that references the key is restarted with the new value (restartOnChange).
    await eventually(async () => ((await reference()) === `Bearer ${second}` ? true : undefined), 10_000, 'the restarted node');
  });

  it('a dead endpoint is an unreachable error that keeps the last good secrets in flows and node properties', async () => {
    await proxy.close();
    const s = (await nr.admin('POST', '/secret-sync/sync')).body as Status;
    assert.equal(s.state, 'error');
    assert.equal(s.error?.code, 'unreachable');
    assert.equal((await probe()).viaPath, second, 'global.SECRETS kept');
    assert.equal(await reference(), `Bearer ${second}`);
  });

  it('no value reaches a log', () => {
    for (const line of nr.logs) for (const secret of [first, second, password]) assert.ok(!line.msg.includes(secret), line.msg);
  });
});
