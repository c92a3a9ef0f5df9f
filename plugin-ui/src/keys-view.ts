// The secrets section: a search box and the keys with masked values, rendered a page at a time.
import { api } from './api';
import { contextPath, functionPath, referencePath } from './format';
import { t } from './i18n';
import { keyMatches } from '../../src/shared/contract';
import type { KeyEntry } from '../../src/shared/contract';

/** Rows rendered per page; the rest come with "Show more", so 10,000 keys stay fast. */
export const PAGE_SIZE = 200;

function copyButtons(key: string, field?: string): JQuery[] {
  const button = (text: string, icon: string, label: string): JQuery => {
    const element: JQuery = $('<button type="button" class="red-ui-button red-ui-button-small secret-sync-copy">')
      .attr('aria-label', t(label, { path: text }))
      .attr('title', text)
      .attr('data-copy', text)
      .append($('<i>').attr('class', icon).attr('aria-hidden', 'true'))
      .on('click', () => {
        RED.clipboard.copyText(text, element, t('keys.copied'));
      });
    return element;
  };
  return [
    button(functionPath(key, field), 'fa fa-code', 'keys.copyFunction'),
    button(contextPath(key, field), 'fa fa-clipboard', 'keys.copyPath'),
    button(referencePath(key, field), 'fa fa-usd', 'keys.copyReference'),
  ];
}

/** One key and its pairs; with a search, the pairs it matched (not the key) are marked. */
function row(entry: KeyEntry, needle: string): JQuery {
  const li = $('<li class="secret-sync-key">').attr('data-key', entry.key);
  $('<div class="secret-sync-key-line">')
    .append($('<span class="secret-sync-key-name">').text(entry.key).attr('title', entry.key), $('<span class="secret-sync-masked">').text(entry.masked), $('<span class="secret-sync-key-tools">').append(copyButtons(entry.key)))
    .appendTo(li);
  if (entry.fields) {
    const fields = $('<ul class="secret-sync-fields">').appendTo(li);
    const byKey = needle === '' || keyMatches(needle, entry.key);
    for (const field of entry.fields) {
      $('<li class="secret-sync-field">')
        .attr('data-field', field)
        .toggleClass('secret-sync-field-match', !byKey && keyMatches(needle, entry.key, field))
        .append($('<span class="secret-sync-key-name">').text(field), $('<span class="secret-sync-masked">').text(entry.masked), $('<span class="secret-sync-key-tools">').append(copyButtons(entry.key, field)))
        .appendTo(fields);
    }
  }
  return li;
}

/** Search and list. */
export class KeysView {
  readonly element: JQuery;
  readonly #search: JQuery<HTMLInputElement>;
  readonly #count: JQuery;
  readonly #list: JQuery;
  readonly #more: JQuery;
  readonly #empty: JQuery;
  #entries: KeyEntry[] = [];
  /** The search the shown entries answer, lower case. */
  #needle = '';
  #shown = 0;
  #space: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;

  constructor() {
    this.element = $('<div class="secret-sync-keys">');
    const header = $('<div class="secret-sync-keys-header">').appendTo(this.element);
    $('<span class="secret-sync-section-title">').text(t('keys.title')).appendTo(header);
    this.#count = $('<span class="secret-sync-count" id="secret-sync-key-total">').appendTo(header);
    this.#search = $<HTMLInputElement>('<input type="search" id="secret-sync-search" class="secret-sync-search">')
      .attr('placeholder', t('keys.search'))
      .attr('aria-label', t('keys.search'))
      .on('input', () => {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.refresh(), 150);
      })
      // On the title's line: one line less in a half-height pane.
      .appendTo(header);
    this.#list = $('<ul class="secret-sync-key-list" id="secret-sync-keys" role="list">').appendTo(this.element);
    this.#empty = $('<div class="secret-sync-empty" id="secret-sync-empty">').hide().appendTo(this.element);
    this.#more = $('<button type="button" class="red-ui-button secret-sync-more" id="secret-sync-more">')
      .hide()
      .on('click', () => this.#renderPage())
      .appendTo(this.element);
  }

  /** Tells the view which space it shows, for the empty-state text. */
  setSpace(space: string | null): void {
    this.#space = space;
  }

  /** Reloads the keys matching the search box. */
  async refresh(): Promise<void> {
    const q = String(this.#search.val() ?? '').trim();
    const request = ++this.#request;
    try {
      const { keys } = await api.keys(q);
      // An older answer arriving after a newer one must not overwrite it.
      if (request !== this.#request) return;
      this.#entries = keys;
    } catch {
      if (request !== this.#request) return;
      this.#entries = [];
    }
    this.#needle = q.toLowerCase();
    this.#list.empty();
    this.#shown = 0;
    this.#count.text(`(${this.#entries.length})`);
    if (this.#entries.length === 0) {
      this.#empty.text(q === '' ? t('keys.empty', { space: this.#space ?? '' }) : t('keys.noMatch', { q })).show();
    } else {
      this.#empty.hide();
    }
    this.#renderPage();
  }

  /** Stops pending work. */
  destroy(): void {
    clearTimeout(this.#timer);
  }

  #renderPage(): void {
    const next = this.#entries.slice(this.#shown, this.#shown + PAGE_SIZE);
    this.#list.append(next.map((entry) => row(entry, this.#needle)));
    this.#shown += next.length;
    const left = this.#entries.length - this.#shown;
    if (left > 0) this.#more.text(t('keys.more', { count: Math.min(left, PAGE_SIZE), left })).show();
    else this.#more.hide();
  }
}
