// The Secrets sidebar in real Chromium while the real manager refuses the plugin's long polls (every slot held by another token), and after.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adminAuthSettings } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { holdLongPoll, untilSlotsTaken } from '../helpers/long-poll-hog';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

describe('e2e: Secrets sidebar, degraded watch', function () {
  this.timeout(150_000);
  const hog = new AbortController();
  let held: Promise<void> | undefined;
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;
  let page: Page;

  before(async function () {
    requireBrowser(this);
    // One long-poll slot for the whole manager, taken by another space's token before Node-RED starts.
    manager = await startTestManager({ limits: { maxWaiters: 1 } });
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'my_api_token', value: canary('e2e-watch') } });
    const token = await manager.readToken('demo');
    held = holdLongPoll(manager.url, await manager.readToken('other'), 'other', hog.signal);
    await untilSlotsTaken(manager.url, token, 'demo');
    nr = await spawnNodeRed({ settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token, interval: 'watch', syncOnDeploy: false } } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openEditor(page, nr.url, 'admin');
    await openSecretsTab(page);
  });

  after(async () => {
    hog.abort();
    await held;
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('says in plain words that instant updates are paused and why, while the state stays Synced', async () => {
    await page.waitForSelector('#secret-sync-watch', { state: 'visible', timeout: 20_000 });
    assert.equal(await page.getAttribute('.secret-sync-state', 'data-state'), 'ok');
    const text = (await page.textContent('#secret-sync-watch')) ?? '';
    assert.match(text, /Instant updates paused: the Secret Manager has no free long-poll slot\./);
    assert.match(text, /Secrets sync at each retry of the long poll; next .+\. Paused since .+\./);
    assert.match(text, /Code: too_many_waiters · refused in a row: \d+/);
    assert.match((await page.textContent('#secret-sync-next-sync')) ?? '', /next long-poll try .+ \(watch paused\)/);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'sidebar-watch-degraded.png') });
  });

  it('clears the notice once the manager accepts a long poll again', async () => {
    hog.abort();
    await held;
    // The next try comes at most a minute later (the backoff's cap), then a short poll decides.
    await page.waitForSelector('#secret-sync-watch', { state: 'hidden', timeout: 75_000 });
    assert.equal(await page.getAttribute('.secret-sync-state', 'data-state'), 'ok');
    assert.equal(await page.textContent('#secret-sync-next-sync'), 'on every change (watch)');
  });
});
