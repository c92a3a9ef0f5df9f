// Node-RED's own Context Data and Debug sidebars in real Chromium, as a read-only user: masks only, no canary in the DOM or on the wire.
/// <reference lib="dom" />
/// <reference types="jquery" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adminAuthSettings, login } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { findLeak } from '../helpers/leaks';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

const M = '••••••••';

const flows = [
  { id: 'ctx-tab', type: 'tab', label: 'Context' },
  { id: 'ctx-inject', type: 'inject', z: 'ctx-tab', props: [], repeat: '', once: false, x: 120, y: 80, wires: [['ctx-fn']] },
  {
    id: 'ctx-fn',
    type: 'function',
    z: 'ctx-tab',
    name: 'careless flow',
    func: [
      "const t = global.get('SECRETS').API_TOKEN;",
      "node.warn('token is ' + t);",
      "node.status({ fill: 'red', shape: 'dot', text: 'using ' + t });",
      "global.set('copy', 'Bearer ' + t);",
      'msg.payload = { t, b64: Buffer.from(t).toString("base64") };',
      'return msg;',
    ].join('\n'),
    outputs: 1,
    libs: [],
    x: 300,
    y: 80,
    wires: [['ctx-debug']],
  },
  { id: 'ctx-missing', type: 'change', z: 'ctx-tab', name: 'needs a key', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '${SECRETS.NOT_THERE}', tot: 'str' }], x: 300, y: 160, wires: [[]] },
  { id: 'ctx-debug', type: 'debug', z: 'ctx-tab', active: true, tosidebar: true, console: false, complete: 'true', targetType: 'full', x: 480, y: 80, wires: [] },
];

describe('e2e: Node-RED Context Data and Debug sidebars', function () {
  this.timeout(120_000);
  const token = `ctx ${canary('e2e-context-token')}`;
  const password = canary('e2e-context-pass');
  const seenTexts: string[] = [];
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;
  let page: Page;
  let adminToken: string;

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    const space = '/v1/spaces/demo/secrets';
    await manager.api('POST', space, { body: { name: 'API_TOKEN', value: token } });
    await manager.api('POST', space, { body: { name: 'DB', value: { user: 'app', password } } });
    nr = await spawnNodeRed({
      flows,
      settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off' } },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('response', (response) => {
      void response.text().then(
        (text) => seenTexts.push(`${response.url()}\n${text}`),
        () => undefined,
      );
    });
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => seenTexts.push(String(frame.payload))));
    await openEditor(page, nr.url, 'reader');
    adminToken = await login(nr.url, 'admin');
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('shows the warning, the debug message and the node status masked', async () => {
    await page.evaluate(() => (window as unknown as { RED: { actions: { invoke(a: string): void } } }).RED.actions.invoke('core:show-debug-tab'));
    // The editor subscribes to debug messages a moment after it shows: inject until one arrives (5 tries at most).
    const warning = page.locator(`.red-ui-debug-msg:has-text("token is ${M}")`).first();
    for (let i = 0; i < 5 && !(await warning.isVisible()); i++) {
      assert.equal((await nr.admin('POST', '/inject/ctx-inject', { token: adminToken })).status, 200);
      await warning.waitFor({ timeout: 2_000 }).catch(() => undefined);
    }
    await warning.waitFor({ timeout: 1_000 });
    await page.waitForSelector(`.red-ui-flow-node-status-label:has-text("using ${M}")`, { timeout: 10_000 });
  });

  it('shows a copy of a value masked in the Context Data sidebar, and the editor reads global.SECRETS as masks', async () => {
    await page.evaluate(() => (window as unknown as { RED: { actions: { invoke(a: string): void } } }).RED.actions.invoke('core:show-context-tab'));
    const global = page.locator('.red-ui-sidebar-context-stack .red-ui-palette-category').last();
    await global.locator('.red-ui-palette-header button').first().click();
    const copyRow = global.locator('tr:has(td:text-is("copy"))');
    await copyRow.waitFor({ timeout: 10_000 });
    assert.match((await copyRow.textContent()) ?? '', new RegExp(`Bearer ${M}`));
    // global.SECRETS is listed with its keys, every value a mask (Node-RED alone would list it as absent).
    const secretsRow = global.locator('tr:has(td:text-is("SECRETS"))');
    await secretsRow.waitFor({ timeout: 10_000 });
    await secretsRow.locator('.red-ui-debug-msg-object-handle').first().click();
    await page.waitForFunction(() => /API_TOKEN/.test(document.querySelector('.red-ui-sidebar-context-stack')?.textContent ?? ''));
    const shown = (await secretsRow.textContent()) ?? '';
    assert.match(shown, /API_TOKEN/);
    assert.match(shown, /DB/);
    assert.ok(shown.includes(M), shown);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'context-sidebar.png') });
    // The sidebar's row refresh reads the key itself: masks too.
    const answer = await page.evaluate(() =>
      (window as unknown as { $: JQueryStatic }).$.getJSON('context/global/SECRETS').then((body: { msg: string }) => body.msg),
    );
    assert.deepEqual(JSON.parse(answer), { API_TOKEN: M, DB: { user: M, password: M } });
  });

  it('says in the Secrets sidebar which keys are too short to mask', async () => {
    await openSecretsTab(page);
    await page.waitForSelector('#secret-sync-unmasked', { state: 'visible' });
    assert.equal(await page.textContent('#secret-sync-unmasked'), 'Not masked in debug and logs (shorter than 6 characters): DB.user');
  });

  it('names a ${SECRETS.KEY} reference the space lacks, with its node, in the sidebar and a notification', async () => {
    await page.waitForSelector('#secret-sync-references li.secret-sync-reference-missing', { state: 'visible' });
    assert.equal(
      await page.textContent('#secret-sync-references li.secret-sync-reference-missing'),
      '${SECRETS.NOT_THERE} is not in this space; these nodes got an empty value: needs a key (change)',
    );
    await page.waitForSelector('.red-ui-notification:has-text("Secret references without a value: ${SECRETS.NOT_THERE}: needs a key (change)")');
  });

  it('never puts a value in the DOM, in any HTTP answer or in any WebSocket frame', async () => {
    const dom = await page.content();
    assert.equal(findLeak(dom, [token, password], [['app', password]]), undefined);
    for (const text of seenTexts) assert.equal(findLeak(text, [token, password], [['app', password]]), undefined, text.slice(0, 200));
    assert.ok(seenTexts.some((t) => t.includes('/context/global')), 'the recorder saw the context answers');
  });
});
