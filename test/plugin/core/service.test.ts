// Tests for src/plugin/core/service.ts: startup wait, deploy trigger, preferences, unconfigured state; scripted provider, fake timers.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { FetchResult, SecretProvider } from '../../../src/providers/provider';
import { resolveConfig } from '../../../src/plugin/core/config';
import type { Publication } from '../../../src/plugin/core/publication';
import type { SavedPreferences } from '../../../src/plugin/core/preferences';
import { SecretSyncService } from '../../../src/plugin/core/service';
import type { ServiceDeps } from '../../../src/plugin/core/service';
import { memoryLogger } from '../../helpers/logger';
import { delay } from '../../../src/shared/delay';
import { SyncError } from '../../../src/shared/sync-error';
import { STATUS_LIST_MAX } from '../../../src/shared/contract';
import type { SyncStatus } from '../../../src/shared/contract';

const settings = { url: 'http://127.0.0.1:9', space: 'demo', token: 't', interval: '60m' };

function provider(fetch: () => Promise<FetchResult>): SecretProvider & { calls: number } {
  const p = {
    name: 'scripted',
    calls: 0,
    fetch: () => {
      p.calls++;
      return fetch();
    },
  };
  return p;
}

function build(overrides: Partial<ServiceDeps> & { fetch?: () => Promise<FetchResult> } = {}): {
  service: SecretSyncService;
  holder: Record<string, unknown>;
  published: Publication[];
  saved: SavedPreferences[];
  source: ReturnType<typeof provider>;
} {
  // What the runtime bridge does with a publication, as far as flows see it: global.SECRETS.
  const holder: Record<string, unknown> = {};
  const published: Publication[] = [];
  const saved: SavedPreferences[] = [];
  let version = 0;
  const source = provider(overrides.fetch ?? (() => Promise.resolve({ status: 'changed', version: ++version, etag: null, secrets: { A: `v${version}` } })));
  const service = new SecretSyncService({
    config: resolveConfig(settings, {}, () => ''),
    createProvider: () => source,
    onPublish: (p) => {
      published.push(p);
      holder.SECRETS = p.snapshot.secrets;
    },
    preferences: { load: () => undefined, save: (v) => Promise.resolve(void saved.push(v)) },
    logger: memoryLogger(),
    splay: 0,
    startupWaitMs: 2_000,
    ...overrides,
  });
  return { service, holder, published, saved, source };
}

