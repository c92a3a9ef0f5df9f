// Drives the Secret Manager's web console in Chromium: sign in, open a tab or a space, read where the focus is.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { INSTANCE_HEADER } from '../../src/shared/fleet-wire';
import type { TestManager } from './manager';

/** Signs in to the console at `url` with `token` and waits for the signed-in header. */
export async function signInConsole(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#signin');
  await page.waitForSelector('#who');
}

/** Opens the Space tab on `space` and waits for its table (and the row of `key`, when given). */
export async function openSpace(page: Page, space: string, key?: string): Promise<void> {
  await page.click('#tab-space');
  if ((await page.inputValue('#space-select')) !== space) await page.selectOption('#space-select', space);
  await page.waitForSelector(key === undefined ? '#content:not([aria-busy="true"]) #secrets' : `tr[data-key="${key}"]`);
}

/** Opens the Organization tab and waits for its table (and the row of `key`, when given). */
export async function openOrg(page: Page, key?: string): Promise<void> {
  await page.click('#tab-org');
  await page.waitForSelector(key === undefined ? '#content:not([aria-busy="true"]) #secrets' : `tr[data-key="${key}"]`);
}

/** A short description of the focused element: `tag#id` and its text or label (`body` when nothing has focus). */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const label = el.getAttribute('aria-label') ?? el.textContent ?? '';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${label.trim()}`.trim();
  });
}

/** Whether the page is no wider than its viewport (nothing to scroll sideways). */
export function fitsViewport(page: Page): Promise<{ scroll: number; viewport: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
}

/** Makes the manager record an instance `id` of `space` named `name` that uses `keys` (a read with the instance header, then its usage report). */
export async function fakeInstance(manager: TestManager, space: string, id: string, name: string, keys: { key: string; nodes: number }[]): Promise<void> {
  const token = await manager.readToken(space);
  const read = await manager.api('GET', `/v1/spaces/${space}/secrets`, { token, headers: { [INSTANCE_HEADER]: `${id}; name=${encodeURIComponent(name)}; version=1.0.0` } });
  if (read.status !== 200) throw new Error(`read answered ${read.status}`);
  const report = await manager.api('PUT', `/v1/spaces/${space}/instances/${id}/usage`, { token, body: { keys } });
  if (report.status !== 204) throw new Error(`usage report answered ${report.status}: ${report.text}`);
}

/** Closes every open dialog (after a test that failed half-way, so the next one starts on the page itself). */
export async function closeDialogs(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const dialog of document.querySelectorAll('dialog')) dialog.close();
  });
}
