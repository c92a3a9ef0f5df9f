// The Secrets sidebar at the sizes Node-RED 5 gives it: stacked over or under the Debug pane, 300 px wide, light and dark.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminAuthSettings } from '../helpers/admin-auth';
import { launchBrowser, openEditor, requireBrowser } from '../helpers/browser';
import { startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');
/** The viewport a new user had when the overlap was reported. */
const VIEWPORT = { width: 1400, height: 860 };

/** Node-RED 5's sidebar layout (`editor.sidebar.state`, version 4) with the Secrets tab in `section` of the right-hand sidebar, 300 px wide. */
function layout(section: 'top' | 'bottom', topHeight?: number): unknown {
  const others = ['info', 'help', 'config', 'context'];
  // Stacked: the Debug pane is open in the other half of the same sidebar.
  const [top, bottom] = section === 'top' ? [['secret-sync', ...others], ['debug']] : [['debug', ...others], ['secret-sync']];
  return {
    v: 4,
    tabs: ['palette', 'explorer', 'info', 'debug', 'help', 'config', 'context', 'secret-sync'],
    // `height`: the top pane's height in px, which the editor keeps when the user drags the split.
    primary: { width: 300, top: { tabs: top, active: top[0], ...(topHeight ? { height: topHeight } : {}) }, bottom: { tabs: bottom, active: bottom[0] } },
    secondary: { top: { tabs: ['explorer'], active: 'explorer' }, bottom: { tabs: ['palette'], active: 'palette' } },
  };
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const intersects = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** What the checks need from the page, measured in the browser. */
interface Measured {
  pane: Box;
  /** Each control row: its label text's box and its control's box. */
  rows: { label: string; text: Box; control: Box }[];
  /** Elements that must be visible without scrolling, with their boxes. */
  essentials: Record<string, Box | null>;
  overflowX: number;
}

async function measure(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    const box = (el: Element | null): Box | null => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const textBox = (row: Element): Box => {
      // The label's own text: a Range over its text nodes, so the control inside the label is not counted.
      const range = document.createRange();
      const texts = [...row.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE || (n instanceof HTMLElement && n.tagName === 'SPAN'));
      range.setStartBefore(texts[0]!);
      range.setEndAfter(texts[texts.length - 1]!);
      return box(range as unknown as Element)!;
    };
    const sidebar = document.querySelector('#secret-sync-sidebar')!;
    const rows = [...sidebar.querySelectorAll('.secret-sync-control')].map((row) => ({
      label: row.textContent?.trim() ?? '',
      text: textBox(row),
      control: box(row.querySelector('select, input'))!,
    }));
    return {
      pane: box(sidebar)!,
      rows,
      essentials: {
        syncNow: box(sidebar.querySelector('#secret-sync-sync-now')),
        interval: box(sidebar.querySelector('#secret-sync-interval')),
        syncOnSave: box(sidebar.querySelector('.secret-sync-checkbox input')),
        search: box(sidebar.querySelector('.secret-sync-search')),
        firstKey: box(sidebar.querySelector('#secret-sync-keys > li')),
      },
      overflowX: sidebar.scrollWidth - sidebar.clientWidth,
    };
  });
}

