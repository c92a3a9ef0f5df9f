// The console's secret dialogs in Chromium: a multi-pair edit keeps every pair it was not asked to change, no silent change of type, no duplicate pair names.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { closeDialogs, openSpace, signInConsole } from '../helpers/console';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

describe('e2e: console secret dialogs (pairs, types, duplicates)', function () {
  this.timeout(120_000);
  const [password, rotated] = [canary('mqtt-pass'), canary('mqtt-rotated')];
  let manager: TestManager;
  let browser: Browser;
  let page: Page;
  const writes: string[] = [];

  const secrets = async (): Promise<Record<string, unknown>> => ((await manager.api('GET', '/v1/spaces/demo/secrets')).body as { secrets: Record<string, unknown> }).secrets;
  const typeOf = async (name: string): Promise<string | undefined> =>
    ((await manager.api('GET', '/v1/spaces/demo/secrets/meta')).body as { secrets: { name: string; type: string }[] }).secrets.find((s) => s.name === name)?.type;
  const pairNames = (): Promise<string[]> => page.$$eval('#pairs [data-pair]', (rows) => rows.map((row) => row.getAttribute('data-pair') ?? ''));
  const edit = async (name: string): Promise<void> => {
    await page.click(`tr[data-key="${name}"] button[aria-label="Edit ${name}"]`);
    await page.waitForSelector('dialog[open] #dialog-save');
  };
  const save = async (): Promise<void> => {
    await page.click('#dialog-save');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
  };

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    // One secret per test, so each test stands on its own.
    for (const name of ['MQTT_BROKER', 'MQTT_ADD', 'MQTT_SAME', 'MQTT_REMOVE', 'MQTT_EYE', 'MQTT_TYPE']) {
      await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name, value: { username: 'device-1', password } } });
    }
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value: 'tok-1' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (r) => {
      if (r.method() !== 'GET') writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await signInConsole(page, manager.url, manager.adminToken);
    await openSpace(page, 'demo', 'MQTT_BROKER');
  });

  afterEach(() => closeDialogs(page));

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  it('lists the pairs of a multi-pair secret by name (no value) and changes one: MQTT_BROKER keeps its username', async () => {
    await edit('MQTT_BROKER');
    assert.deepEqual(await pairNames(), ['username', 'password']);
    assert.ok(!(await page.content()).includes(password), 'no value in the DOM');
    assert.equal(await page.$('dialog #secret-value'), null, 'no single "New value" field that would turn the pairs into a string');
    await page.fill('[data-pair="password"] input', rotated);
    await save();
    assert.deepEqual((await secrets()).MQTT_BROKER, { username: 'device-1', password: rotated });
    assert.equal(await typeOf('MQTT_BROKER'), 'pairs');
  });

  it('adds an item to the existing pairs, and a pair left empty keeps its value', async () => {
    await edit('MQTT_ADD');
    await page.click('#add-item');
    await page.fill('#pair-key-0', 'port');
    await page.fill('#pair-value-0', '1883');
    await save();
    assert.deepEqual((await secrets()).MQTT_ADD, { username: 'device-1', password, port: '1883' });
  });

  it('refuses "Add item" with the name of an existing pair (the issue\'s password=new) and loses nothing', async () => {
    await edit('MQTT_SAME');
    await page.click('#add-item');
    await page.fill('#pair-key-0', 'password');
    await page.fill('#pair-value-0', 'new');
    const before = writes.length;
    await page.click('#dialog-save');
    await page.waitForFunction(() => document.querySelector('dialog[open]') === null || (document.getElementById('dialog-error')?.textContent ?? '') !== '');
    assert.deepEqual((await secrets()).MQTT_SAME, { username: 'device-1', password }, 'username is still there');
    assert.equal(writes.length, before, 'nothing was sent');
    assert.match((await page.textContent('#dialog-error')) ?? '', /'password' is already a pair/);
  });

  it('removes a pair only when the user removes it, with an undo before Save', async () => {
    await edit('MQTT_REMOVE');
    await page.click('[data-pair="username"] button[aria-label="Remove username"]');
    assert.ok(await page.$('[data-pair="username"].removed'), 'marked, not gone');
    await page.click('[data-pair="username"] button.undo');
    assert.equal(await page.$('[data-pair="username"].removed'), null);
    await page.click('[data-pair="username"] button[aria-label="Remove username"]');
    await save();
    assert.deepEqual((await secrets()).MQTT_REMOVE, { password });
  });

  it('shows a reveal eye on every pair value, as on the single value', async () => {
    await edit('MQTT_EYE');
    const input = page.locator('[data-pair="username"] input');
    assert.equal(await input.getAttribute('type'), 'password');
    await page.click('[data-pair="username"] button[aria-pressed]');
    assert.equal(await input.getAttribute('type'), 'text');
    await page.click('#add-item');
    assert.ok(await page.$('.pair:has(#pair-value-0) button[aria-pressed]'), 'a new item has one too');
    await page.keyboard.press('Escape');
  });

  it('changes the type only after an explicit confirmation that opens on Cancel', async () => {
    await edit('MQTT_TYPE');
    await page.click('#change-type');
    await page.waitForSelector('#confirm-dialog[open]');
    assert.equal(await page.textContent('#confirm-message'), 'Flows that read MQTT_TYPE.<pair> stop working: MQTT_TYPE becomes one string, and its pairs are gone when you save.');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    assert.deepEqual(await pairNames(), ['username', 'password'], 'still the pairs');
    await page.click('#change-type');
    await page.click('#confirm-ok');
    await page.fill('#secret-value', 'one-string');
    await save();
    assert.equal((await secrets()).MQTT_TYPE, 'one-string');
    assert.equal(await typeOf('MQTT_TYPE'), 'string');
  });

  it('never turns a string secret into pairs without the confirmation, and does with it', async () => {
    await edit('API_TOKEN');
    assert.equal(await page.$('dialog[open] #add-item'), null, 'no Add item on a string secret');
    await page.click('#change-type');
    await page.click('#confirm-ok');
    await page.fill('#pair-key-0', 'user');
    await page.fill('#pair-value-0', 'u-1');
    await save();
    assert.deepEqual((await secrets()).API_TOKEN, { user: 'u-1' });
  });

  it('refuses duplicate Keyname rows in "Add item" with a message, as the manager refuses duplicates', async () => {
    await page.click('#new-key');
    await page.fill('#secret-name', 'DUPLICATES');
    for (const [i, value] of ['first', 'second'].entries()) {
      await page.click('#add-item');
      await page.fill(`#pair-key-${i}`, 'same');
      await page.fill(`#pair-value-${i}`, value);
    }
    const before = writes.length;
    await page.click('#dialog-save');
    await page.waitForFunction(() => document.querySelector('dialog[open]') === null || (document.getElementById('dialog-error')?.textContent ?? '') !== '');
    assert.equal((await secrets()).DUPLICATES, undefined, 'not merged into one pair');
    assert.equal(writes.length, before, 'nothing was sent');
    assert.match((await page.textContent('#dialog-error')) ?? '', /'same' appears twice/);
  });

  it('"Add item" then ✕ on the only row brings the value field back', async () => {
    await page.click('#new-key');
    await page.click('#add-item');
    assert.equal(await page.isVisible('#secret-value'), false);
    await page.click('#pairs .pair button[aria-label="Remove"]');
    assert.equal(await page.isVisible('#secret-value'), true);
    await page.fill('#secret-name', 'BACK_TO_ONE');
    await page.fill('#secret-value', 'single');
    await save();
    assert.equal((await secrets()).BACK_TO_ONE, 'single');
  });

  it('sends one request for a double-click on Create (the button is disabled while it is in flight)', async () => {
    await page.click('#new-key');
    await page.fill('#secret-name', 'ONCE');
    await page.fill('#secret-value', 'once-value');
    const before = writes.length;
    await page.dblclick('#dialog-save');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    await page.waitForSelector('tr[data-key="ONCE"]');
    assert.deepEqual(writes.slice(before), ['POST /v1/spaces/demo/secrets']);
  });
});
