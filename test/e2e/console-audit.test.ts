// The console's Audit tab in Chromium: older entries with "Show older", filters by who / what / key, "What" in words (both languages), folded counts.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { signInConsole } from '../helpers/console';
import { flood } from '../helpers/flood';
import { request } from '../helpers/http';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('e2e: console Audit tab', function () {
  this.timeout(120_000);
  let manager: TestManager;
  let browser: Browser;
  let page: Page;

  const rows = (): Promise<string[]> => page.$$eval('#audit tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
  const openAudit = async (p: Page): Promise<void> => {
    await p.click('#tab-audit');
    await p.waitForSelector('#audit tr');
  };

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    const alice = ((await manager.api('POST', '/v1/tokens', { body: { role: 'admin', description: 'Alice' } })).body as { token: string }).token;
    // 210 changes by Alice: more than one page of 200.
    const statuses = await flood(manager.url, 210, (i) => ({
      method: 'POST',
      path: '/v1/spaces/demo/secrets',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `BULK_${String(i).padStart(3, '0')}`, value: 'v' }),
    }), 4);
    assert.deepEqual([...statuses], [[201, 210]]);
    await manager.api('PATCH', '/v1/spaces/demo/secrets/BULK_007', { body: { value: 'w' } });
    await manager.api('POST', '/v1/org/secrets', { body: { name: 'MQTT_BROKER', value: { username: 'u', password: 'p' } } });
    await manager.api('PATCH', '/v1/org/secrets/MQTT_BROKER', { body: { fields: { password: 'q' } } });
    await manager.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'line 3' } });
    for (let i = 0; i < 5; i++) assert.equal((await request('POST', `${manager.url}/v1/session`, { body: { token: `ssm_${canary('guess')}` } })).status, 401);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInConsole(page, manager.url, manager.adminToken);
    await openAudit(page);
  });

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  it('says what happened in words, with the folded count', async () => {
    const all = await rows();
    assert.ok(all.some((r) => r.includes('Changed secret BULK_007 in space demo')), 'a space secret');
    assert.ok(all.some((r) => r.includes('Changed organization secret MQTT_BROKER')), 'an organization secret');
    assert.ok(all.some((r) => r.includes('Created a read token for space demo')), 'a token');
    assert.ok(all.some((r) => r.includes('Failed sign-in (5 times)')), 'the folded failures');
    assert.ok(!all.some((r) => /secret\.update|session\.fail/.test(r)), 'no raw codes');
  });

  it('reaches older entries with "Show older"', async () => {
    assert.equal((await rows()).length, 200, 'one page');
    await page.click('#audit-older');
    await page.waitForSelector('#audit tr:has-text("Created secret BULK_000 in space demo")');
    assert.ok((await rows()).length > 210);
    await page.waitForSelector('#audit-older', { state: 'hidden' });
  });

  it('filters by who, by what and by key, on the manager', async () => {
    await page.fill('#audit-actor', 'alic');
    await page.selectOption('#audit-action', 'secret');
    await page.fill('#audit-target', 'bulk_00');
    await page.click('#audit-apply');
    await page.waitForFunction(() => document.querySelectorAll('#audit tr').length === 10);
    const found = await rows();
    assert.ok(found.every((r) => r.includes('Alice') && /Created secret BULK_00\d in space demo/.test(r)), found.join('\n'));
    await page.fill('#audit-actor', '');
    await page.fill('#audit-target', '');
    await page.selectOption('#audit-action', 'token');
    await page.click('#audit-apply');
    await page.waitForFunction(() => [...document.querySelectorAll('#audit tr')].every((tr) => tr.textContent?.includes('token')));
    assert.ok((await rows()).some((r) => r.includes('Created a read token for space demo')));
  });

  it('says what happened in German in a German browser', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const german = await context.newPage();
    await signInConsole(german, manager.url, manager.adminToken);
    await openAudit(german);
    const all = await german.$$eval('#audit tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.ok(all.some((r) => r.includes('Secret BULK_007 in Space demo geändert')), all.slice(0, 5).join('\n'));
    assert.ok(all.some((r) => r.includes('Fehlgeschlagene Anmeldung (5-mal)')));
    await context.close();
  });
});
