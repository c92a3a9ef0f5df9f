// The Audit tab: who did what, when, from where, in words; filtered on the manager by who / what / key; older entries a page at a time.
import { api, messageOf } from './api';
import { count } from './counts';
import { fill, h } from './dom';
import { isWord, t, tParts } from './i18n';
import type { WordKey } from './i18n';
import type { View } from './secrets-view';

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  scope: string | null;
  target: string | null;
  ip: string | null;
  /** Repeats folded into this entry (sign-ins, failures, refusals): README, "The web console". */
  count: number;
}

/** Entries per page: the manager's. */
const PAGE = 200;

/** The "What" filter's choices: the manager's action groups (README, "HTTP API"). */
const ACTION_GROUPS: readonly [string, WordKey][] = [
  ['', 'anyAction'],
  ['secret', 'actionSecret'],
  ['token', 'actionToken'],
  ['instance', 'actionInstance'],
  ['session', 'actionSession'],
  ['operations', 'actionOperations'],
];

/** What an entry records, in words: "Changed secret X in space demo (3 times)"; the names as code. */
function what(e: AuditEntry): (string | Node)[] {
  const outside = e.scope === null || e.scope === 'org';
  const key = outside && isWord(`${e.action}.org`) ? `${e.action}.org` : e.action;
  const parts: (string | Node)[] = isWord(key)
    ? tParts(key, { target: h('span', { class: 'mono' }, e.target ?? ''), scope: h('span', { class: 'mono' }, e.scope ?? '') })
    : // An action this console does not know (a newer manager): shown as the manager names it.
      [`${e.action} ${e.scope ?? ''} ${e.target ?? ''}`.trim()];
  const repeats = count(e.count);
  if (repeats > 1) parts.push(' ', h('span', { class: 'count' }, t('times', { count: repeats })));
  return parts;
}

function row(e: AuditEntry): HTMLElement {
  return h(
    'tr',
    { 'data-action': e.action },
    h('td', { class: 'date', title: e.at }, new Date(e.at).toLocaleString()),
    h('td', {}, h('div', { class: 'clamp', title: e.actor }, e.actor)),
    h('td', { class: 'wrap', title: e.action }, ...what(e)),
    h('td', { class: 'mono' }, e.ip ?? ''),
  );
}

/** The audit trail, newest first, with its filters and "Show older". Draws nothing once the tab is left. */
export async function renderAudit(view: View): Promise<void> {
  const actor = h('input', { id: 'audit-actor', type: 'search', 'aria-label': t('who'), placeholder: t('who'), maxlength: '128' });
  const action = h('select', { id: 'audit-action', 'aria-label': t('what') }, ...ACTION_GROUPS.map(([value, label]) => h('option', { value }, t(label))));
  const target = h('input', { id: 'audit-target', type: 'search', 'aria-label': t('key'), placeholder: t('key'), maxlength: '128', class: 'mono' });
  const apply = h('button', { type: 'submit', id: 'audit-apply' }, t('filter'));
  const form = h('form', { class: 'toolbar', id: 'audit-filter' }, actor, action, target, apply);
  const body = h('tbody', { id: 'audit' });
  const older = h('button', { type: 'button', id: 'audit-older' }, t('showOlder'));
  const error = h('p', { class: 'error', role: 'alert' });
  let last: number | undefined;
  /** The query of the filters as they were when the list was loaded: "Show older" pages back within them. */
  let query = '';

  const load = async (append: boolean): Promise<void> => {
    const params = new URLSearchParams(query);
    if (append && last !== undefined) params.set('before', String(last));
    const search = params.toString();
    const { entries } = await api<{ entries: AuditEntry[] }>('GET', `/audit${search ? `?${search}` : ''}`, undefined, view.signal);
    if (view.signal.aborted) return;
    const list = Array.isArray(entries) ? entries : [];
    if (!append) fill(body);
    body.append(...list.map(row));
    if (body.children.length === 0) body.append(h('tr', {}, h('td', { colspan: '4', class: 'muted' }, t('noEntries'))));
    last = list.at(-1)?.seq;
    older.hidden = list.length < PAGE;
  };
  const run = (append: boolean, button: HTMLButtonElement): void => {
    if (button.disabled) return;
    button.disabled = true;
    error.textContent = '';
    load(append).then(
      () => (button.disabled = false),
      (err: unknown) => {
        button.disabled = false;
        error.textContent = messageOf(err);
      },
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (actor.value.trim()) params.set('actor', actor.value.trim());
    if (action.value) params.set('action', action.value);
    if (target.value.trim()) params.set('target', target.value.trim());
    query = params.toString();
    run(false, apply);
  });
  older.addEventListener('click', () => run(true, older));
  await load(false);
  if (view.signal.aborted) return;
  fill(
    view.root,
    form,
    h('table', { class: 'audit' }, h('thead', {}, h('tr', {}, ...[t('when'), t('who'), t('what'), t('from')].map((l) => h('th', {}, l)))), body),
    h('div', { class: 'toolbar' }, older),
    error,
  );
}
