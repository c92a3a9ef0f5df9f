// The plugin with `provider: 'vault'` in a real Node-RED runtime against a real OpenBao dev server: flows, Sync now, status, errors, masking.
import assert from 'node:assert/strict';
import { debugLeakFlows, probeFlows } from '../../fixtures/probe-flows';
import { openComms } from '../../helpers/comms';
import { canary } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { countBaoTests, requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';
import type { Probe } from '../../helpers/sync-runtime';
import type { SyncStatus as Status } from '../../../src/shared/contract';

describe('integration: the plugin on OpenBao in a real Node-RED runtime', function () {
  this.timeout(60_000);
  countBaoTests(this, 'runtime');
  const first = canary('vault-rt-token');
  const second = canary('vault-rt-rotated');
  const password = canary('vault-rt-pass');
  let bao: BaoDev;
  let nr: TestNodeRed;
  const probe = async (): Promise<Probe> => ((await nr.endpoint('/probe')).body ?? {}) as Probe;
  const status = async (): Promise<Status> => (await nr.admin('GET', '/secret-sync/status')).body as Status;

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
    await bao.put('spaces/demo/my_api_token', { value: first });
    await bao.put('spaces/demo/MQTT', { username: 'device-7', password });
    await bao.put('spaces/_org/ORG_ONLY', { value: 'org-visible' });
    nr = await startNodeRed({
      flows: [...probeFlows(), ...debugLeakFlows()],
      settings: { secretSync: { provider: 'vault', url: `http://127.0.0.1:9, ${bao.url}`, space: 'demo', token: bao.rootToken, interval: 'off', syncOnDeploy: false } },
    });
  });

  after(async () => {
    await nr?.stop();
    await bao?.stop();
  });

  it('has global.SECRETS from OpenBao before the flows start, in function and change nodes, through the second listed address', async () => {
    const seen = await eventually(async () => {
      const p = await probe();
      return p.viaPath === first ? p : undefined;
    });
    assert.deepEqual([seen.viaObject, seen.viaChange, seen.pair], [first, first, 'device-7']);
    const s = await status();
    assert.deepEqual([s.state, s.provider, s.address, s.keyCount], ['ok', 'vault', bao.url, 3]);
  });

  it('"Sync now" brings a rotated value', async () => {
    await bao.put('spaces/demo/my_api_token', { value: second });
    const res = await nr.admin('POST', '/secret-sync/sync');
    assert.equal((res.body as Status).state, 'ok');
    assert.equal((await probe()).viaPath, second);
  });

  it('a deleted space is an error that keeps the last good secrets', async () => {
    for (const key of ['my_api_token', 'MQTT']) assert.equal((await bao.api('DELETE', `secret/metadata/spaces/demo/${key}`)).status, 204);
    const res = await nr.admin('POST', '/secret-sync/sync');
    const s = res.body as Status;
    assert.equal(s.state, 'error');
    assert.equal(s.error?.code, 'not_found');
    assert.equal((await probe()).viaPath, second, 'global.SECRETS kept');
    await bao.put('spaces/demo/my_api_token', { value: second });
    await bao.put('spaces/demo/MQTT', { username: 'device-7', password });
    assert.equal(((await nr.admin('POST', '/secret-sync/sync')).body as Status).state, 'ok');
  });

  it('masks OpenBao values in debug messages as it does for the Secret Manager, and no value or token reaches a log', async () => {
    const comms = await openComms(nr.adminUrl, undefined, ['debug']);
    try {
      assert.equal((await nr.admin('POST', '/inject/leak-inject')).status, 200);
      await eventually(() => comms.frames.some((f) => f.includes('leak-debug')), 3_000, 'debug message');
      const all = comms.frames.join('\n');
      assert.ok(all.includes('••••••••'), 'the mask is shown instead');
      for (const value of [first, second, password]) assert.ok(!all.includes(value));
    } finally {
      comms.close();
    }
    for (const line of nr.logs) for (const secret of [first, second, password, bao.rootToken]) assert.ok(!line.msg.includes(secret), line.msg);
  });
});
