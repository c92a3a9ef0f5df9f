// Preferences chosen in the running plugin survive a Node-RED restart (two runtimes on one userDir, in child processes).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { spawnNodeRed } from '../helpers/node-red-child';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('integration: restart keeps preferences', function () {
  this.timeout(60_000);
  let manager: TestManager;
  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: 'restart-value' } });
  });
  after(() => manager.stop());

  it('keeps the interval and sync-on-deploy choices, and a changed settings.js value wins over a stale choice', async () => {
    const token = await manager.readToken('demo');
    const secretSync = { url: manager.url, space: 'demo', token, interval: '60m', syncOnDeploy: true };
    const first = await spawnNodeRed({ settings: { secretSync } });
    const put = await first.admin('PUT', '/secret-sync/preferences', { body: { interval: '5m', syncOnDeploy: false } });
    assert.equal(put.status, 200);
    await first.stop();

    const second = await spawnNodeRed({ userDir: first.userDir, keepFlows: true, settings: { secretSync } });
    const kept = (await second.admin('GET', '/secret-sync/status')).body as { interval: string; syncOnDeploy: boolean; state: string; keyCount: number };
    assert.deepEqual([kept.interval, kept.syncOnDeploy, kept.state, kept.keyCount], ['5m', false, 'ok', 1]);
    await second.stop();

    const third = await spawnNodeRed({ userDir: first.userDir, keepFlows: true, settings: { secretSync: { ...secretSync, interval: '12h' } } });
    const changed = (await third.admin('GET', '/secret-sync/status')).body as { interval: string; syncOnDeploy: boolean };
    assert.deepEqual([changed.interval, changed.syncOnDeploy], ['12h', false], 'the admin changed the interval; the untouched choice stays');
    await third.stop();
    rmSync(first.userDir, { recursive: true, force: true });
  });
});
