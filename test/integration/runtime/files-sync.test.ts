// The plugin with `provider: 'files'` in a real Node-RED runtime, reading a Kubernetes-style Secret volume: flows, ${SECRETS.KEY}, status, watch, errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFlows } from '../../fixtures/probe-flows';
import { KubernetesVolume } from '../../helpers/kubernetes-volume';
import { canary } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import type { Probe } from '../../helpers/sync-runtime';
import type { SyncStatus as Status } from '../../../src/shared/contract';

/** `GET /api/ref` answers what a change node made of `Bearer ${SECRETS.my_api_token}` (an env typed input, read as the node starts). */
const referenceFlows = [
  { id: 'ref-tab', type: 'tab', label: 'References' },
  { id: 'ref-in', type: 'http in', z: 'ref-tab', url: '/ref', method: 'get', wires: [['ref-change']] },
  { id: 'ref-change', type: 'change', z: 'ref-tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'Bearer ${SECRETS.my_api_token}', tot: 'env' }], wires: [['ref-out']] },
  { id: 'ref-out', type: 'http response', z: 'ref-tab', wires: [] },
];

describe('integration: the plugin on a directory of files in a real Node-RED runtime', function () {
  this.timeout(60_000);
  const first = canary('files-rt-token');
  const second = canary('files-rt-rotated');
  const password = canary('files-rt-pass');
  let dir: string;
  let volume: KubernetesVolume;
  let nr: TestNodeRed;
  const probe = async (): Promise<Probe> => ((await nr.endpoint('/probe')).body ?? {}) as Probe;
  // Asked again when unanswered: a request that arrives while the change node restarts is dropped by Node-RED.
  const reference = async (): Promise<string> => (await nr.endpoint('/ref').catch(() => undefined))?.text ?? '';
  const status = async (): Promise<Status> => (await nr.admin('GET', '/secret-sync/status')).body as Status;
  const payload = (token: string): Record<string, string> => ({ my_api_token: token, 'MQTT.json': JSON.stringify({ username: 'device-7', password }) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'files-runtime-'));
    volume = new KubernetesVolume(dir);
    volume.write(payload(first));
    nr = await startNodeRed({
      flows: [...probeFlows(), ...referenceFlows],
      settings: { secretSync: { provider: 'files', space: 'demo', files: { dir }, interval: 'watch', syncOnDeploy: false } },
    });
  });

  after(async () => {
    await nr?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has global.SECRETS from the files before the flows start, in function and change nodes and in ${SECRETS.KEY}; the status names the provider, the directory and a live watch', async () => {
    const seen = await eventually(async () => {
      const p = await probe();
      return p.viaPath === first ? p : undefined;
    });
    assert.deepEqual([seen.viaObject, seen.viaChange, seen.pair], [first, first, 'device-7']);
    assert.equal(await reference(), `Bearer ${first}`);
    const s = await eventually(async () => {
      const now = await status();
      return now.watch?.state === 'live' ? now : undefined;
    });
    assert.deepEqual([s.state, s.provider, s.space, s.address, s.keyCount, s.interval], ['ok', 'files', 'demo', dir, 2, 'watch']);
    assert.equal(typeof s.version, 'number');
  });

  it('watch: a Kubernetes update (..data swapped) reaches flows and ${SECRETS.KEY} without any request', async () => {
    volume.write(payload(second));
    await eventually(async () => (await probe()).viaPath === second, 10_000, 'the rotated value in global.SECRETS');
    // The change node referencing the key is restarted with the new value (restartOnChange).
    await eventually(async () => (await reference()) === `Bearer ${second}`, 10_000, 'the restarted change node');
  });

  it('a file over 64 KiB is an error naming it, and global.SECRETS keeps the last good secrets', async () => {
    const big = canary('files-rt-big');
    writeFileSync(join(dir, 'ATTACHMENT'), big.repeat(Math.ceil(70_000 / big.length)));
    const res = await nr.admin('POST', '/secret-sync/sync');
    const s = res.body as Status;
    assert.equal(s.state, 'error');
    assert.equal(s.error?.code, 'file_too_large');
    assert.match(s.error?.message ?? '', /ATTACHMENT in .* is larger than 64 KiB/);
    assert.ok(!JSON.stringify(s).includes(big));
    assert.equal((await probe()).viaPath, second, 'global.SECRETS kept');
    rmSync(join(dir, 'ATTACHMENT'));
    await eventually(async () => (await status()).state === 'ok', 10_000, 'ok again once the file is gone');
    for (const line of nr.logs) for (const value of [first, second, password, big]) assert.ok(!line.msg.includes(value), line.msg);
  });
});
