// The console at 1024×700 with long strings (a 600-character description without spaces, a 128-character key, a 200-character instance name): never wider than the viewport.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { closeDialogs, fakeInstance, fitsViewport, openOrg, openSpace, signInConsole } from '../helpers/console';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('e2e: console layout with long strings', function () {
  this.timeout(120_000);
  const longKey = `K${'x'.repeat(127)}`;
  const longDescription = 'D'.repeat(600);
  const longInstance = 'I'.repeat(200);
  let manager: TestManager;
  let browser: Browser;
  let page: Page;

  /** The page fits the viewport, and each of `selectors` is on screen (its right edge within the viewport). */
  async function assertFits(where: string, selectors: string[] = []): Promise<void> {
    const { scroll, viewport } = await fitsViewport(page);
    assert.ok(scroll <= viewport, `${where}: the page is ${scroll} px wide in a ${viewport} px viewport`);
    for (const selector of selectors) {
      const box = await page.locator(selector).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= viewport, `${where}: ${selector} is off screen (${JSON.stringify(box)})`);
    }
  }

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    // The signed-in token's description is long too: it is shown in the header.
    const admin = await manager.api('POST', '/v1/tokens', { body: { role: 'admin', description: longDescription } });
    for (const scope of ['/v1/spaces/demo/secrets', '/v1/org/secrets']) {
      assert.equal((await manager.api('POST', scope, { body: { name: longKey, value: 'v', description: longDescription } })).status, 201);
      assert.equal((await manager.api('POST', scope, { body: { name: 'SHORT', value: 'v', description: 'short' } })).status, 201);
    }
    await fakeInstance(manager, 'demo', 'inst-long', longInstance, [{ key: longKey, nodes: 3 }]);
    await manager.api('POST', '/v1/tokens', { body: { space: 'demo', description: longDescription } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await signInConsole(page, manager.url, (admin.body as { token: string }).token);
  });

  afterEach(() => closeDialogs(page));

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  const actions = [`tr[data-key="${longKey}"] button[aria-label="Edit ${longKey}"]`, `tr[data-key="${longKey}"] button[aria-label="Delete ${longKey}"]`];

  it('Space tab: the table, its Edit and Delete, the fleet with a long instance name', async () => {
    await openSpace(page, 'demo', longKey);
    await page.waitForSelector('#fleet tr[data-instance="inst-long"]');
    await assertFits('space', [...actions, '#fleet tr[data-instance="inst-long"] button[title="Forget"]', '#signout']);
  });

  it('Organization tab', async () => {
    await openOrg(page, longKey);
    await assertFits('org', actions);
  });

  it('the edit, delete (with its in-use warning) and forget dialogs', async () => {
    await openSpace(page, 'demo', longKey);
    await page.click(actions[0]!);
    await page.waitForSelector('dialog[open]');
    await assertFits('edit dialog', ['#dialog-save']);
    await page.keyboard.press('Escape');
    await page.click(actions[1]!);
    await page.click('#delete-confirm');
    await page.waitForSelector('#in-use-warning');
    await assertFits('delete dialog', ['#delete-confirm', '#dialog-cancel']);
    await page.keyboard.press('Escape');
    await page.click('#fleet tr[data-instance="inst-long"] button[title="Forget"]');
    await page.waitForSelector('#forget-message');
    await assertFits('forget dialog', ['#forget-confirm']);
    await page.keyboard.press('Escape');
  });

  it('Tokens and Audit tabs', async () => {
    await page.click('#tab-tokens');
    await page.waitForSelector('#tokens tr');
    await assertFits('tokens', ['#tokens tr button']);
    await page.click('#tab-audit');
    await page.waitForSelector('#audit tr');
    await assertFits('audit');
  });
});
