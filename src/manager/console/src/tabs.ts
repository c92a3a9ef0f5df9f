// The console's tabs as an ARIA tablist: one tab stop (the selected tab), arrow keys, Home and End move and select.
import { h } from './dom';

/** A tablist over one panel. */
export interface TabList {
  element: HTMLElement;
  /** Selects tab `id` (and shows its panel through the callback); with `focus`, moves the focus to it. */
  select(id: string, focus?: boolean): void;
}

/** Builds the tablist of `tabs` controlling the panel `panelId`; `onSelect` shows a tab's panel. */
export function tabList(tabs: readonly { id: string; label: string }[], panelId: string, onSelect: (id: string) => void): TabList {
  const buttons = tabs.map(({ id, label }) => h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-selected': 'false', 'aria-controls': panelId, tabindex: '-1' }, label));
  const element = h('div', { role: 'tablist', class: 'tabs' }, ...buttons);
  const select = (id: string, focus = false): void => {
    for (const b of buttons) {
      const on = b.id === `tab-${id}`;
      b.setAttribute('aria-selected', String(on));
      // Roving tab stop: Tab reaches the selected tab, the arrows the others.
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    onSelect(id);
  };
  buttons.forEach((b, i) => b.addEventListener('click', () => select(tabs[i]!.id)));
  element.addEventListener('keydown', (event) => {
    const at = buttons.findIndex((b) => b === document.activeElement);
    if (at < 0) return;
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(tabs[(to + buttons.length) % buttons.length]!.id, true);
  });
  return { element, select };
}
