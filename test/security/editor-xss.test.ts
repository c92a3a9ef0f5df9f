// Stored and remote-supplied markup in the Node-RED editor (issue 19): node names, a settings URL and a hostile manager's Content-Type never run script, for the admin and the read-only user.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { adminAuthSettings, login } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

/** Markup that runs `alert(tag)` wherever it is parsed as HTML: a failed `src=x` load fires `onerror`. */
const payload = (tag: string): string => `<img src=x onerror=alert('${tag}')>`;

const flows = [
  { id: 'xss-tab', type: 'tab', label: 'Hostile names' },
  { id: 'xss-missing', type: 'change', z: 'xss-tab', name: payload('missing'), rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '${SECRETS.NOT_THERE}', tot: 'str' }], x: 200, y: 80, wires: [[]] },
  { id: 'xss-rotated', type: 'change', z: 'xss-tab', name: payload('restarted'), rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '${SECRETS.ROTATE}', tot: 'str' }], x: 200, y: 160, wires: [[]] },
  { id: 'xss-legacy', type: 'secret-manager', z: 'xss-tab', name: payload('legacy'), x: 200, y: 240, wires: [[]] },
];

/** A manager in front of the real one: strips the path prefix of the configured URL, and answers with a hostile Content-Type when told to. */
interface HostileManager {
  url: string;
  hostile: boolean;
  close(): Promise<void>;
}

