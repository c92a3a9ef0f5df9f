// The console's dialogs and words in Chromium: safe focus on destructive dialogs, focus after each action, search, plain network errors, German sign-in, plurals.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { closeDialogs, fakeInstance, focused, openSpace, signInConsole } from '../helpers/console';
import { request } from '../helpers/http';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('e2e: console dialogs, focus and words', function () {
  this.timeout(120_000);
  let manager: TestManager;
  let browser: Browser;
  let page: Page;
  let readToken: string;

  const activeId = (): Promise<string | undefined> => page.evaluate(() => document.activeElement?.id);
  const exists = async (name: string): Promise<boolean> =>
    ((await manager.api('GET', '/v1/spaces/demo/secrets/meta')).body as { secrets: { name: string }[] }).secrets.some((s) => s.name === name);

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    for (const name of ['KEEP_ME', 'IN_USE']) await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name, value: `${name}-value` } });
    await fakeInstance(manager, 'demo', 'vm-1', 'vm', [{ key: 'IN_USE', nodes: 1 }]);
    const read = await manager.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'line 7' } });
    readToken = (read.body as { token: string }).token;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInConsole(page, manager.url, manager.adminToken);
    await openSpace(page, 'demo', 'KEEP_ME');
  });

  afterEach(() => closeDialogs(page));

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  it('opens Delete on Cancel: Enter keeps the secret; the delete button is a trash icon with an accessible name', async () => {
    const trash = page.locator('tr[data-key="KEEP_ME"] button[aria-label="Delete KEEP_ME"]');
    assert.equal(await trash.locator('svg').count(), 1, 'an icon');
    assert.equal((await trash.textContent())?.trim(), '', 'no ✕ text');
    await trash.click();
    await page.waitForSelector('dialog[open] #delete-message');
    assert.equal(await focused(page), 'button#dialog-cancel Cancel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    assert.ok(await exists('KEEP_ME'));
  });

  it('names each instance in the in-use warning with its space and node count in words ("1 node")', async () => {
    await page.click('tr[data-key="IN_USE"] button[aria-label="Delete IN_USE"]');
    await page.click('#delete-confirm');
    await page.waitForSelector('#in-use-warning');
    assert.match((await page.textContent('#in-use-warning')) ?? '', /is used by 1 node in 1 instance: vm \(space demo, 1 node\)\./);
    assert.equal(await activeId(), 'dialog-cancel', 'the second confirmation opens on Cancel too');
    await page.keyboard.press('Escape');
  });

  it('opens Forget on Cancel', async () => {
    await page.click('#fleet tr[data-instance="vm-1"] button[title="Forget"]');
    await page.waitForSelector('#forget-message');
    assert.equal(await focused(page), 'button#dialog-cancel Cancel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    await page.waitForSelector('#fleet tr[data-instance="vm-1"]');
  });

  it('puts the focus on the new row after Create, on its row after Save, on "+ New key" after Delete', async () => {
    await page.click('#new-key');
    await page.fill('#secret-name', 'FOCUS_ME');
    await page.fill('#secret-value', 'v');
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="FOCUS_ME"]');
    assert.equal(await focused(page), 'button Edit FOCUS_ME');

    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open] #secret-description');
    await page.fill('#secret-description', 'focused');
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="FOCUS_ME"] td:has-text("focused")');
    assert.equal(await focused(page), 'button Edit FOCUS_ME');

    await page.click('tr[data-key="FOCUS_ME"] button[aria-label="Delete FOCUS_ME"]');
    await page.click('#delete-confirm');
    await page.waitForSelector('tr[data-key="FOCUS_ME"]', { state: 'detached' });
    assert.equal(await focused(page), 'button#new-key + New key');
  });

  it('shows the read-only key as read-only, out of the tab order', async () => {
    await page.click('tr[data-key="KEEP_ME"] button[aria-label="Edit KEEP_ME"]');
    await page.waitForSelector('dialog[open] #secret-name');
    const key = await page.$eval('#secret-name', (el) => {
      const input = el as HTMLInputElement;
      const desc = document.getElementById('secret-description') as HTMLInputElement;
      return { readOnly: input.readOnly, tabIndex: input.tabIndex, differs: getComputedStyle(input).backgroundColor !== getComputedStyle(desc).backgroundColor };
    });
    assert.deepEqual(key, { readOnly: true, tabIndex: -1, differs: true });
    assert.notEqual(await activeId(), 'secret-name', 'the dialog does not open on it');
    await page.keyboard.press('Escape');
  });

  it('says when a search matches nothing, and keeps the search after an edit', async () => {
    await page.fill('#search', 'zzz');
    assert.equal(await page.textContent('#secrets td'), 'No secrets match “zzz”.');
    await page.fill('#search', 'KEEP');
    await page.click('tr[data-key="KEEP_ME"] button[aria-label="Edit KEEP_ME"]');
    await page.fill('#secret-description', 'edited with a search');
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="KEEP_ME"] td:has-text("edited with a search")');
    assert.equal(await page.inputValue('#search'), 'KEEP');
    assert.equal(await page.locator('tr[data-key="IN_USE"]').count(), 0, 'still filtered');
    await page.fill('#search', '');
  });

  it('says a network error in plain words, not "Failed to fetch"', async () => {
    await page.route('**/v1/spaces/demo/secrets', (route) => route.abort('connectionrefused'));
    try {
      await page.click('#new-key');
      await page.fill('#secret-name', 'OFFLINE');
      await page.fill('#secret-value', 'v');
      await page.click('#dialog-save');
      await page.waitForSelector('#dialog-error:not(:empty)');
      const text = (await page.textContent('#dialog-error')) ?? '';
      assert.doesNotMatch(text, /fetch/i);
      assert.match(text, /could not reach the Secret Manager/);
      assert.equal(await page.isEnabled('#dialog-save'), true, 'the user can try again');
      await page.keyboard.press('Escape');
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });

  it('asks before revoking a token, on Cancel; revokes after the confirmation', async () => {
    await page.click('#tab-tokens');
    const revoke = 'tr[data-token] button[aria-label="Revoke line 7"]';
    await page.click(revoke);
    await page.waitForSelector('#confirm-dialog[open]');
    assert.equal(await activeId(), 'confirm-cancel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    assert.equal((await request('GET', `${manager.url}/v1/spaces/demo/secrets`, { token: readToken })).status, 200, 'not revoked');
    await page.click(revoke);
    await page.click('#confirm-ok');
    await page.waitForSelector('tr[data-token]:has-text("line 7"):has-text("revoked")');
    assert.equal((await request('GET', `${manager.url}/v1/spaces/demo/secrets`, { token: readToken })).status, 401);
  });

  it('says a failed sign-in in German in a German browser', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const german = await context.newPage();
    await german.goto(manager.url);
    await german.fill('#token', 'ssm_not-a-token-at-all');
    await german.click('#signin');
    await german.waitForSelector('#signin-error:not(:empty)');
    assert.equal(await german.textContent('#signin-error'), 'Dieses Token ist unbekannt oder widerrufen.');
    await context.close();
  });
});
