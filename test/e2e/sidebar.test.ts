// The Secrets sidebar in real Chromium against a real Node-RED (child process) and the real Secret Manager.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MANAGER_ACTOR } from 'secret-sync-manager';
import { adminAuthSettings } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');

describe('e2e: Secrets sidebar', function () {
  this.timeout(120_000);
  const space = '/v1/spaces/demo/secrets';
  const values = [canary('e2e-token'), canary('e2e-mqtt-user'), canary('e2e-mqtt-pass'), canary('e2e-new')];
  const seenTexts: string[] = [];
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;
  let page: Page;

  /** Records every answer and comms frame the page gets, for the leak check. */
  function record(p: Page): void {
    p.on('response', (response) => {
      void response.text().then(
        (text) => seenTexts.push(`${response.url()}\n${text}`),
        () => undefined,
      );
    });
    p.on('websocket', (ws) => ws.on('framereceived', (frame) => seenTexts.push(String(frame.payload))));
  }

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    await manager.api('POST', space, { body: { name: 'my_api_token', value: values[0] } });
    await manager.api('POST', space, { body: { name: 'MQTT', value: { username: values[1], password: values[2] } } });
    const token = await manager.readToken('demo');
    nr = await spawnNodeRed({
      settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token, interval: '60m', syncOnDeploy: true } },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    record(page);
    await openEditor(page, nr.url, 'admin');
    await openSecretsTab(page);
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('shows the state, the space and the keys with masked values', async () => {
    await page.waitForSelector('.secret-sync-state[data-state="ok"]');
    assert.equal((await page.textContent('.secret-sync-state'))?.trim(), 'Synced');
    assert.equal(await page.textContent('#secret-sync-space'), 'demo');
    assert.equal(await page.textContent('#secret-sync-key-count'), '2');
    await page.waitForSelector('li[data-key="my_api_token"]');
    assert.deepEqual(await page.$$eval('#secret-sync-keys > li', (els) => els.map((e) => e.getAttribute('data-key'))), ['MQTT', 'my_api_token']);
    assert.deepEqual(await page.$$eval('li[data-key="MQTT"] li[data-field]', (els) => els.map((e) => e.getAttribute('data-field'))), ['username', 'password']);
    assert.equal(await page.textContent('li[data-key="my_api_token"] .secret-sync-masked'), '••••••••');
    const copies = await page.$$eval('li[data-key="my_api_token"] > .secret-sync-key-line button[data-copy]', (els) => els.map((e) => e.getAttribute('data-copy')));
    assert.deepEqual(copies, ["global.get('SECRETS').my_api_token", 'SECRETS.my_api_token', '${SECRETS.my_api_token}']);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'sidebar.png') });
  });

  it('"Sync now" shows a spinner, brings a new key and says so', async () => {
    await manager.api('POST', space, { body: { name: 'NEW_KEY', value: values[3] } });
    await page.click('#secret-sync-sync-now');
    await page.waitForSelector('li[data-key="NEW_KEY"]', { timeout: 10_000 });
    await page.waitForSelector('.red-ui-notification:has-text("Secrets synced: 3 keys")');
    assert.equal(await page.textContent('#secret-sync-key-count'), '3');
  });

  it('runs from the editor action secret-sync:sync-now and from the keyboard', async () => {
    const before = await page.textContent('#secret-sync-last-sync');
    await page.evaluate(() => (window as unknown as { RED: { actions: { invoke(name: string): void } } }).RED.actions.invoke('secret-sync:sync-now'));
    await page.waitForSelector('.red-ui-notification:has-text("Secrets synced")');
    await page.focus('#secret-sync-sync-now');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#secret-sync-sync-now')?.getAttribute('aria-busy') === 'false');
    assert.ok(before !== null);
  });

  it('filters keys as you type', async () => {
    await page.fill('#secret-sync-search', 'mqt');
    await page.waitForFunction(() => document.querySelectorAll('#secret-sync-keys > li').length === 1);
    assert.equal(await page.getAttribute('#secret-sync-keys > li', 'data-key'), 'MQTT');
    // A sub-key's name finds its secret, with the matching pair marked.
    await page.fill('#secret-sync-search', 'passw');
    await page.waitForSelector('li[data-key="MQTT"] li.secret-sync-field-match', { timeout: 5_000 });
    assert.equal(await page.$$eval('#secret-sync-keys > li', (els) => els.length), 1);
    assert.equal(await page.getAttribute('#secret-sync-keys > li', 'data-key'), 'MQTT');
    assert.deepEqual(await page.$$eval('li[data-key="MQTT"] li.secret-sync-field-match', (els) => els.map((e) => e.getAttribute('data-field'))), ['password']);
    await page.fill('#secret-sync-search', 'mqtt.user');
    await page.waitForFunction(() => document.querySelector('li[data-key="MQTT"] li.secret-sync-field-match')?.getAttribute('data-field') === 'username');
    await page.fill('#secret-sync-search', 'nothing-like-this');
    await page.waitForSelector('#secret-sync-empty:visible');
    assert.match((await page.textContent('#secret-sync-empty')) ?? '', /No key or sub-key contains "nothing-like-this"/);
    await page.fill('#secret-sync-search', '');
    await page.waitForFunction(() => document.querySelectorAll('#secret-sync-keys > li').length === 3);
  });

  it('keeps an interval change after a reload', async () => {
    await page.selectOption('#secret-sync-interval', '5m');
    await page.waitForSelector('.red-ui-notification:has-text("Sync settings saved")');
    await page.reload();
    await page.waitForSelector('button[data-tab-id="secret-sync"]', { timeout: 20_000 });
    await openSecretsTab(page);
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#secret-sync-interval')?.value === '5m');
    const options = await page.$$eval('#secret-sync-interval option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    assert.deepEqual(options, ['off', 'watch', '1m', '5m', '15m', '30m', '60m', '6h', '12h', '24h']);
  });

  it('gives a read-only user the status with the controls disabled and explained', async () => {
    const context = await browser.newContext();
    const reader = await context.newPage();
    record(reader);
    try {
      await openEditor(reader, nr.url, 'reader');
      await openSecretsTab(reader);
      await reader.waitForSelector('li[data-key="my_api_token"]');
      assert.equal(await reader.isDisabled('#secret-sync-sync-now'), true);
      assert.equal(await reader.isDisabled('#secret-sync-interval'), true);
      assert.equal(await reader.isDisabled('#secret-sync-on-deploy'), true);
      assert.match((await reader.textContent('#secret-sync-readonly')) ?? '', /secret-sync\.write/);
    } finally {
      await context.close();
    }
  });

  it('follows the dark theme with readable contrast', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1400, height: 900 } });
    // The editor's own Appearance setting (User Settings > View), stored locally by the browser.
    await context.addInitScript(() => localStorage.setItem('view-dark-theme', 'dark'));
    const dark = await context.newPage();
    record(dark);
    try {
      await openEditor(dark, nr.url, 'admin');
      await openSecretsTab(dark);
      await dark.waitForSelector('li[data-key="my_api_token"]');
      assert.ok(await dark.evaluate(() => document.documentElement.classList.contains('nr-theme-dark')));
      const ratio = await dark.evaluate(() => {
        const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: number[]): number => {
          const [r, g, b] = c.map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
        };
        const name = document.querySelector('li[data-key="my_api_token"] .secret-sync-key-name') as HTMLElement;
        let el: HTMLElement | null = name;
        let background = 'rgba(0, 0, 0, 0)';
        while (el && (background === 'rgba(0, 0, 0, 0)' || background === 'transparent')) {
          background = getComputedStyle(el).backgroundColor;
          el = el.parentElement;
        }
        const [a, b] = [lum(rgb(getComputedStyle(name).color)), lum(rgb(background))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      });
      assert.ok(ratio >= 4.5, `contrast ${ratio.toFixed(2)} is below WCAG AA`);
      await dark.screenshot({ path: join(SCREENSHOTS, 'sidebar-dark.png') });
    } finally {
      await context.close();
    }
  });

  it('stays responsive with 10,000 keys: one page rendered, more on demand, search narrows', async () => {
    for (let i = 0; i < 9_997; i++) {
      manager.server.secrets.create({ kind: 'space', space: 'demo' }, { name: `BULK_${String(i).padStart(5, '0')}`, value: `bulk-${i}`, description: '' }, MANAGER_ACTOR);
    }
    const started = Date.now();
    await page.click('#secret-sync-sync-now');
    await page.waitForFunction(() => document.querySelector('#secret-sync-key-total')?.textContent === '(10000)', undefined, { timeout: 30_000 });
    console.log(`      10,000 keys: synced and first page shown in ${Date.now() - started} ms`);
    assert.equal(await page.$$eval('#secret-sync-keys > li', (els) => els.length), 200);
    await page.click('#secret-sync-more');
    assert.equal(await page.$$eval('#secret-sync-keys > li', (els) => els.length), 400);
    const searched = Date.now();
    await page.fill('#secret-sync-search', 'BULK_0123');
    await page.waitForFunction(() => document.querySelectorAll('#secret-sync-keys > li').length === 10);
    console.log(`      search over 10,000 keys answered in ${Date.now() - searched} ms (150 ms of it is the typing debounce)`);
    await page.fill('#secret-sync-search', '');
  });

  it('never lets a secret value reach the browser: DOM, HTTP answers, comms frames', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const dom = await page.content();
    for (const value of values) {
      assert.ok(!dom.includes(value), 'the DOM holds a secret value');
      const leak = seenTexts.find((text) => text.includes(value));
      assert.equal(leak, undefined, `a response or frame holds a secret value: ${leak?.split('\n')[0] ?? ''}`);
    }
    assert.ok(seenTexts.some((t) => t.includes('/secret-sync/keys')), 'the recorder saw the keys answers');
  });

  it('removes everything it added when the plugin is removed from the palette', async () => {
    const left = await page.evaluate(() => {
      const red = (window as unknown as { RED: { plugins: { getPlugin(id: string): { onremove(): void } }; actions: { list(): { id: string }[] } } }).RED;
      red.plugins.getPlugin('secret-sync').onremove();
      return {
        tab: document.querySelectorAll('button[data-tab-id="secret-sync"]').length,
        content: document.querySelectorAll('#secret-sync-sidebar').length,
        action: red.actions.list().some((a) => a.id === 'secret-sync:sync-now'),
        css: document.querySelectorAll('link[href*="secret-sync-sidebar.css"]').length,
      };
    });
    assert.deepEqual(left, { tab: 0, content: 0, action: false, css: 0 });
  });
});
