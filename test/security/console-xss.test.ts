// Markup in what the manager stores (a secret's description, a token's description, an instance's name and version) stays text in the web console.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { INSTANCE_HEADER } from '../../src/shared/fleet-wire';

/** Markup that runs `alert(tag)` wherever it is parsed as HTML (the console's CSP would block the handler: the DOM check below does not rely on it). */
const payload = (tag: string): string => `<img src=x onerror=alert('${tag}')>`;

describe('security: markup in the web console stays text', function () {
  this.timeout(120_000);
  const dialogs: string[] = [];
  let manager: TestManager;
  let browser: Browser;
  let page: Page;

  /** Elements the payloads would have created, inside `scope`. */
  const injected = (scope: string): Promise<number> => page.locator(`${scope} img[src="x"]`).count();

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    // A second admin whose description is markup: it is the "who" of the audit entries it causes.
    const actor = await manager.api('POST', '/v1/tokens', { body: { role: 'admin', description: payload('actor') } });
    const actorToken = (actor.body as { token: string }).token;
    const as = { token: actorToken };
    assert.equal((await manager.api('POST', '/v1/spaces/demo/secrets', { ...as, body: { name: 'MARKED', value: 'marked-value', description: payload('description') } })).status, 201);
    assert.equal((await manager.api('POST', '/v1/org/secrets', { ...as, body: { name: 'ORG_MARKED', value: 'org-value', description: payload('org-description') } })).status, 201);
    const read = await manager.api('POST', '/v1/tokens', { ...as, body: { space: 'demo', description: payload('token-description') } });
    const readToken = (read.body as { token: string }).token;
    // An instance that names itself with markup, and reports that it uses MARKED.
    const identity = `inst-1; name=${encodeURIComponent(payload('instance'))}; version=${encodeURIComponent(payload('version'))}`;
    assert.equal((await manager.api('GET', '/v1/spaces/demo/secrets', { token: readToken, headers: { [INSTANCE_HEADER]: identity } })).status, 200);
    assert.equal((await manager.api('PUT', '/v1/spaces/demo/instances/inst-1/usage', { token: readToken, body: { keys: [{ key: 'MARKED', nodes: 2 }] } })).status, 204);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(manager.url);
    await page.fill('#token', manager.adminToken);
    await page.click('#signin');
    await page.waitForSelector('#who');
  });

  after(async () => {
    await browser?.close();
    await manager?.stop();
  });

  it("shows a secret's description and an instance's name and version as text (Space tab)", async () => {
    await page.click('#tab-space');
    await page.selectOption('#space-select', 'demo');
    await page.waitForSelector('tr[data-key="MARKED"]');
    await page.waitForSelector('#fleet tr[data-instance="inst-1"]');
    assert.equal(await injected('#content'), 0);
    assert.match((await page.textContent('tr[data-key="MARKED"]')) ?? '', /<img src=x onerror=alert\('description'\)>/);
    const fleet = (await page.textContent('#fleet tr[data-instance="inst-1"]')) ?? '';
    assert.match(fleet, /<img src=x onerror=alert\('instance'\)>/);
    assert.match(fleet, /<img src=x onerror=alert\('version'\)>/);
  });

  it('names the instance as text in the forget dialog and in the in-use warning of a delete', async () => {
    await page.click('#fleet tr[data-instance="inst-1"] button[title="Forget"]');
    await page.waitForSelector('#forget-message mark');
    assert.equal(await injected('dialog'), 0);
    assert.equal(await page.textContent('#forget-message mark'), payload('instance'));
    await page.click('dialog >> text=Cancel');
    await page.waitForSelector('dialog', { state: 'detached' });

    await page.click('tr[data-key="MARKED"] button[title="Delete"]');
    await page.click('#delete-confirm');
    await page.waitForSelector('#in-use-warning');
    assert.equal(await injected('dialog'), 0);
    assert.match((await page.textContent('#in-use-warning')) ?? '', /<img src=x onerror=alert\('instance'\)> \(space demo, 2 nodes\)/);
    await page.click('dialog >> text=Cancel');
    await page.waitForSelector('dialog', { state: 'detached' });
  });

  it('shows an organization secret\'s description as text (Organization tab)', async () => {
    await page.click('#tab-org');
    await page.waitForSelector('tr[data-key="ORG_MARKED"]');
    assert.equal(await injected('#content'), 0);
    assert.match((await page.textContent('tr[data-key="ORG_MARKED"]')) ?? '', /<img src=x onerror=alert\('org-description'\)>/);
  });

  it("shows a token's description as text (Tokens tab) and the acting token's as text (Audit tab)", async () => {
    await page.click('#tab-tokens');
    await page.waitForSelector('#tokens tr');
    assert.equal(await injected('#content'), 0);
    const tokens = (await page.textContent('#tokens')) ?? '';
    assert.match(tokens, /<img src=x onerror=alert\('token-description'\)>/);
    assert.match(tokens, /<img src=x onerror=alert\('actor'\)>/);
    // The revoke confirmation names the token by its description: as text.
    await page.click(`#tokens button[aria-label="Revoke ${payload('token-description')}"]`);
    await page.waitForSelector('#confirm-dialog[open] mark');
    assert.equal(await injected('dialog'), 0);
    assert.equal(await page.textContent('#confirm-dialog mark'), payload('token-description'));
    await page.click('#confirm-cancel');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    await page.click('#tab-audit');
    await page.waitForSelector('#audit tr');
    assert.equal(await injected('#content'), 0);
    assert.match((await page.textContent('#audit')) ?? '', /<img src=x onerror=alert\('actor'\)>/);
  });

  it('ran no script', async () => {
    assert.equal(await injected('body'), 0);
    assert.deepEqual(dialogs, []);
  });
});
