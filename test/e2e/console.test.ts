// The Secret Manager web console in real Chromium against the real manager, with a real Node-RED instance (child process) in the fleet.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { flood } from '../helpers/flood';
import { request } from '../helpers/http';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT, eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';
import { probeFlows } from '../fixtures/probe-flows';

describe('e2e: Secret Manager web console', function () {
  this.timeout(120_000);
  const values = [canary('console-org'), canary('console-pass'), canary('console-space'), canary('console-rotated'), canary('console-broker')];
  const seen: string[] = [];
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;
  let page: Page;

  async function signIn(p: Page, token: string): Promise<void> {
    await p.goto(manager.url);
    await p.fill('#token', token);
    await p.click('#signin');
    await p.waitForSelector('#who');
  }

  /** Opens + New key, saves it empty (`keyRequired`), then with only the key `name` (`valueRequired`); the dialog stays open. */
  async function expectRequiredMessages(p: Page, name: string, keyRequired: string, valueRequired: string): Promise<void> {
    await p.click('#new-key');
    await p.click('#dialog-save');
    await p.waitForSelector(`#dialog-error:text-is("${keyRequired}")`);
    await p.fill('#secret-name', name);
    await p.click('#dialog-save');
    await p.waitForSelector(`#dialog-error:text-is("${valueRequired}")`);
  }

  function record(p: Page): void {
    p.on('response', (r) => void r.text().then((text) => seen.push(text), () => undefined));
  }

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'my_api_token', value: values[2], description: 'CRM API' } });
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'MQTT_BROKER', value: { username: 'line-7', password: values[4] }, description: 'Plant broker' } });
    nr = await spawnNodeRed({ flows: probeFlows(), settings: { secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false } } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    record(page);
    await signIn(page, manager.adminToken);
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('signs in with a token into an HttpOnly, SameSite=Strict session cookie, never localStorage', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'ssm_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict');
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    assert.equal(await page.evaluate(() => document.cookie), '', 'the script cannot read it');
  });

  it('creates a string and a multi-pair secret, and says the three validation messages', async () => {
    await page.click('#tab-org');
    await expectRequiredMessages(page, 'ORG_TOKEN', 'Secret key is required', 'Secret value is required');
    await page.fill('#secret-value', values[0]!);
    await page.fill('#secret-description', 'shared by all spaces');
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="ORG_TOKEN"]');
    await page.click('#new-key');
    await page.fill('#secret-name', 'ORG_TOKEN');
    await page.fill('#secret-value', 'x-duplicate');
    await page.click('#dialog-save');
    await page.waitForSelector('#dialog-error:has-text("already")');
    await page.keyboard.press('Escape');
    await page.click('#new-key');
    await page.fill('#secret-name', 'MQTT');
    await page.click('#add-item');
    await page.fill('#pair-key-0', 'username');
    await page.fill('#pair-value-0', 'device-1');
    await page.click('#add-item');
    await page.fill('#pair-key-1', 'password');
    await page.fill('#pair-value-1', values[1]!);
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="MQTT"]');
    assert.equal(await page.textContent('tr[data-key="MQTT"] td:nth-child(3)'), 'pairs');
  });

  it('edits with an empty value (the value stays), and says "No changes to save"', async () => {
    await page.click('tr[data-key="ORG_TOKEN"] button[title="Edit"]');
    await page.click('#dialog-save');
    await page.waitForSelector('#dialog-error:text-is("No changes to save")');
    await page.fill('#secret-description', 'changed description');
    await page.click('#dialog-save');
    await page.waitForSelector('tr[data-key="ORG_TOKEN"] td:has-text("changed description")');
    const read = await request('GET', `${manager.url}/v1/spaces/demo/secrets`, { token: manager.adminToken });
    assert.equal((read.body as { secrets: Record<string, unknown> }).secrets.ORG_TOKEN, values[0], 'the value was kept');
  });

  it('shows the fleet: a real Node-RED instance, behind after a change, current after its Sync now; and where each key is used', async () => {
    await page.click('#tab-space');
    await page.selectOption('#space-select', 'demo');
    await page.waitForSelector('#fleet-summary');
    await eventually(async () => {
      await page.click('#tab-space');
      return (await page.textContent('tr[data-key="my_api_token"] .used-by'))?.match(/^\d+ nodes? in 1 instance$/) != null;
    }, 10_000, 'the usage report');
    await manager.api('PATCH', '/v1/spaces/demo/secrets/my_api_token', { body: { value: values[3] } });
    await page.click('#tab-space');
    await page.waitForSelector('#fleet-summary:has-text("0 of 1 instance runs")');
    assert.match((await page.textContent('#fleet tbody td.behind')) ?? '', /behind, last seen/);
    assert.equal((await nr.admin('POST', '/secret-sync/sync')).status, 200);
    await page.click('#tab-space');
    await page.waitForSelector('#fleet-summary:has-text("1 of 1 instance runs")');
    // The README's pictures come from here (copied into docs/ by hand when the console changes).
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'console-light.png') });
    // The dark one shows the edit dialog of a multi-pair secret: its pairs by name, never a value.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click('tr[data-key="MQTT_BROKER"] button[title="Edit"]');
    await page.waitForSelector('dialog[open] [data-pair="password"]');
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'console-dark.png') });
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('asks a second confirmation to delete a key deployed flows use, naming them', async () => {
    await page.click('tr[data-key="my_api_token"] button[title="Delete"]');
    assert.equal(await page.textContent('#delete-message mark'), 'my_api_token');
    await page.click('#delete-confirm');
    await page.waitForSelector('#in-use-warning');
    // Each instance is named in words: its name, its space and how many nodes use the key there.
    assert.match((await page.textContent('#in-use-warning')) ?? '', /is used by (\d+) nodes? in 1 instance: \S+ \(space demo, \1 nodes?\)\. Their flows/);
    assert.equal(await page.textContent('#delete-confirm'), 'Delete anyway');
    await page.click('#delete-confirm');
    await page.waitForSelector('tr[data-key="my_api_token"]', { state: 'detached' });
  });

  it('forgets a decommissioned instance after a confirmation; a live one comes back with its next read', async () => {
    await page.click('#tab-space');
    await page.waitForSelector('#fleet tr[data-instance]');
    await page.click('#fleet tr[data-instance] button[title="Forget"]');
    await page.waitForSelector('#forget-message mark');
    await page.click('#forget-confirm');
    await page.waitForSelector('#fleet tr[data-instance]', { state: 'detached' });
    assert.match((await page.textContent('#fleet')) ?? '', /No Node-RED instance has read this space yet/);
    assert.equal((await nr.admin('POST', '/secret-sync/sync')).status, 200);
    await page.click('#tab-space');
    await page.waitForSelector('#fleet tr[data-instance]');
  });

  it('pages a large fleet with Show more, and shows sane counts whatever the manager answers', async () => {
    const token = await manager.readToken('demo');
    const statuses = await flood(manager.url, 150, (i) => ({
      method: 'GET',
      path: '/v1/spaces/demo/secrets',
      headers: { authorization: `Bearer ${token}`, 'x-secret-sync-instance': `line-${String(i).padStart(3, '0')}; name=line%20${i}` },
    }));
    assert.deepEqual([...statuses], [[200, 150]]);
    await page.click('#tab-space');
    await page.waitForSelector('#fleet-summary:has-text("of 151 instances run")');
    assert.equal(await page.locator('#fleet tr[data-instance]').count(), 100, 'the first page');
    assert.equal(await page.textContent('#fleet-shown'), '100 of 151 shown');
    await page.click('#fleet-more');
    await page.waitForSelector('#fleet-more', { state: 'hidden' });
    assert.equal(await page.locator('#fleet tr[data-instance]').count(), 151);
    // A manager that answers absurd numbers (an old or a compromised one): the console sums and shows sane ones.
    const at = new Date().toISOString();
    await page.route('**/v1/spaces/demo/secrets/meta', (route) =>
      route.fulfill({ json: { space: 'demo', version: 1, secrets: [{ name: 'HUGE', description: '', type: 'string', createdAt: at, updatedAt: at }], usage: { HUGE: { nodes: Number.MAX_SAFE_INTEGER, instances: 2 } } } }),
    );
    await page.route('**/v1/spaces/demo/instances', (route) =>
      route.fulfill({ json: { space: 'demo', version: 1, total: 1e300, current: -5, next: null, instances: [{ id: 'x', name: 'x', version: '1', syncedVersion: 1, lastSeen: at, usage: [] }] } }),
    );
    try {
      await page.click('#tab-org');
      await page.click('#tab-space');
      await page.waitForSelector('tr[data-key="HUGE"]');
      assert.equal(await page.textContent('tr[data-key="HUGE"] .used-by'), '200000 nodes in 2 instances', 'at most 100,000 nodes per instance');
      assert.equal(await page.textContent('#fleet-summary'), '0 of 1 instance runs version 1');
    } finally {
      await page.unrouteAll();
    }
  });

  it('creates a read token shown once, which a plugin can use', async () => {
    await page.click('#tab-tokens');
    await page.fill('#token-space', 'demo');
    await page.fill('#token-description', 'line 9');
    await page.click('#create-token');
    const token = (await page.textContent('#new-token')) ?? '';
    assert.match(token, /^ssm_/);
    assert.equal((await request('GET', `${manager.url}/v1/spaces/demo/secrets`, { token })).status, 200);
    await page.click('#tab-audit');
    await page.click('#tab-tokens');
    assert.equal(await page.$('#new-token'), null, 'not shown again');
    await page.waitForSelector('tr[data-token] td:has-text("line 9")');
  });

  it('shows a viewer names, descriptions and dates, and no management action', async () => {
    const viewer = await manager.api('POST', '/v1/tokens', { body: { role: 'viewer', description: 'auditor' } });
    const context = await browser.newContext();
    const other = await context.newPage();
    record(other);
    await signIn(other, (viewer.body as { token: string }).token);
    await other.click('#tab-org');
    await other.waitForSelector('tr[data-key="ORG_TOKEN"]');
    assert.equal(await other.$('#new-key'), null);
    assert.equal(await other.$('tr[data-key="ORG_TOKEN"] button'), null);
    assert.equal(await other.$('#tab-tokens'), null);
    await other.click('#tab-space');
    await other.waitForSelector('#fleet tr[data-instance]');
    assert.equal(await other.$('#fleet button[title="Forget"]'), null, 'no Forget for a viewer');
    await context.close();
  });

  it('speaks German in a German browser, the manager\'s validation messages included', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const german = await context.newPage();
    record(german);
    await signIn(german, manager.adminToken);
    await german.click('#tab-org');
    await german.waitForSelector('#new-key:text-is("+ Neuer Schlüssel")');
    await expectRequiredMessages(german, 'DE_KEY', 'Secret-Schlüssel ist erforderlich', 'Secret-Wert ist erforderlich');
    await context.close();
  });

  it('shows a flood of failed sign-ins as one audit row with its count', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await request('POST', `${manager.url}/v1/session`, { body: { token: `ssm_${canary('guess')}` } })).status, 401);
    await page.click('#tab-org');
    await page.click('#tab-audit');
    await page.waitForSelector('#audit tr:has-text("Failed sign-in (5 times)")');
    assert.equal(await page.locator('#audit tr[data-action="session.fail"]').count(), 1);
  });

  it('never puts a value in the DOM, an HTTP answer or the page source', async () => {
    await page.click('#tab-audit');
    await page.waitForSelector('#audit tr');
    const dom = await page.content();
    const source = (await request('GET', `${manager.url}/`)).text + (await request('GET', `${manager.url}/console.js`)).text;
    for (const value of values) {
      assert.ok(!dom.includes(value), 'DOM');
      assert.ok(!source.includes(value), 'page source');
      assert.ok(!seen.some((text) => text.includes(value)), 'an HTTP answer');
    }
    assert.ok(seen.length > 10, 'the recorder saw the answers');
  });
});