describe('e2e: Secrets sidebar layout in Node-RED 5 stacked panes', function () {
  this.timeout(120_000);
  let manager: TestManager;
  let nr: NodeRedChild;
  let browser: Browser;

  before(async function () {
    requireBrowser(this);
    manager = await startTestManager();
    for (const name of ['my_api_token', 'WEATHER_API_KEY', 'A_RATHER_LONG_SECRET_NAME_FOR_A_NARROW_SIDEBAR']) {
      await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name, value: `${name.toLowerCase()}-value-1` } });
    }
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'MQTT_BROKER', value: { username: 'mqtt-user-1', password: 'mqtt-password-1' } } });
    const token = await manager.readToken('demo');
    nr = await spawnNodeRed({ settings: { adminAuth: adminAuthSettings(), secretSync: { url: manager.url, space: 'demo', token, interval: '60m', syncOnDeploy: true } } });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await manager?.stop();
  });

  // Both panes in both themes, and the longest labels (German) in the tighter top pane.
  const cases = [
    ...(['top', 'bottom'] as const).flatMap((section) => (['light', 'dark'] as const).map((scheme) => ({ section, scheme, locale: 'en-US' }))),
    { section: 'top' as const, scheme: 'light' as const, locale: 'de-DE' },
  ];
  for (const { section, scheme, locale } of cases) {
    {
      it(`is usable in the ${section} pane, 300 px wide, ${scheme}, ${locale}: no label over its control, every control and a key in view`, async () => {
        const context: BrowserContext = await browser.newContext({ colorScheme: scheme, viewport: VIEWPORT, locale });
        if (scheme === 'dark') await context.addInitScript(() => localStorage.setItem('view-dark-theme', 'dark'));
        const page = await context.newPage();
        try {
          await openEditor(page, nr.url, 'admin');
          // The layout is a user setting: save it, then load the editor again so the tabs are placed by it.
          await page.evaluate((state) => {
            (window as unknown as { RED: { settings: { set(k: string, v: unknown): void } } }).RED.settings.set('editor.sidebar.state', state);
          }, layout(section));
          await page.waitForTimeout(800);
          await page.reload();
          await page.waitForSelector('#secret-sync-sidebar .secret-sync-state[data-state="ok"]', { state: 'visible', timeout: 20_000 });
          await page.waitForSelector('#secret-sync-keys > li', { state: 'visible' });
          assert.ok(await page.isVisible('.red-ui-debug-content'), 'the Debug pane shares the sidebar');
          const m = await measure(page);
          await page.screenshot({ path: join(SCREENSHOTS, `sidebar-stacked-${section}-${scheme}-${locale}.png`) });
          // The right-hand sidebar alone, both panes.
          await page.screenshot({ path: join(SCREENSHOTS, `sidebar-pane-${section}-${scheme}-${locale}.png`), clip: { x: m.pane.x - 6, y: 44, width: m.pane.width + 10, height: VIEWPORT.height - 80 } });
          assert.ok(Math.abs(m.pane.width - 300) <= 12, `pane width ${m.pane.width}`);
          assert.ok(m.pane.height < VIEWPORT.height * 0.6, `a pane that shares the height (${m.pane.height} px)`);
          assert.ok(m.rows.length >= 2);
          for (const row of m.rows) assert.equal(intersects(row.text, row.control), false, `"${row.label}": label ${JSON.stringify(row.text)} overlaps control ${JSON.stringify(row.control)}`);
          assert.ok(m.overflowX <= 0, `nothing wider than the pane (overflow ${m.overflowX} px)`);
          const bottom = m.pane.y + m.pane.height;
          for (const [name, b] of Object.entries(m.essentials)) {
            assert.ok(b, `${name} is rendered`);
            assert.ok(b.y >= m.pane.y - 1 && b.y + b.height <= bottom + 1, `${name} is in view without scrolling (${b.y}–${b.y + b.height}, pane ${m.pane.y}–${bottom})`);
            assert.ok(b.x >= m.pane.x - 1 && b.x + b.width <= m.pane.x + m.pane.width + 1, `${name} fits the width`);
          }
        } finally {
          await context.close();
        }
      });
    }
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`takes the README's ${scheme} picture: a taller top pane, every part in view (docs/sidebar-${scheme}.png is copied from it)`, async () => {
      const viewport = { width: 1400, height: 900 };
      const context = await browser.newContext({ colorScheme: scheme, viewport });
      if (scheme === 'dark') await context.addInitScript(() => localStorage.setItem('view-dark-theme', 'dark'));
      const page = await context.newPage();
      try {
        await openEditor(page, nr.url, 'admin');
        await page.evaluate((state) => {
          (window as unknown as { RED: { settings: { set(k: string, v: unknown): void } } }).RED.settings.set('editor.sidebar.state', state);
        }, layout('top', 600));
        await page.waitForTimeout(800);
        await page.reload();
        await page.waitForSelector('#secret-sync-sidebar .secret-sync-state[data-state="ok"]', { state: 'visible', timeout: 20_000 });
        await page.waitForSelector('li[data-key="my_api_token"]', { state: 'visible' });
        // No notification over the pane in the picture.
        await page.waitForTimeout(1_000);
        const m = await measure(page);
        const last = await page.$eval('#secret-sync-keys > li:last-child', (el) => el.getBoundingClientRect().bottom);
        assert.ok(last <= m.pane.y + m.pane.height, `every key is in view (last key ends at ${last}, the pane at ${m.pane.y + m.pane.height})`);
        await page.screenshot({ path: join(SCREENSHOTS, `sidebar-readme-${scheme}.png`), clip: { x: m.pane.x - 6, y: 44, width: m.pane.width + 10, height: m.pane.y + m.pane.height - 44 + 6 } });
      } finally {
        await context.close();
      }
    });
  }
});