async function startHostileManager(upstream: string): Promise<HostileManager> {
  const target = new URL(upstream);
  const state = { hostile: false };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').slice(Math.max(0, (req.url ?? '').indexOf('/v1/')));
    if (state.hostile && req.method === 'GET') {
      res.writeHead(200, { 'content-type': payload('content-type') }).end('{"space":"demo","secrets":{}}');
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, path, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get hostile() {
      return state.hostile;
    },
    set hostile(on: boolean) {
      state.hostile = on;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A notification as the page showed it: its text, and the elements a payload would have created in it. */
interface ShownNotification {
  text: string;
  injected: number;
}

/** Runs in the page before its scripts: keeps every notification's last text and injected elements, even after it closes itself. */
function recordNotifications(): void {
  const shown: ShownNotification[] = [];
  const seen = new Map<Element, ShownNotification>();
  Object.assign(window, { secretSyncShownNotifications: shown });
  new MutationObserver(() => {
    for (const element of document.querySelectorAll('.red-ui-notification')) {
      let entry = seen.get(element);
      if (!entry) {
        entry = { text: '', injected: 0 };
        seen.set(element, entry);
        shown.push(entry);
      }
      entry.text = element.textContent ?? '';
      entry.injected = Math.max(entry.injected, element.querySelectorAll('img[src="x"]').length);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

/** The first notification `page` showed whose text holds `text`, waiting up to 15 s for it. */
async function shownNotification(page: Page, text: string): Promise<ShownNotification> {
  const handle = await page.waitForFunction(
    (needle) => (window as unknown as { secretSyncShownNotifications: ShownNotification[] }).secretSyncShownNotifications.find((n) => n.text.includes(needle)),
    text,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as ShownNotification;
}

describe('security: markup in the Node-RED editor stays text', function () {
  this.timeout(180_000);
  const dialogs: string[] = [];
  let manager: TestManager;
  let hostile: HostileManager;
  let nr: NodeRedChild;
  let browser: Browser;
  const pages: Record<'admin' | 'reader', Page> = {} as Record<'admin' | 'reader', Page>;

  /** Elements the payloads would have created, inside `scope`. */
  const injected = (page: Page, scope: string): Promise<number> => page.locator(`${scope} img[src="x"]`).count();

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'ROTATE', value: 'first-value-of-rotate' } });
    hostile = await startHostileManager(manager.url);
    // The configured URL carries markup too: its path is the sidebar's "Address" and part of every sync error.
    const url = `${hostile.url}/${payload('address')}`;
    nr = await spawnNodeRed({
      flows,
      settings: { adminAuth: adminAuthSettings(), secretSync: { url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false } },
    });
    browser = await launchBrowser();
    for (const user of ['admin', 'reader'] as const) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // Any alert is the attack succeeding: record it, and close it so the page goes on.
      page.on('dialog', (dialog) => {
        dialogs.push(`${user}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await page.addInitScript(recordNotifications);
      await openEditor(page, nr.url, user);
      await openSecretsTab(page);
      pages[user] = page;
    }
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await hostile?.close();
    await manager?.stop();
  });

  for (const user of ['admin', 'reader'] as const) {
    it(`shows a node name with markup as text in the missing-reference notification (${user})`, async () => {
      // Recorded as it was shown: the notification closes itself after 10 s, which a loaded machine can spend opening the other editor.
      const note = await shownNotification(pages[user], 'Secret references without a value');
      assert.equal(note.injected, 0);
      assert.match(note.text, /\$\{SECRETS\.NOT_THERE\}: <img src=x onerror=alert\('missing'\)> \(change\)/);
    });

    it(`shows the configured address with markup as text in the sidebar (${user})`, async () => {
      const page = pages[user];
      await page.waitForSelector('#secret-sync-address', { state: 'attached' });
      assert.equal(await injected(page, '#secret-sync-sidebar'), 0);
      assert.match((await page.textContent('#secret-sync-address')) ?? '', /<img src=x onerror=alert\('address'\)>/);
    });

    it(`shows a legacy node's name with markup as text (${user})`, async () => {
      const page = pages[user];
      await page.locator('.red-ui-notification', { hasText: 'deprecated Secret Manager node' }).waitFor({ timeout: 15_000 });
      await page.waitForSelector('#secret-sync-legacy li[data-node="xss-legacy"]', { state: 'attached' });
      assert.equal(await injected(page, '#secret-sync-legacy'), 0);
      assert.match((await page.textContent('#secret-sync-legacy li[data-node="xss-legacy"]')) ?? '', /<img src=x onerror=alert\('legacy'\)>/);
    });
  }

  it('names restarted nodes with markup as text in the notification, for both users', async () => {
    assert.equal((await manager.api('PATCH', '/v1/spaces/demo/secrets/ROTATE', { body: { value: 'second-value-of-rotate' } })).status, 200);
    const token = await login(nr.url, 'admin');
    assert.equal((await nr.admin('POST', '/secret-sync/sync', { token })).status, 200);
    for (const page of Object.values(pages)) {
      const note = page.locator('.red-ui-notification', { hasText: 'Secrets changed: restarted' });
      await note.waitFor({ timeout: 15_000 });
      assert.equal(await injected(page, '.red-ui-notification'), 0);
      assert.match((await note.textContent()) ?? '', /restarted <img src=x onerror=alert\('restarted'\)> \(change\)/);
    }
  });

  it('never copies a hostile Content-Type into the Sync now notification, nor runs it', async () => {
    const page = pages.admin;
    hostile.hostile = true;
    await page.click('#secret-sync-sync-now');
    const note = page.locator('.red-ui-notification', { hasText: 'Sync failed' });
    await note.waitFor({ timeout: 15_000 });
    assert.equal(await injected(page, '.red-ui-notification'), 0);
    const text = (await note.textContent()) ?? '';
    assert.match(text, /answered with an unexpected content type instead of JSON/);
    assert.doesNotMatch(text, /content-type'\)/, 'no text of the header reaches the message');
    // The address in the same message is the configured one, shown as text.
    assert.match(text, /<img src=x onerror=alert\('address'\)>/);
    await page.waitForSelector('#secret-sync-sidebar .secret-sync-state[data-state="error"]');
    assert.equal(await injected(page, '#secret-sync-sidebar'), 0);
  });

  it('ran no script in either editor', async () => {
    for (const page of Object.values(pages)) assert.equal(await injected(page, 'body'), 0);
    assert.deepEqual(dialogs, []);
  });
});
