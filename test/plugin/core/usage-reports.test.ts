// Tests for src/plugin/core/usage-reports.ts with the real provider and the real manager: one usage report per start, and another only when the manager asks.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/plugin/core/config';
import { SecretSyncService } from '../../../src/plugin/core/service';
import { createProvider } from '../../../src/providers/registry';
import { delay } from '../../../src/shared/delay';
import { memoryLogger } from '../../helpers/logger';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

const INSTANCE = { id: 'usage-test-node', name: 'usage host', version: '1.0.0' };
const FLOWS = [{ id: 'f1', type: 'function', func: "return global.get('SECRETS').A;" }];

/** Usage reports the manager received from the test instance, from its log (a line per request). */
function reports(m: TestManager): number {
  return m.logs.filter((line) => line.includes(`PUT /v1/spaces/demo/instances/${INSTANCE.id}/usage 204`)).length;
}

/** Waits, in bounded steps, until `count` reports arrived; then a little more, so that a second one would have come too. */
async function settle(m: TestManager, count: number): Promise<void> {
  for (let i = 0; i < 100 && reports(m) < count; i++) await delay(20);
  await delay(200);
}

describe('plugin/core usage reports, against the real manager', function () {
  this.timeout(30_000);
  let m: TestManager;
  let service: SecretSyncService;

  beforeEach(async () => {
    m = await startTestManager();
    await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: 'usage-canary-value-1' } });
    const token = await m.readToken('demo');
    service = new SecretSyncService({
      config: resolveConfig({ url: m.url, space: 'demo', token, interval: '60m' }, {}, () => ''),
      createProvider: (choice) => createProvider({ ...choice, instance: INSTANCE }),
      onPublish: () => undefined,
      preferences: { load: () => undefined, save: () => Promise.resolve() },
      logger: memoryLogger(),
      splay: 0,
    });
  });
  afterEach(async () => {
    await service.stop();
    await m.stop();
  });

  it('sends one report after a start, however many syncs follow, until the manager asks again', async () => {
    // A start as Node-RED runs it: the first sync (the manager asks for a report: it has none), then the flows.
    await service.start();
    service.flowsStarted(FLOWS, () => undefined);
    await settle(m, 1);
    assert.equal(reports(m), 1);
    // The manager asked once, before it had the report: the syncs after it send nothing again.
    for (let i = 0; i < 3; i++) await service.sync('manual');
    await settle(m, 2);
    assert.equal(reports(m), 1, 'one report per start, not two');
    // Forgotten by an admin, the instance is asked again at its next read, and answers.
    assert.equal((await m.api('DELETE', `/v1/spaces/demo/instances/${INSTANCE.id}`)).status, 204);
    await service.sync('manual');
    await service.sync('manual');
    await settle(m, 2);
    assert.equal(reports(m), 2, 'asked again, it sends again, once');
  });

  it('sends one report when the flows start before the first sync has answered', async () => {
    const starting = service.start();
    service.flowsStarted(FLOWS, () => undefined);
    await starting;
    for (let i = 0; i < 3; i++) await service.sync('manual');
    await settle(m, 1);
    assert.equal(reports(m), 1);
  });
});
