// The first minutes of a new user: `npm start`'s launcher opens the editor on the example flow, with no prompt over it.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, requireBrowser } from '../helpers/browser';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';

const LAUNCHER = join(REPO_ROOT, 'dist/scripts/start.js');
const PROMPT = 'Enable Update Notifications';

/** Starts the launcher on free ports in `dir`; resolves with the editor URL it prints. */
function startLauncher(dir: string): Promise<{ child: ChildProcess; editor: string; output: () => string }> {
  const child = spawn(process.execPath, [LAUNCHER], {
    env: { ...process.env, PORT: '0', SECRET_MANAGER_PORT: '0', SECRET_SYNC_DEMO_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the launcher printed no editor URL within 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const match = /Node-RED editor:\s+(http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, editor: match[1]!, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited (${code}):\n${out}`));
    });
  });
}

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

  it('shows the example flow at 1400×860 with no prompt over it, and stops cleanly on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-sync-demo-'));
    const launcher = await startLauncher(dir);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(launcher.editor);
      await settle(page);
      assert.equal(await page.getByText(PROMPT).count(), 0, 'no update-notifications prompt');
      assert.equal(await page.evaluate(() => (window as unknown as { RED: { settings: { telemetryEnabled?: boolean } } }).RED.settings.telemetryEnabled), false);
      assert.ok(await page.isVisible('.red-ui-tab:has-text("Secret Sync: use a secret")'), 'the example flow is open');
      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'first-start.png') });
      assert.match(launcher.output(), /Web console: {6}http:\/\/127\.0\.0\.1:\d+\//);
    } finally {
      const exited = new Promise<number | null>((done) => launcher.child.once('exit', (code) => done(code)));
      launcher.child.kill('SIGINT');
      assert.equal(await exited, 0);
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
