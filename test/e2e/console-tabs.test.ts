// The console's tabs in Chromium: a slow tab never shows under another (loading state, no stale "+ New key"), ARIA tabs with arrow keys, "New space…".
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page, Request } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { closeDialogs, focused, openSpace, signInConsole } from '../helpers/console';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('e2e: console tabs', function () {
  this.timeout(120_000);
  let manager: TestManager;
  let browser: Browser;
  let page: Page;

  const names = async (scope: string): Promise<string[]> => ((await manager.api('GET', `${scope}/meta`)).body as { secrets: { name: string }[] }).secrets.map((s) => s.name);
  const rowKeys = (): Promise<string[]> => page.$$eval('#secrets tr[data-key]', (rows) => rows.map((row) => row.getAttribute('data-key') ?? ''));

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    await manager.api('POST', '/v1/org/secrets', { body: { name: 'ORG_ONLY', value: 'o' } });
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'SPACE_ONLY', value: 's' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInConsole(page, manager.url, manager.adminToken);
  });

  afterEach(() => closeDialogs(page));

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  it('puts the focus on the selected tab after sign-in, not on <body>', async () => {
    await page.waitForSelector('#secrets');
    assert.equal(await focused(page), 'button#tab-space Space');
  });

  it('never shows a slow Organization answer under the Space tab, shows a loading state, and "+ New key" there creates a space key', async () => {
    await openSpace(page, 'demo', 'SPACE_ONLY');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let settled: (request: Request) => void = () => undefined;
    const orgDone = new Promise<Request>((resolve) => (settled = resolve));
    const isOrg = (request: Request): boolean => request.url().endsWith('/v1/org/secrets/meta');
    page.on('requestfinished', (r) => isOrg(r) && settled(r));
    page.on('requestfailed', (r) => isOrg(r) && settled(r));
    await page.route('**/v1/org/secrets/meta', async (route) => {
      await held;
      // The console may have given up on it: then there is nothing left to answer.
      await route.continue().catch(() => undefined);
    });
    try {
      await page.click('#tab-org');
      await page.waitForSelector('#content[aria-busy="true"]');
      assert.deepEqual(await rowKeys(), [], 'the previous table is not left under the new tab');
      await page.click('#tab-space');
      await page.waitForSelector('tr[data-key="SPACE_ONLY"]');
      release();
      await orgDone;
      // Let the late answer reach the page's code before looking.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
      assert.equal(await page.getAttribute('#tab-space', 'aria-selected'), 'true');
      assert.deepEqual(await rowKeys(), ['SPACE_ONLY'], 'the Space tab shows the space');
      await page.click('#new-key');
      await page.fill('#secret-name', 'MADE_IN_SPACE_TAB');
      await page.fill('#secret-value', 'v');
      await page.click('#dialog-save');
      await page.waitForSelector('tr[data-key="MADE_IN_SPACE_TAB"]');
      assert.ok((await names('/v1/spaces/demo/secrets')).includes('MADE_IN_SPACE_TAB'));
      assert.ok(!(await names('/v1/org/secrets')).includes('MADE_IN_SPACE_TAB'), 'not an organization secret');
    } finally {
      release();
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });

  it('gives the tabs ARIA roles and arrow keys (roving focus)', async () => {
    const tabs = await page.$$eval('[role="tablist"] > [role="tab"]', (els) => els.map((el) => [el.id, el.getAttribute('aria-controls'), el.getAttribute('tabindex')]));
    assert.deepEqual(tabs.map(([id]) => id), ['tab-org', 'tab-space', 'tab-tokens', 'tab-audit']);
    assert.ok(tabs.every(([, controls]) => controls === 'content'));
    assert.deepEqual(tabs.map(([, , index]) => index), ['-1', '0', '-1', '-1'], 'only the selected tab is a tab stop');
    assert.equal(await page.getAttribute('#content', 'role'), 'tabpanel');
    assert.equal(await page.getAttribute('#content', 'aria-labelledby'), 'tab-space');
    await page.focus('#tab-space');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'button#tab-tokens Tokens');
    assert.equal(await page.getAttribute('#tab-tokens', 'aria-selected'), 'true');
    await page.waitForSelector('#create-token');
    await page.keyboard.press('End');
    assert.equal(await focused(page), 'button#tab-audit Audit');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'button#tab-org Organization', 'wraps around');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    assert.equal(await focused(page), 'button#tab-org Organization');
    await page.waitForSelector('tr[data-key="ORG_ONLY"]');
    assert.equal(await page.getAttribute('#content', 'aria-labelledby'), 'tab-org');
  });

  it('"New space…": Cancel restores the previous space, an invalid name is refused and never stays as an option', async () => {
    await openSpace(page, 'demo', 'SPACE_ONLY');
    await page.selectOption('#space-select', '');
    await page.waitForSelector('#new-space-dialog[open]');
    await page.click('#new-space-dialog >> text=Cancel');
    await page.waitForSelector('#new-space-dialog', { state: 'detached' });
    assert.equal(await page.inputValue('#space-select'), 'demo');
    await page.waitForSelector('tr[data-key="SPACE_ONLY"]');

    await page.selectOption('#space-select', '');
    await page.fill('#new-space-name', 'not a name!');
    await page.click('#new-space-save');
    await page.waitForSelector('#new-space-dialog .error:has-text("letters")');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#new-space-dialog', { state: 'detached' });
    assert.equal(await page.inputValue('#space-select'), 'demo');
    const options = await page.$$eval('#space-select option', (els) => els.map((el) => (el as HTMLOptionElement).value));
    assert.deepEqual(options, ['demo', ''], 'no invalid option left behind');

    await page.selectOption('#space-select', '');
    await page.fill('#new-space-name', 'fresh');
    await page.click('#new-space-save');
    await page.waitForSelector('#secrets td:has-text("No secrets here yet")');
    assert.equal(await page.inputValue('#space-select'), 'fresh');
  });
});
