// Launches Debian's Chromium through playwright-core, headless and off the network, and logs into the Node-RED editor.
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { PASSWORDS } from './admin-auth';

/** Where Debian's chromium package puts the browser (.ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a browser is installed here. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * Skips the calling suite when Chromium is missing, loudly; fails instead where
 * REQUIRE_BROWSER is set (.ci/run installs Chromium and sets it).
 */
export function requireBrowser(suite: Mocha.Context): void {
  if (hasChromium()) return;
  if (process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);
  console.warn(`e2e: ${CHROMIUM} is missing (apt-get install -y chromium); skipping the browser suite`);
  suite.skip();
}

/** Starts headless Chromium with the flags that keep it off the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Opens the editor at `url` and logs in as `user` through the login dialog. */
export async function openEditor(page: Page, url: string, user: keyof typeof PASSWORDS): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('#node-dialog-login-username', { timeout: 20_000 });
  await page.fill('#node-dialog-login-username', user);
  await page.fill('#node-dialog-login-password', PASSWORDS[user]);
  await page.click('#node-dialog-login-submit');
  await page.waitForSelector('button[data-tab-id="secret-sync"]', { timeout: 20_000 });
}

/** Opens the Secrets sidebar tab and waits until it shows a state. */
export async function openSecretsTab(page: Page): Promise<void> {
  // The editor restores the last open tab on its own, at a moment of its choosing, and a click on
  // an open tab's button closes it: click only while it is hidden, and look again after each click.
  for (let i = 0; i < 10 && !(await page.isVisible('#secret-sync-sidebar')); i++) {
    await page.waitForTimeout(300);
    if (!(await page.isVisible('#secret-sync-sidebar'))) await page.click('button[data-tab-id="secret-sync"]');
    await page.waitForTimeout(200);
  }
  await page.waitForSelector('#secret-sync-sidebar .secret-sync-state[data-state]', { state: 'visible', timeout: 10_000 });
}
