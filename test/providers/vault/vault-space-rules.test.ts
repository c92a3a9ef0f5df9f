// Against a real OpenBao dev server: values that are not text and sub-folders are skipped and named, and a missing organization folder is not listed on every poll.
import assert from 'node:assert/strict';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import { ORG_RECHECK_MS, VaultProvider } from '../../../src/providers/vault/vault-provider';
import type { VaultOptions } from '../../../src/providers/vault/vault-options';
import type { FetchResult } from '../../../src/providers/provider';
import { memoryLogger } from '../../helpers/logger';
import { canary } from '../../helpers/manager';
import { countBaoTests, requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';

describe('providers/vault space rules against a real OpenBao dev server', function () {
  this.timeout(60_000);
  countBaoTests(this, 'space-rule');
  let bao: BaoDev;
  const good = canary('vault-good');
  const inFolder = canary('vault-in-sub-folder');
  const base = (): VaultOptions => ({ addresses: [bao.url], space: 'demo', token: bao.rootToken, mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' });

  /** A sync engine over `provider`, as the plugin runs it: what flows would see and the status. */
  function engineOf(provider: VaultProvider, lines: string[] = []): SyncEngine {
    return new SyncEngine({ provider, policy: { ...DEFAULT_RETRY_POLICY, retries: 0 }, logger: memoryLogger(lines), space: 'demo' });
  }

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
  });

  after(async () => bao?.stop());

  describe('a value that is not text (a number or a boolean, as JSON writes them) is skipped and named, in both layouts', () => {
    const expectSkipped = (engine: SyncEngine): void => {
      assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
      assert.deepEqual({ ...engine.snapshot.secrets }, { GOOD: good }, 'neither "1883" nor 1883 reaches flows');
      const reasons = Object.fromEntries(engine.state.skippedKeys.map((s) => [s.key, s.reason]));
      assert.deepEqual(Object.keys(reasons).sort(), ['BROKER', 'FLAG', 'PORT']);
      assert.match(reasons.PORT!, /a number, not text/);
      assert.match(reasons.FLAG!, /a boolean, not text/);
      assert.match(reasons.BROKER!, /pair 'port' is a number, not text/);
      assert.equal(engine.state.skippedKeyCount, 3);
    };

    it('folder layout', async () => {
      await bao.put('spaces/numbers/GOOD', { value: good });
      await bao.put('spaces/numbers/PORT', { value: 1883 });
      await bao.put('spaces/numbers/FLAG', { value: true });
      await bao.put('spaces/numbers/BROKER', { host: 'broker.local', port: 1883 });
      const provider = new VaultProvider({ ...base(), space: 'numbers', orgPath: '' });
      const engine = engineOf(provider);
      await engine.sync('manual');
      expectSkipped(engine);
      provider.close();
    });

    it('entry layout', async () => {
      await bao.put('spaces/numbers-entry', { GOOD: good, PORT: 1883, FLAG: true, BROKER: { host: 'broker.local', port: 1883 } });
      const provider = new VaultProvider({ ...base(), space: 'numbers-entry', layout: 'entry' });
      const engine = engineOf(provider);
      await engine.sync('manual');
      expectSkipped(engine);
      provider.close();
    });
  });

  it('names a sub-folder of the space in skippedKeys ("a folder, not a key"), also when it appears after the first sync', async () => {
    await bao.put('spaces/nested/GOOD', { value: good });
    await bao.put('spaces/_org/ORG_KEY', { value: 'org-value' });
    const provider = new VaultProvider({ ...base(), space: 'nested' });
    const lines: string[] = [];
    const engine = engineOf(provider, lines);
    await engine.sync('manual');
    assert.equal(engine.state.skippedKeyCount, 0);
    await bao.put('spaces/nested/sub/INNER', { value: inFolder });
    await bao.put('spaces/_org/team/ORG_INNER', { value: inFolder });
    // Nothing else changed: the new folders alone must make the poll report them.
    await engine.sync('manual');
    assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
    assert.deepEqual({ ...engine.snapshot.secrets }, { GOOD: good, ORG_KEY: 'org-value' });
    const skipped = Object.fromEntries(engine.state.skippedKeys.map((s) => [s.key, s.reason]));
    assert.deepEqual(Object.keys(skipped).sort(), ['sub/', 'team/']);
    assert.match(skipped['sub/']!, /a folder, not a key/);
    assert.match(skipped['team/']!, /a folder, not a key/);
    assert.ok(lines.some((l) => l.startsWith('warn:') && l.includes('sub/')), 'the log names it');
    assert.ok(!lines.join('\n').includes(inFolder), 'what is inside is never read');
    provider.close();
  });

  it('lists a missing organization folder (404) once, not on every poll, and still picks up one created later', async () => {
    const count = 20;
    for (let i = 0; i < count; i++) await bao.put(`noorg/demo/K${i}`, { value: `v${i}` });
    let now = Date.parse('2026-03-01T10:00:00Z');
    const provider = new VaultProvider({ ...base(), pathPrefix: 'noorg', now: () => now });
    const first = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
    assert.equal(first.status, 'changed');
    const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
    let last: FetchResult | undefined;
    const poll = async (): Promise<{ requests: number; status: string }> => {
      const before = provider.requests;
      last = await provider.fetch({ etag, signal: AbortSignal.timeout(10_000) });
      return { requests: provider.requests - before, status: last.status };
    };
    // LIST of the space and one metadata read per key: no organization LIST.
    assert.deepEqual(await poll(), { requests: 1 + count, status: 'unchanged' });
    now += 60_000;
    assert.deepEqual(await poll(), { requests: 1 + count, status: 'unchanged' });
    await bao.put('noorg/_org/LATE', { value: 'late-org-value' });
    now += ORG_RECHECK_MS;
    const late = await poll();
    assert.equal(late.status, 'changed', 'the organization folder created later is picked up');
    assert.equal(late.requests, 1 + 1 + count + 1 + 1, 'space LIST, org LIST, metadata of every key and of LATE, data of LATE');
    assert.equal(last?.status === 'changed' ? (last.secrets as Record<string, unknown>).LATE : undefined, 'late-org-value');
    provider.close();
  });
});
