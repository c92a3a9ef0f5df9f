// A three-node OpenBao Raft cluster on loopback: kill the active node; syncs go on through the standbys while no leader is elected, and through the new one after.
import assert from 'node:assert/strict';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import type { SecretsObject } from '../../../src/plugin/core/snapshot';
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import { memoryLogger } from '../../helpers/logger';
import { request } from '../../helpers/http';
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
      onPublish: (publication) => published.push(publication.snapshot.secrets),
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

  it('keeps syncing through a standby while the cluster has no leader (OpenBao standbys answer reads), then through the new one', async () => {
    killed = provider.address;
    const standbys = cluster.nodes.filter((n) => n.url !== killed);
    // A standby serves reads once the new mount has settled on it: wait for that, so what follows measures the election.
    for (let i = 0; ; i++) {
      const reads = await Promise.all(standbys.map((n) => request('GET', `${n.url}/v1/secret/metadata/spaces/demo/API_TOKEN`, { headers: { 'x-vault-token': cluster.rootToken } })));
      if (reads.every((r) => r.status === 200)) break;
      assert.ok(i < 120, `the standbys never served the read: ${reads.map((r) => r.status).join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const before = engine.snapshot;
    await cluster.nodes.find((n) => n.url === killed)!.kill();
    // Until a standby names a new leader, the cluster has none: every sync in that time must still succeed.
    const leaderSeen = async (): Promise<string> => {
      const answer = await request('GET', `${standbys[0]!.url}/v1/sys/leader`).catch(() => undefined);
      return (answer?.body as { leader_address?: string } | undefined)?.leader_address ?? '';
    };
    let leaderless = 0;
    for (let i = 0; i < 240 && (await leaderSeen()) === killed; i++) {
      await engine.sync('manual');
      assert.equal(engine.state.state, 'ok', `sync ${leaderless + 1} without a leader: ${JSON.stringify(engine.state.error)}`);
      assert.equal(engine.snapshot, before, 'nothing changed: global.SECRETS is the very same object');
      assert.notEqual(provider.address, killed, 'a standby answered');
      leaderless++;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(leaderless > 0, 'at least one sync ran before a new leader was elected');
    await cluster.leader();
    await engine.sync('manual');
    assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
    assert.equal(engine.snapshot.secrets.API_TOKEN, value);
    process.stdout.write(`      killed ${killed}; ${leaderless} syncs while the cluster had no leader, none failed; now served by ${provider.address}\n`);
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
