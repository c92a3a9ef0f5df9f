// Finding pasted credentials and moving them into the Secret Manager, in real Chromium against a real Node-RED, the real manager, a real MQTT broker (aedes) and a local HTTP server (issue 24).
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { createDecipheriv, createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import type { Browser, Page } from 'playwright-core';
import { adminAuthSettings, login } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT, eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import { randomText } from '../helpers/random-text';
import type { NodeRedChild } from '../helpers/node-red-child';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');
/** Node-RED's credentialSecret in the test runtime (test/helpers/node-red.ts). */
const CREDENTIAL_SECRET = 'test-credential-secret';
const XSS_NAME = '<img src=x onerror="window.__secretSyncXss=1">';
/** Node-RED 5's sidebar layout (`editor.sidebar.state`, version 4): the Secrets tab on top, 700 px high, 340 px wide, Debug below. */
const SIDEBAR_LAYOUT = {
  v: 4,
  tabs: ['palette', 'explorer', 'info', 'debug', 'help', 'config', 'context', 'secret-sync'],
  primary: { width: 340, top: { tabs: ['secret-sync', 'info', 'help', 'config', 'context'], active: 'secret-sync', height: 700 }, bottom: { tabs: ['debug'], active: 'debug' } },
  secondary: { top: { tabs: ['explorer'], active: 'explorer' }, bottom: { tabs: ['palette'], active: 'palette' } },
};
/** flows_cred.json as Node-RED decrypts it: aes-256-ctr, key sha256(credentialSecret), the first 32 hex characters the IV. */
function decryptCredentials(file: string): string {
  const { $: sealed } = JSON.parse(readFileSync(file, 'utf8')) as { $: string };
  const decipher = createDecipheriv('aes-256-ctr', createHash('sha256').update(CREDENTIAL_SECRET).digest(), Buffer.from(sealed.slice(0, 32), 'hex'));
  return decipher.update(sealed.slice(32), 'base64', 'utf8') + decipher.final('utf8');
}

interface EditorNode {
  id: string;
  headers?: { keyValue: string; valueValue: string }[];
  credentials?: Record<string, unknown>;
}
interface EditorRed {
  nodes: { node(id: string): EditorNode | undefined; workspace(id: string): { env?: { name: string; value: string; type: string }[] } | undefined; dirty(): boolean; createCompleteNodeSet(opts?: { credentials?: boolean }): EditorNode[] };
  actions: { invoke(name: string): void };
}

describe('e2e: move credentials pasted into flows to the Secret Manager', function () {
  this.timeout(180_000);
  const mqttUser = 'device-7';
  const mqttPassword = canary('e2e-mqtt-literal');
  const bearer = `Bearer ${randomText(40)}`;
  // Built here, never written in the repository: a GitHub token's shape, ghp_ and 36 characters.
  const githubToken = `ghp_${randomText(36)}`;
  const functionCode = `const user = 'octocat';\nconst token = '${githubToken}';\nmsg.headers = { authorization: 'token ' + token };\nreturn msg;`;
  const serviceToken = `svc_${randomText(32)}`;
  const logins: { user: string; password: string }[] = [];
  const authHeaders: string[] = [];
  /** Every answer (with its address) and comms frame the admin's page got. */
  const answers: { url: string; text: string }[] = [];
  const frames: string[] = [];
  let broker: Aedes;
  let mqttServer: net.Server;
  let web: http.Server;
  let manager: TestManager;
  let nr: NodeRedChild;
  let adminBearer: string;
  let browser: Browser;
  let page: Page;

  /** Runs `fn` in the page with the editor's RED (a handle: nothing of the test's scope goes along). */
  const red = async <T>(fn: (r: EditorRed) => T): Promise<T> => {
    const handle = await page.evaluateHandle(() => (window as unknown as { RED: EditorRed }).RED);
    try {
      return await handle.evaluate(fn);
    } finally {
      await handle.dispose();
    }
  };

  const flows = (mqttPort: number, webPort: number): unknown[] => [
    // A tab's environment variable holding a token as text.
    { id: 'tab-main', type: 'tab', label: 'Main flow', env: [{ name: 'SERVICE_TOKEN', value: serviceToken, type: 'str' }] },
    { id: 'tabenv-in', type: 'http in', z: 'tab-main', url: '/tabenv', method: 'get', x: 120, y: 320, wires: [['tabenv-read']] },
    { id: 'tabenv-read', type: 'change', z: 'tab-main', name: 'read SERVICE_TOKEN', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'SERVICE_TOKEN', tot: 'env' }], x: 320, y: 320, wires: [['tabenv-out']] },
    { id: 'tabenv-out', type: 'http response', z: 'tab-main', x: 520, y: 320, wires: [] },
    {
      id: 'broker-1',
      type: 'mqtt-broker',
      name: 'MQTT prod',
      broker: '127.0.0.1',
      port: String(mqttPort),
      clientid: 'secret-sync-move-test',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      credentials: { user: mqttUser, password: mqttPassword },
    },
    { id: 'mqtt-out-1', type: 'mqtt out', z: 'tab-main', name: 'publisher', topic: 'test/topic', qos: '0', retain: 'false', broker: 'broker-1', x: 300, y: 80, wires: [] },
    { id: 'inject-1', type: 'inject', z: 'tab-main', name: 'call', props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', once: false, x: 120, y: 160, wires: [['http-1']] },
    {
      id: 'http-1',
      type: 'http request',
      z: 'tab-main',
      name: XSS_NAME,
      method: 'GET',
      ret: 'txt',
      url: `http://127.0.0.1:${webPort}/check`,
      headers: [{ keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: bearer }],
      x: 320,
      y: 160,
      wires: [[]],
    },
    { id: 'fn-1', type: 'function', z: 'tab-main', name: 'call github', func: functionCode, outputs: 1, libs: [], x: 320, y: 240, wires: [[]] },
  ];

  /** The row of a finding, by node id. */
  const row = (id: string): ReturnType<Page['locator']> => page.locator(`#secret-sync-findings-list li[data-node="${id}"]`);

  before(async function () {
    requireBrowser(this);
    broker = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        const attempt = { user: username ?? '', password: password?.toString() ?? '' };
        logins.push(attempt);
        // The broker accepts this user with the password only: a node that lost it cannot log in.
        done(null, attempt.user === mqttUser && attempt.password === mqttPassword);
      },
    });
    mqttServer = net.createServer(broker.handle);
    await new Promise<void>((done) => mqttServer.listen(0, '127.0.0.1', done));
    web = http.createServer((req, res) => {
      authHeaders.push(req.headers.authorization ?? '');
      res.end('ok');
    });
    await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
    manager = await startTestManager();
    nr = await spawnNodeRed({
      settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: '60m', syncOnDeploy: true } },
    });
    adminBearer = await login(nr.url, 'admin');
    // Deployed as the editor does: credentials inside the nodes, which Node-RED moves to flows_cred.json.
    const deployed = await nr.admin('POST', '/flows', {
      token: adminBearer,
      body: flows((mqttServer.address() as AddressInfo).port, (web.address() as AddressInfo).port),
      headers: { 'node-red-deployment-type': 'full' },
    });
    assert.equal(deployed.status, 204, deployed.text);
    await eventually(() => logins.some((l) => l.password === mqttPassword), 10_000, 'the broker login with the literal password');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('response', (response) => {
      void response.text().then(
        (text) => answers.push({ url: response.url(), text }),
        () => undefined,
      );
    });
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => frames.push(String(frame.payload))));
    await openEditor(page, nr.url, 'admin');
    // For the README's picture: the Secrets tab over most of the sidebar's height (Node-RED 5's layout setting), then load again.
    const saved = page.waitForResponse((r) => r.url().endsWith('/settings/user') && r.request().method() === 'POST', { timeout: 10_000 });
    await page.evaluate((state) => (window as unknown as { RED: { settings: { set(k: string, v: unknown): void } } }).RED.settings.set('editor.sidebar.state', state), SIDEBAR_LAYOUT);
    await saved;
    await page.reload();
    await page.waitForSelector('button[data-tab-id="secret-sync"]', { timeout: 20_000 });
    await openSecretsTab(page);
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
    await new Promise<void>((done) => (broker ? broker.close(() => done()) : done()));
    await new Promise<void>((done) => (mqttServer ? mqttServer.close(() => done()) : done()));
    web?.closeAllConnections();
    await new Promise<void>((done) => (web ? web.close(() => done()) : done()));
  });

  it('lists the broker password, the Authorization header and the token in code, with where and why, and no value', async () => {
    await page.waitForSelector('#secret-sync-findings-list li[data-node="fn-1"]', { timeout: 15_000 });
    for (const id of ['broker-1', 'http-1']) await row(id).waitFor();
    assert.equal(await row('broker-1').getAttribute('data-property'), 'credentials.password');
    assert.equal(await row('broker-1').getAttribute('data-rule'), 'password-field');
    assert.match((await row('broker-1').textContent()) ?? '', /MQTT prod\s*mqtt-broker · configuration node/);
    assert.match((await row('http-1').textContent()) ?? '', /http request · Main flow/);
    assert.match((await row('http-1').getAttribute('data-property')) ?? '', /^headers\.0\./);
    // Code is never rewritten: the row says the line and what to paste instead.
    assert.equal(await row('fn-1').getAttribute('data-property'), 'func');
    assert.match((await row('fn-1').locator('.secret-sync-finding-line').textContent()) ?? '', /^line 2$/);
    assert.match((await row('fn-1').locator('.secret-sync-finding-replacement').textContent()) ?? '', /^env\.get\('SECRETS\.CALL_GITHUB[A-Z_]*_TOKEN'\)$/);
    assert.equal(await row('fn-1').locator('.secret-sync-finding-move').textContent(), 'Create secret…');
    assert.equal(await row('broker-1').locator('.secret-sync-finding-move').textContent(), 'Move to Secret Manager…');
    // The tab's own environment variable, named by its tab.
    assert.equal(await row('tab-main').getAttribute('data-property'), 'env.0.value');
    assert.match((await row('tab-main').textContent()) ?? '', /Main flow\s*tab/);
  });

  it('shows a node named like markup as those characters, and runs nothing', async () => {
    assert.equal(await row('http-1').locator('.secret-sync-finding-name').textContent(), XSS_NAME);
    assert.equal(await row('http-1').locator('.secret-sync-finding-name img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __secretSyncXss?: number }).__secretSyncXss), undefined);
    await row('http-1').locator('.secret-sync-finding-show').click();
    await row('http-1').locator('.secret-sync-finding-move').click();
    await page.waitForSelector('#secret-sync-move-dialog');
    assert.match((await page.textContent('.secret-sync-move-explain')) ?? '', /<img src=x onerror=/);
    assert.equal(await page.locator('#secret-sync-move-dialog img').count(), 0);
    await page.click('#secret-sync-move-cancel');
    await page.waitForSelector('#secret-sync-move-dialog', { state: 'detached' });
    assert.equal(await page.evaluate(() => (window as unknown as { __secretSyncXss?: number }).__secretSyncXss), undefined);
  });

  it('gives a read-only user the findings and no Move', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const reader = await context.newPage();
      await openEditor(reader, nr.url, 'reader');
      await openSecretsTab(reader);
      await reader.waitForSelector('#secret-sync-findings-list li[data-node="broker-1"]', { timeout: 15_000 });
      assert.equal(await reader.locator('#secret-sync-findings-list li').count(), await page.locator('#secret-sync-findings-list li').count());
      assert.equal(await reader.locator('.secret-sync-finding-move').count(), 0);
      assert.equal(await reader.isVisible('#secret-sync-findings-readonly'), true);
      assert.equal(await reader.locator('.secret-sync-finding-show').count(), await reader.locator('#secret-sync-findings-list li').count());
      // And the runtime refuses the request itself (Node-RED's permission check).
      const refused = await nr.admin('POST', '/secret-sync/move', {
        token: await login(nr.url, 'reader'),
        body: { id: 'broker-1', property: 'credentials.password', name: 'READER_TRY', scope: 'space', credential: manager.adminToken },
      });
      assert.equal(refused.status, 401);
    } finally {
      await context.close();
    }
    assert.equal((await manager.api('GET', '/v1/spaces/demo/secrets')).text.includes('READER_TRY'), false);
  });

  it('moves the broker password: the proposed name, the secret created from the runtime literal, the credential dropped, the property a reference', async () => {
    await row('broker-1').locator('.secret-sync-finding-move').click();
    await page.waitForSelector('#secret-sync-move-dialog');
    assert.equal(await page.inputValue('#secret-sync-move-name'), 'MQTT_PROD_PASSWORD');
    assert.equal(await page.locator('#secret-sync-move-undeployed').count(), 0);
    assert.equal(await page.getAttribute('#secret-sync-move-credential', 'type'), 'password');
    assert.equal(await page.getAttribute('#secret-sync-move-credential', 'autocomplete'), 'off');
    assert.match((await page.textContent('label[for="secret-sync-move-credential"]')) ?? '', /Secret Manager admin token/);
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    // The README's picture (docs/move-credentials.png is copied from it): the section and the dialog, the credential masked.
    await page.evaluate(() => document.querySelector('#secret-sync-findings')?.scrollIntoView());
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'move-credentials.png') });
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'MQTT_PROD_PASSWORD created' }).waitFor({ timeout: 15_000 });
    await page.waitForSelector('#secret-sync-move-dialog', { state: 'detached' });
    const secrets = (await manager.api('GET', '/v1/spaces/demo/secrets')).body as { secrets: Record<string, unknown> };
    assert.equal(secrets.secrets.MQTT_PROD_PASSWORD, mqttPassword);
    const node = await red((r) => r.nodes.node('broker-1')?.credentials ?? null);
    assert.equal(node?.password, '${SECRETS.MQTT_PROD_PASSWORD}');
    assert.equal(node?.user, mqttUser);
    assert.equal(await red((r) => r.nodes.dirty()), true);
    // Never stored: not in the page, not in the browser's storage.
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!storage.includes(manager.adminToken));
    assert.ok(!(await page.content()).includes(manager.adminToken));
  });

  it('checks the name as it is typed, and moves the header into the organization under the name given', async () => {
    await row('http-1').locator('.secret-sync-finding-move').click();
    await page.waitForSelector('#secret-sync-move-dialog');
    assert.match(await page.inputValue('#secret-sync-move-name'), /^IMG_SRC_X_ONERROR_[A-Z0-9_]+_AUTHORIZATION$/);
    await page.fill('#secret-sync-move-name', 'bad name!');
    await page.waitForSelector('#secret-sync-move-name-problem:visible');
    assert.equal(await page.isDisabled('#secret-sync-move-submit'), true);
    await page.fill('#secret-sync-move-name', 'API_AUTHORIZATION');
    await page.waitForSelector('#secret-sync-move-name-problem', { state: 'hidden' });
    assert.equal(await page.isDisabled('#secret-sync-move-submit'), false);
    await page.check('#secret-sync-move-scope-org');
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'API_AUTHORIZATION created' }).waitFor({ timeout: 15_000 });
    // The notification names the node as text too.
    assert.match((await page.locator('.red-ui-notification', { hasText: 'API_AUTHORIZATION created' }).textContent()) ?? '', /<img src=x onerror=/);
    assert.equal(await page.locator('.red-ui-notification img').count(), 0);
    const org = (await manager.api('GET', '/v1/org/secrets/meta')).text;
    assert.match(org, /API_AUTHORIZATION/);
    const secrets = (await manager.api('GET', '/v1/spaces/demo/secrets')).body as { secrets: Record<string, unknown> };
    assert.equal(secrets.secrets.API_AUTHORIZATION, bearer);
    const headers = await red((r) => r.nodes.node('http-1')?.headers ?? []);
    assert.deepEqual(headers.map((h) => [h.keyValue, h.valueValue]), [['Authorization', '${SECRETS.API_AUTHORIZATION}']]);
  });

  it('moves a tab environment variable: it becomes one of type env naming SECRETS.NAME, which Node-RED resolves', async () => {
    await row('tab-main').locator('.secret-sync-finding-move').click();
    await page.waitForSelector('#secret-sync-move-dialog');
    assert.equal(await page.inputValue('#secret-sync-move-name'), 'MAIN_FLOW_SERVICE_TOKEN');
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'MAIN_FLOW_SERVICE_TOKEN created' }).waitFor({ timeout: 15_000 });
    const env = await red((r) => (r.nodes.workspace('tab-main')?.env ?? []).map((e) => ({ ...e })));
    assert.deepEqual(env, [{ name: 'SERVICE_TOKEN', value: 'SECRETS.MAIN_FLOW_SERVICE_TOKEN', type: 'env' }]);
  });

  it('says so and stops when the credential may not write, or the name exists with another value', async () => {
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'TAKEN', value: canary('e2e-other-value') } });
    await row('broker-1').locator('.secret-sync-finding-move').click();
    // Moved already, not deployed: the dialog says the secret comes from the deployed value.
    assert.equal(await page.isVisible('#secret-sync-move-undeployed'), true);
    await page.fill('#secret-sync-move-name', 'TAKEN');
    // A read token may not write: refused, and nothing was created.
    await page.fill('#secret-sync-move-credential', await manager.readToken('demo'));
    await page.click('#secret-sync-move-submit');
    const refused = page.locator('.red-ui-notification', { hasText: 'Could not move' });
    await refused.waitFor({ timeout: 15_000 });
    assert.equal(await page.inputValue('#secret-sync-move-credential'), '');
    await page.evaluate(() => document.querySelectorAll('.red-ui-notification').forEach((n) => n.remove()));
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'Could not move' }).waitFor({ timeout: 15_000 });
    assert.match((await page.locator('.red-ui-notification', { hasText: 'Could not move' }).textContent()) ?? '', /TAKEN|exists/);
    // The field is empty again, and the node keeps the reference of the move before.
    assert.equal(await page.inputValue('#secret-sync-move-credential'), '');
    assert.equal(await red((r) => r.nodes.node('broker-1')?.credentials?.password), '${SECRETS.MQTT_PROD_PASSWORD}');
    await page.click('#secret-sync-move-cancel');
    await page.waitForSelector('#secret-sync-move-dialog', { state: 'detached' });
  });

  it('uses a name that already holds this very value, and says so', async () => {
    await row('broker-1').locator('.secret-sync-finding-move').click();
    await page.fill('#secret-sync-move-name', 'MQTT_PROD_PASSWORD');
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'MQTT_PROD_PASSWORD already held this value' }).waitFor({ timeout: 15_000 });
    assert.equal(await red((r) => r.nodes.node('broker-1')?.credentials?.password), '${SECRETS.MQTT_PROD_PASSWORD}');
    // It was one more edit (the reference over the same reference): undone here, so the next test undoes the three moves.
    await red((r) => r.actions.invoke('core:undo'));
    assert.equal(await red((r) => r.nodes.node('broker-1')?.credentials?.password), '${SECRETS.MQTT_PROD_PASSWORD}');
  });

  it('undoes each move before the deploy: the literal is back, and a deploy would send no credential', async () => {
    await red((r) => r.actions.invoke('core:undo'));
    assert.deepEqual(await red((r) => (r.nodes.workspace('tab-main')?.env ?? []).map((e) => e.type)), ['str']);
    assert.equal(await red((r) => r.nodes.workspace('tab-main')?.env?.[0]?.value), serviceToken);
    await red((r) => r.actions.invoke('core:undo'));
    const headers = await red((r) => r.nodes.node('http-1')?.headers ?? []);
    assert.equal(headers[0]?.valueValue, bearer);
    await red((r) => r.actions.invoke('core:undo'));
    const credentials = await red((r) => r.nodes.node('broker-1')?.credentials ?? null);
    assert.notEqual(credentials?.password, '${SECRETS.MQTT_PROD_PASSWORD}');
    assert.equal(credentials?.has_password, true);
    // What a deploy would send now: no password, so the runtime keeps the literal it holds.
    const exported = await red((r) => r.nodes.createCompleteNodeSet({ credentials: true }).find((n) => n.id === 'broker-1')?.credentials ?? null);
    assert.ok(exported === null || !('password' in exported) || exported.password === undefined, JSON.stringify(exported));
    assert.equal(await red((r) => r.nodes.dirty()), false);
    // Redo all three: the references are back.
    await red((r) => r.actions.invoke('core:redo'));
    await red((r) => r.actions.invoke('core:redo'));
    await red((r) => r.actions.invoke('core:redo'));
    assert.equal(await red((r) => r.nodes.workspace('tab-main')?.env?.[0]?.type), 'env');
    assert.equal(await red((r) => r.nodes.node('broker-1')?.credentials?.password), '${SECRETS.MQTT_PROD_PASSWORD}');
    assert.equal((await red((r) => r.nodes.node('http-1')?.headers ?? []))[0]?.valueValue, '${SECRETS.API_AUTHORIZATION}');
  });

  it('deploys: the broker still logs in with the password, the header still arrives, and only references are on disk', async () => {
    const loginsBefore = logins.length;
    await page.click('#red-ui-header-button-deploy');
    await page.waitForFunction(() => !(window as unknown as { RED: EditorRed }).RED.nodes.dirty(), undefined, { timeout: 20_000 });
    await eventually(() => logins.slice(loginsBefore).some((l) => l.user === mqttUser && l.password === mqttPassword), 15_000, 'the broker login after the deploy');
    const injected = await nr.admin('POST', '/inject/inject-1', { token: adminBearer });
    assert.equal(injected.status, 200, injected.text);
    await eventually(() => authHeaders.length > 0, 10_000, 'the http request');
    assert.deepEqual(authHeaders, [bearer]);
    const tabEnv = await fetch(`${nr.url}/api/tabenv`);
    assert.equal(await tabEnv.text(), serviceToken, "the tab's variable resolves to the secret");
    const flowsFile = readFileSync(join(nr.userDir, 'flows.json'), 'utf8');
    const credFile = decryptCredentials(join(nr.userDir, 'flows_cred.json'));
    assert.match(flowsFile, /\$\{SECRETS\.API_AUTHORIZATION\}/);
    assert.match(credFile, /\$\{SECRETS\.MQTT_PROD_PASSWORD\}/);
    assert.match(credFile, new RegExp(mqttUser));
    for (const literal of [mqttPassword, bearer.slice(7), serviceToken]) {
      assert.ok(!flowsFile.includes(literal), 'flows.json holds no moved literal');
      assert.ok(!credFile.includes(literal), 'flows_cred.json holds no moved literal');
    }
  });

  it('after the deploy lists only the token in code, still with its line and replacement', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#secret-sync-findings-list li[data-node="broker-1"], #secret-sync-findings-list li[data-node="http-1"], #secret-sync-findings-list li[data-node="tab-main"]').length === 0, undefined, { timeout: 15_000 });
    assert.deepEqual(await page.$$eval('#secret-sync-findings-list li', (els) => els.map((e) => e.getAttribute('data-node'))), ['fn-1']);
    assert.match((await row('fn-1').textContent()) ?? '', /line 2/);
  });

  it('creates the secret for the token in code and shows the replacement with the name chosen; the code stays as it is', async () => {
    const codeBefore = await red((r) => JSON.stringify(r.nodes.node('fn-1')));
    await row('fn-1').locator('.secret-sync-finding-move').click();
    await page.waitForSelector('#secret-sync-move-dialog');
    await page.fill('#secret-sync-move-name', 'GITHUB_TOKEN');
    await page.fill('#secret-sync-move-credential', manager.adminToken);
    await page.click('#secret-sync-move-submit');
    await page.locator('.red-ui-notification', { hasText: 'GITHUB_TOKEN created' }).waitFor({ timeout: 15_000 });
    const secrets = (await manager.api('GET', '/v1/spaces/demo/secrets')).body as { secrets: Record<string, unknown> };
    assert.equal(secrets.secrets.GITHUB_TOKEN, githubToken);
    assert.equal(await row('fn-1').locator('.secret-sync-finding-replacement').textContent(), "env.get('SECRETS.GITHUB_TOKEN')");
    assert.equal(await red((r) => JSON.stringify(r.nodes.node('fn-1'))), codeBefore);
    assert.equal(await red((r) => r.nodes.dirty()), false);
  });

  it('never showed a value: not in the DOM, not in a comms frame, not in an answer', async () => {
    const dom = await page.content();
    for (const value of [mqttPassword, bearer, githubToken, serviceToken, manager.adminToken]) {
      assert.ok(!dom.includes(value), 'no value in the DOM');
      assert.ok(!frames.some((f) => f.includes(value)), 'no value in a comms frame');
    }
    assert.ok(answers.length > 10 && frames.length > 0, 'the page was recorded');
    for (const { url, text } of answers) {
      // Node-RED sends the editor the flows as they are, literals typed into properties included: that is what Move takes away.
      const flows = new URL(url).pathname === '/flows';
      for (const value of flows ? [mqttPassword, manager.adminToken] : [mqttPassword, bearer, githubToken, serviceToken, manager.adminToken]) assert.ok(!text.includes(value), `a value in the answer of ${url}`);
    }
    const findings = answers.filter((a) => a.url.includes('/secret-sync/findings'));
    assert.ok(findings.length > 0, 'the findings were fetched');
    assert.equal(await page.evaluate(() => (window as unknown as { __secretSyncXss?: number }).__secretSyncXss), undefined, 'no markup ran');
  });
});