describe('plugin/service', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2026-03-01T10:00:00.000Z') });
  });
  afterEach(() => clock.restore());

  it('publishes before start() resolves when the manager answers in time', async () => {
    const { service, holder } = build();
    await service.start();
    assert.deepEqual({ ...(holder.SECRETS as object) }, { A: 'v1' });
    assert.equal(service.status().nextSyncAt, '2026-03-01T11:00:00.000Z');
    await service.stop();
  });

  it('stops waiting for a slow first sync after the bound, and publishes when it lands', async () => {
    let answer: (r: FetchResult) => void = () => undefined;
    const { service, holder } = build({ fetch: () => new Promise((r) => (answer = r)) });
    const started = service.start();
    await clock.tickAsync(2_000);
    await started;
    // Before the first sync lands, flows read an empty frozen object (reads answer undefined, never throw).
    const empty = holder.SECRETS as object;
    assert.deepEqual([Object.keys(empty), Object.isFrozen(empty), Object.getPrototypeOf(empty)], [[], true, null]);
    answer({ status: 'changed', version: 1, etag: null, secrets: { LATE: 'x' } });
    await clock.tickAsync(0);
    assert.deepEqual(Object.keys((holder as Record<string, object>).SECRETS ?? {}), ['LATE']);
    await service.stop();
  });

  it('ignores the startup flows:started and syncs on every later one while sync on deploy is on', async () => {
    const { service, source } = build();
    await service.start();
    assert.equal(source.calls, 1);
    const noCredentials = (): undefined => undefined;
    service.flowsStarted([], noCredentials);
    await clock.tickAsync(0);
    assert.equal(source.calls, 1, 'the startup start is not a deploy');
    service.flowsStarted([], noCredentials);
    await clock.tickAsync(0);
    assert.equal(source.calls, 2);
    await service.setPreferences({ syncOnDeploy: false });
    service.flowsStarted([], noCredentials);
    await clock.tickAsync(0);
    assert.equal(source.calls, 2);
    await service.stop();
  });

  it('reschedules on an interval change and persists the choice', async () => {
    const { service, source, saved } = build();
    await service.start();
    const status = await service.setPreferences({ interval: '5m' });
    assert.equal(status.interval, '5m');
    assert.equal(status.nextSyncAt, '2026-03-01T10:05:00.000Z');
    assert.deepEqual(saved.at(-1), { interval: { value: '5m', base: '60m' } });
    await clock.tickAsync(15 * 60_000);
    assert.equal(source.calls, 1 + 3);
    await service.setPreferences({ interval: 'off' });
    await clock.tickAsync(60 * 60_000);
    assert.equal(source.calls, 4);
    assert.equal(service.status().nextSyncAt, null);
    await service.stop();
    assert.equal(clock.countTimers(), 0);
  });

  it('reports unconfigured without a provider and never syncs', async () => {
    let created = 0;
    const service = new SecretSyncService({
      config: resolveConfig({ space: 'demo' }, {}, () => ''),
      createProvider: () => {
        created++;
        throw new Error('unreachable');
      },
      onPublish: () => undefined,
      preferences: { load: () => undefined, save: () => Promise.resolve() },
      logger: memoryLogger(),
      splay: 0,
    });
    await service.start();
    const status = await service.sync('manual');
    assert.equal(status.state, 'unconfigured');
    assert.equal(status.space, 'demo');
    assert.match(status.error?.message ?? '', /secretSync\.url/);
    assert.equal(created, 0);
    assert.deepEqual(service.keys(), []);
  });

  it('hands one publication per successful sync to onPublish (the empty one first, an unchanged sync too) and reads the status from it', async () => {
    let answer: FetchResult = { status: 'changed', version: 1, etag: '"e1"', secrets: { A: 'a-value', SHORT: 'x' } };
    const { service, published } = build({ fetch: () => Promise.resolve(answer) });
    assert.deepEqual(published.map((p) => p.snapshot.keys.length), [0], 'the empty secrets, before the first sync');
    await service.start();
    answer = { status: 'unchanged' };
    await service.sync('manual');
    assert.equal(published.length, 3);
    assert.equal(published[2]?.snapshot, published[1]?.snapshot, 'an unchanged sync hands the same secrets again');
    assert.equal(service.publication(), published[2]);
    assert.deepEqual(service.status().unmaskedKeys, ['SHORT']);
    await service.stop();
  });

  it('publishes nothing and never syncs when no publication can be taken (no functionGlobalContext)', async () => {
    const { service, published, source } = build({ publishProblem: new SyncError('settings_missing', 'settings.js has no functionGlobalContext', { field: 'functionGlobalContext' }) });
    await service.start();
    const status = await service.sync('manual');
    assert.deepEqual([status.state, status.error?.code, source.calls, published.length], ['error', 'settings_missing', 0, 0]);
  });

  it('sends the deployed flows\' key usage after a start of the flows, and again after a good sync when the provider asks', async () => {
    const reports: unknown[] = [];
    let asked = false;
    const source = provider(() => Promise.resolve({ status: 'changed', version: 1, etag: null, secrets: { A: 'a-value' } }));
    const fleet: SecretProvider = {
      ...source,
      fetch: source.fetch,
      reportUsage: (usage) => Promise.resolve(void reports.push(usage)),
      takeUsageRequest: () => {
        const was = asked;
        asked = false;
        return was;
      },
    };
    const { service } = build({ createProvider: () => fleet });
    await service.start();
    const flows = [{ id: 'f1', type: 'function', func: "return global.get('SECRETS').A;" }];
    service.flowsStarted(flows, () => undefined);
    await clock.tickAsync(0);
    assert.deepEqual(reports, [[{ key: 'A', nodes: 1 }]]);
    await service.sync('manual');
    await clock.tickAsync(0);
    assert.equal(reports.length, 1, 'the same usage is not sent again');
    asked = true;
    await service.sync('manual');
    await clock.tickAsync(0);
    assert.equal(reports.length, 2, 'sent again when the provider asked');
    await service.stop();
  });

  it('shows a refused long poll as a degraded watch while the secrets stay ok, pushes it, and clears it when a poll is accepted', async () => {
    let refusals = 2;
    const source = provider(() => Promise.resolve({ status: 'changed', version: 1, etag: null, secrets: { A: 'a-value' } }));
    const watching: SecretProvider = {
      ...source,
      fetch: source.fetch,
      waitForChange: async (_version, seconds, signal) => {
        if (refusals-- > 0) {
          throw new SyncError('server_error', 'the Secret Manager at http://m refused the long poll (HTTP 503, too_many_waiters)', {
            retryable: true,
            httpStatus: 503,
            retryAfterMs: 5_000,
            reason: 'too_many_waiters',
          });
        }
        await delay(seconds * 1000, signal);
        return undefined;
      },
    };
    const { service } = build({ createProvider: () => watching });
    const pushed: SyncStatus[] = [];
    service.on('status', (status) => pushed.push(status));
    await service.start();
    assert.equal(service.status().watch, null, 'no watch while the interval is a schedule');
    await service.setPreferences({ interval: 'watch' });
    await clock.tickAsync(0);
    const degraded = service.status();
    assert.equal(degraded.state, 'ok', 'good secrets are still ok');
    assert.equal(degraded.error, null);
    assert.equal(degraded.watch?.state, 'degraded');
    assert.equal(degraded.watch?.code, 'too_many_waiters');
    assert.equal(degraded.watch?.nextRetryAt, '2026-03-01T10:00:05.000Z', "the server's Retry-After");
    assert.ok(pushed.some((s) => s.watch?.state === 'degraded'), 'the degraded watch is pushed to the editor');
    await clock.tickAsync(5_000 + 10_000 + 1_000);
    assert.equal(service.status().watch?.state, 'live');
    assert.equal(pushed.at(-1)?.watch?.state, 'live');
    await service.setPreferences({ interval: '60m' });
    assert.equal(service.status().watch, null);
    await service.stop();
  });

  it('names at most STATUS_LIST_MAX skipped and unmasked keys in the status, with the full counts beside them', async () => {
    const secrets: Record<string, string> = {};
    for (let i = 0; i < 250; i++) secrets[`short_${String(i).padStart(3, '0')}`] = 'x';
    for (let i = 0; i < 300; i++) secrets[`bad key ${i}`] = 'long enough value';
    const { service } = build({ fetch: () => Promise.resolve({ status: 'changed', version: 1, etag: null, secrets }) });
    await service.start();
    const status = service.status();
    assert.equal(status.keyCount, 250);
    assert.equal(status.skippedKeys.length, STATUS_LIST_MAX);
    assert.equal(status.skippedKeyCount, 300);
    assert.equal(status.unmaskedKeys.length, STATUS_LIST_MAX);
    assert.equal(status.unmaskedKeys[0], 'short_000');
    assert.equal(status.unmaskedKeyCount, 250);
    await service.stop();
  });

  it('lists keys masked, filtered case-insensitively by key and sub-key', async () => {
    const { service } = build({ fetch: () => Promise.resolve({ status: 'changed', version: 1, etag: null, secrets: { my_api_token: 'x', MQTT: { user: 'u' } } }) });
    await service.start();
    assert.deepEqual(service.keys('api'), [{ key: 'my_api_token', masked: '••••••••' }]);
    // A sub-key's name finds its secret (with all its sub-keys), also written as KEY.field.
    for (const q of ['USE', 'mqtt.user', 'T.U']) assert.deepEqual(service.keys(q), [{ key: 'MQTT', masked: '••••••••', fields: ['user'] }], q);
    assert.deepEqual(service.keys(), [
      { key: 'MQTT', masked: '••••••••', fields: ['user'] },
      { key: 'my_api_token', masked: '••••••••' },
    ]);
    await service.stop();
  });
});
