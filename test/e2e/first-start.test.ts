// The first minutes of a new user: `npm start`'s launcher opens the editor on the example flow, with no prompt over it.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { startLauncher } from '../helpers/launcher';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';

const PROMPT = 'Enable Update Notifications';

/** Waits until the editor has loaded its flows and run its start-up checks (the prompt comes after both). */
async function settle(page: Page): Promise<void> {
  await page.waitForSelector('button[data-tab-id="secret-sync"]', { timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as { RED?: { nodes?: { getWorkspaceOrder(): unknown[] } } }).RED?.nodes?.getWorkspaceOrder().length, undefined, { timeout: 15_000 });
  await page.waitForTimeout(2_000);
}

describe('e2e: first start (npm start)', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(function () {
    requireBrowser(this);
  });
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => browser?.close());

  it('shows the example flow at 1400×860 with no prompt over it, sends nothing off the machine, and stops cleanly on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-sync-demo-'));
    const launcher = await startLauncher(dir);
    let exited = false;
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      // Every request the page makes, whatever it is for (scripts, catalogues, fonts, XHR, WebSocket).
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('websocket', (ws) => requested.push(ws.url()));
      await page.goto(launcher.editor);
      await settle(page);
      // The palette manager loads its catalogues as the editor starts: give it the time it takes.
      await page.waitForTimeout(1_000);
      const away = requested.filter((url) => new URL(url).hostname !== '127.0.0.1');
      assert.deepEqual(away, [], 'requests that left 127.0.0.1');
      assert.ok(requested.length > 10, 'the recorder saw the editor load');
      assert.equal(await page.getByText(PROMPT).count(), 0, 'no update-notifications prompt');
      assert.equal(await page.evaluate(() => (window as unknown as { RED: { settings: { telemetryEnabled?: boolean } } }).RED.settings.telemetryEnabled), false);
      assert.ok(await page.isVisible('.red-ui-tab:has-text("Secret Sync: use a secret")'), 'the example flow is open');
      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'first-start.png') });
      assert.match(launcher.output(), /Web console: {6}http:\/\/127\.0\.0\.1:\d+\//);
      assert.equal(await launcher.stop(), 0);
      exited = true;
      // Node-RED keeps the demo's credentials encrypted, with a key it never prints.
      assert.doesNotMatch(launcher.output(), /unencrypted credentials|Encrypted credentials not found|system-generated key/i);
      const secret = readFileSync(join(dir, 'node-red.credential-secret'), 'utf8').trim();
      assert.match(secret, /^[0-9a-f]{64}$/);
      assert.equal(statSync(join(dir, 'node-red.credential-secret')).mode & 0o777, 0o600);
      assert.ok(!launcher.output().includes(secret), 'the credential secret is never printed');
      assert.match(readFileSync(join(dir, 'node-red', 'flows_cred.json'), 'utf8'), /^\{"\$":"[0-9a-f]{32}/);
    } finally {
      if (!exited) await launcher.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('(control) a Node-RED without the telemetry setting does show the prompt, so the check above can fail', async () => {
    // null reaches the runtime as "no choice made" (JSON cannot carry undefined to the child).
    const nr = await spawnNodeRed({ settings: { telemetry: null } });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(nr.url);
      await settle(page);
      assert.equal(await page.getByText(PROMPT).count(), 1);
    } finally {
      await nr.stop();
    }
  });
});
