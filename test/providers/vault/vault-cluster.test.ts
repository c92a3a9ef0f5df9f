// A three-node OpenBao Raft cluster on loopback: kill the active node; the last good secrets stay, and syncs go on through another listed node.
import assert from 'node:assert/strict';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import type { SecretsObject } from '../../../src/plugin/core/snapshot';
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import { memoryLogger } from '../../helpers/logger';
import { canary } from '../../helpers/manager';
import { countBaoTests, requireBao, startBaoCluster } from '../../helpers/openbao';
import type { BaoCluster } from '../../helpers/openbao';

describe('providers/vault against a three-node OpenBao Raft cluster', function () {
  this.timeout(120_000);
  countBaoTests(this, 'cluster');
  let cluster: BaoCluster;
  const value = canary('raft-token');
  const rotated = canary('raft-token-rotated');
  const lines: string[] = [];
  const published: SecretsObject[] = [];
  let provider: VaultProvider;
  let engine: SyncEngine;
  let killed: string;

  before(async function () {
    requireBao(this);
    cluster = await startBaoCluster(3);
    const mounted = await cluster.api('POST', 'sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
    assert.equal(mounted.status, 204, mounted.text);
    const put = await cluster.api('POST', 'secret/data/spaces/demo/API_TOKEN', { body: { data: { value } } });
    assert.equal(put.status, 200, put.text);
    const leader = await cluster.leader();
    // The leader first, so that killing it makes the provider move on to another listed address.
    const addresses = [leader, ...cluster.nodes.map((n) => n.url).filter((u) => u !== leader)];
    provider = new VaultProvider({ addresses, space: 'demo', token: cluster.rootToken, mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' });
    engine = new SyncEngine({
      provider,
      target: { publish: (secrets) => published.push(secrets) },
      policy: { ...DEFAULT_RETRY_POLICY, retries: 2, minDelayMs: 100, maxDelayMs: 500, attemptTimeoutMs: 3_000, totalTimeoutMs: 8_000 },
      logger: memoryLogger(lines),
      space: 'demo',
    });
  });

  after(async () => {
    provider?.close();
    await cluster?.stop();
  });

  it('syncs through the active node', async () => {
    await engine.sync('manual');
    assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
    assert.equal(engine.snapshot.secrets.API_TOKEN, value);
    assert.equal(provider.address, await cluster.leader());
  });

  it('keeps global.SECRETS unchanged while the active node is dead, and syncs again through another node', async () => {
    killed = provider.address;
    const before = engine.snapshot;
    await cluster.nodes.find((n) => n.url === killed)!.kill();
    // During the election a sync may fail: the snapshot is then the very same object.
    const deadline = Date.now() + 60_000;
    let failures = 0;
    for (;;) {
      await engine.sync('manual');
      if (engine.state.state === 'ok') break;
      failures++;
      assert.equal(engine.snapshot, before, 'a failed sync never changes global.SECRETS');
      assert.ok(Date.now() < deadline, `no sync through another node within 60 s: ${JSON.stringify(engine.state.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.notEqual(provider.address, killed, 'another listed address answered');
    assert.equal(engine.snapshot.secrets.API_TOKEN, value);
    process.stdout.write(`      killed ${killed}; ${failures} failed syncs during the election; now served by ${provider.address}\n`);
  });

  it('sees a change written through the new leader (a standby may serve it a moment later)', async () => {
    const put = await cluster.api('POST', 'secret/data/spaces/demo/API_TOKEN', { body: { data: { value: rotated } } });
    assert.equal(put.status, 200, put.text);
    // Standby nodes answer reads from their own copy of the Raft log, which trails the leader by a little.
    for (let i = 0; i < 20 && engine.snapshot.secrets.API_TOKEN !== rotated; i++) {
      await engine.sync('manual');
      assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
      if (engine.snapshot.secrets.API_TOKEN !== rotated) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(engine.snapshot.secrets.API_TOKEN, rotated);
    assert.ok(published.length >= 2);
  });

  it('never logs a value or the token', () => {
    const all = lines.join('\n');
    for (const secret of [value, rotated, cluster.rootToken]) assert.ok(!all.includes(secret));
  });
});
