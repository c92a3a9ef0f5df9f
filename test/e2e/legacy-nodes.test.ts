// Legacy node handling in real Chromium: the notice (on load and on Import), Show, the one-step undoable delete that joins wires, locked flows kept, read-only users, German.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { legacyFlows } from '../fixtures/legacy-flows';
import { adminAuthSettings } from '../helpers/admin-auth';
import { launchBrowser, openEditor, openSecretsTab, requireBrowser } from '../helpers/browser';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

interface EditorRed {
  nodes: {
    filterNodes(f: { type: string }): { id: string }[];
    filterLinks(f: { source?: { id: string } }): { source: { id: string }; target: { id: string } }[];
  };
  view: { selection(): { nodes?: { id: string }[] } };
  actions: { invoke(name: string): void };
}

/** Legacy node ids, and every wire as "source>target", sorted. */
async function workspace(page: Page): Promise<{ legacy: string[]; wires: string[] }> {
  return page.evaluate(() => {
    const red = (window as unknown as { RED: EditorRed }).RED;
    const legacy = red.nodes.filterNodes({ type: 'secret-manager' }).map((n) => n.id).sort();
    const wires = ['old-in', 'legacy-1', 'legacy-2', 'old-fn'].flatMap((id) => red.nodes.filterLinks({ source: { id } }).map((l) => `${l.source.id}>${l.target.id}`));
    return { legacy, wires: wires.sort() };
  });
}

describe('e2e: legacy Secret Manager nodes', function () {
  this.timeout(120_000);
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;
  let page: Page;

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    const token = await manager.readToken('demo');
    nr = await spawnNodeRed({ flows: legacyFlows(), settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token } } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openEditor(page, nr.url, 'admin');
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('offers to delete them when the flows load, with Show, Delete and Not now', async () => {
    const notice = page.locator('.red-ui-notification', { hasText: 'deprecated Secret Manager node' });
    await notice.waitFor({ timeout: 15_000 });
    assert.match((await notice.textContent()) ?? '', /3 deprecated Secret Manager nodes found in your flows\. Secret Sync now provides global\.SECRETS, so they can go\./);
    const buttons = await notice.locator('button').allTextContents();
    assert.deepEqual(buttons.map((b) => b.trim()), ['Show', 'Delete legacy nodes', 'Not now']);
  });

  it('lists them in the Secrets sidebar', async () => {
    await openSecretsTab(page);
    await page.waitForSelector('#secret-sync-legacy:visible');
    const items = await page.$$eval('#secret-sync-legacy li', (els) => els.map((e) => e.getAttribute('data-node')));
    assert.deepEqual(items.sort(), ['legacy-1', 'legacy-2', 'legacy-locked']);
  });

  it('"Show" selects them', async () => {
    await page.locator('.red-ui-notification button', { hasText: 'Show' }).click();
    const selected = await page.evaluate(() => ((window as unknown as { RED: EditorRed }).RED.view.selection().nodes ?? []).map((n) => n.id).sort());
    assert.deepEqual(selected, ['legacy-1', 'legacy-2']);
  });

  it('deletes them in one step, joins the wires around them, keeps the locked one, and one undo restores all', async () => {
    const before = await workspace(page);
    assert.deepEqual(before.wires, ['legacy-1>legacy-2', 'legacy-2>old-fn', 'old-fn>old-out', 'old-in>legacy-1']);
    await page.locator('.red-ui-notification button', { hasText: 'Delete legacy nodes' }).click();
    await page.locator('.red-ui-notification', { hasText: 'Deleted 2 legacy nodes; the wires around them were joined.' }).waitFor();
    await page.locator('.red-ui-notification', { hasText: '1 legacy node in a locked flow was kept.' }).waitFor();
    const after = await workspace(page);
    assert.deepEqual(after, { legacy: ['legacy-locked'], wires: ['old-fn>old-out', 'old-in>old-fn'] });
    await page.waitForFunction(() => document.querySelectorAll('#secret-sync-legacy li').length === 1);

    await page.evaluate(() => (window as unknown as { RED: EditorRed }).RED.actions.invoke('core:undo'));
    const undone = await workspace(page);
    assert.deepEqual(undone, before);
  });

  it('does not offer again for the nodes an undo brought back', async () => {
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.red-ui-notification', { hasText: 'deprecated Secret Manager node' }).count(), 0);
  });

  it('offers to delete legacy nodes as soon as they are imported, before any deploy', async () => {
    const imported = [{ id: 'legacy-imported', type: 'secret-manager', name: 'imported one', x: 200, y: 300, wires: [[]] }];
    await page.evaluate(() => (window as unknown as { RED: EditorRed }).RED.actions.invoke('core:show-import-dialog'));
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(imported));
    // The dialog checks the text on keyup, as when typed.
    await page.press('#red-ui-clipboard-dialog-import-text', 'End');
    await page.click('#red-ui-clipboard-dialog-ok');
    // The editor hangs the imported nodes on the pointer: a click on the canvas puts them down.
    await page.mouse.click(600, 500);
    const notice = page.locator('.red-ui-notification', { hasText: 'deprecated Secret Manager node' });
    await notice.waitFor({ timeout: 5_000 });
    assert.match((await notice.textContent()) ?? '', /^4 deprecated Secret Manager nodes found/);
    assert.deepEqual((await notice.locator('button').allTextContents()).map((b) => b.trim()), ['Show', 'Delete legacy nodes', 'Not now']);
    assert.ok((await workspace(page)).legacy.includes('legacy-imported'));
    await notice.locator('button', { hasText: 'Not now' }).click();
  });

  it('says "1 key" after a sync of one secret', async () => {
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'ONLY_ONE', value: 'only-one-value' } });
    await openSecretsTab(page);
    await page.click('#secret-sync-sync-now');
    await page.locator('.red-ui-notification', { hasText: 'Secrets synced: 1 key.' }).waitFor({ timeout: 10_000 });
  });

  it('gives a read-only user the notice without a Delete button, and a disabled one in the sidebar', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const reader = await context.newPage();
      await openEditor(reader, nr.url, 'reader');
      const notice = reader.locator('.red-ui-notification', { hasText: 'deprecated Secret Manager node' });
      await notice.waitFor({ timeout: 15_000 });
      assert.match((await notice.textContent()) ?? '', /Deleting them needs permission to edit the flows\./);
      assert.deepEqual((await notice.locator('button').allTextContents()).map((b) => b.trim()), ['Show', 'Not now']);
      await openSecretsTab(reader);
      await reader.waitForSelector('#secret-sync-legacy:visible');
      assert.equal(await reader.isDisabled('#secret-sync-delete-legacy'), true);
    } finally {
      await context.close();
    }
  });

  it('speaks German with singular and plural: the notice, the deletion, the node kept', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'de-DE' });
    try {
      const german = await context.newPage();
      await openEditor(german, nr.url, 'admin');
      const notice = german.locator('.red-ui-notification', { hasText: 'veraltete Secret-Manager-Nodes' });
      await notice.waitFor({ timeout: 15_000 });
      assert.match((await notice.textContent()) ?? '', /3 veraltete Secret-Manager-Nodes in Ihren Flows gefunden\. .* sie können weg\./);
      await notice.locator('button', { hasText: 'Veraltete Nodes löschen' }).click();
      await german.locator('.red-ui-notification', { hasText: '2 veraltete Nodes gelöscht; die Verbindungen um sie wurden zusammengeführt.' }).waitFor();
      await german.locator('.red-ui-notification', { hasText: '1 veralteter Node in einem gesperrten Flow wurde behalten.' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
