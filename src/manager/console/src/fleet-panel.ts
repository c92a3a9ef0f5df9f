// The Space tab's fleet: each Node-RED instance that read the space, the version it runs, when it was seen, a page at a time; admins forget decommissioned ones.
import { api, messageOf } from './api';
import type { Instance, InstancePage } from './api';
import { count } from './counts';
import { cancelButton, marked, openDialog, settle } from './dialog';
import { ago, h } from './dom';
import { t, tParts } from './i18n';

/** Asks before forgetting `instance` of `space` (its row and usage go; it comes back if it reads again); opens on Cancel. */
function forgetDialog(space: string, instance: Instance, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const message = h('p', { id: 'forget-message' }, ...tParts('forgetConfirm', { name: marked(instance.name || instance.id) }));
  const confirm = h('button', { type: 'button', class: 'danger', id: 'forget-confirm' }, t('forget'));
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title', 'aria-describedby': 'forget-message' });
  const cancel = cancelButton(dialog);
  dialog.append(h('h2', { id: 'dialog-title' }, t('forgetTitle')), message, error, h('div', { class: 'toolbar' }, confirm, cancel));
  const path = `/spaces/${encodeURIComponent(space)}/instances/${encodeURIComponent(instance.id)}`;
  confirm.addEventListener('click', () => settle(() => api('DELETE', path), dialog, error, done, confirm));
  openDialog(dialog, cancel);
}

/** One row of the fleet table. */
function instanceRow(space: string, i: Instance, version: number, canManage: boolean, reload: () => void): HTMLElement {
  const isCurrent = i.syncedVersion === version;
  return h(
    'tr',
    { 'data-instance': i.id },
    h('td', { class: 'wrap' }, i.name || i.id),
    h('td', { class: 'mono wrap' }, i.version || '—'),
    h('td', {}, typeof i.syncedVersion === 'number' ? String(count(i.syncedVersion)) : '—'),
    h('td', { class: isCurrent ? 'ok' : 'behind' }, isCurrent ? t('current') : t('behind', { ago: ago(i.lastSeen) })),
    canManage
      ? h('td', { class: 'actions' }, h('button', { type: 'button', 'aria-label': `${t('forget')} ${i.name || i.id}`, title: t('forget'), onclick: () => forgetDialog(space, i, reload) }, t('forget')))
      : null,
  );
}

/**
 * The fleet panel of `space` from the first page of its instances; *Show more*
 * appends the next page. With `canManage`, a Forget button per instance. The
 * summary's counts are the manager's, held to sane numbers.
 */
export function fleetPanel(space: string, first: InstancePage, canManage: boolean, reload: () => void): HTMLElement {
  const instances = Array.isArray(first.instances) ? first.instances : [];
  // The heading takes the focus after a Forget (tabindex -1: not a tab stop).
  const heading = h('h2', { tabindex: '-1' }, t('fleet'));
  if (instances.length === 0) return h('section', { class: 'panel', id: 'fleet' }, heading, h('p', { class: 'muted' }, t('noInstances')));
  const total = Math.max(count(first.total), instances.length);
  const version = count(first.version);
  const body = h('tbody', {});
  const shown = new Set<string>();
  const more = h('button', { type: 'button', id: 'fleet-more' }, t('showMore'));
  const progress = h('span', { class: 'muted', id: 'fleet-shown' });
  const error = h('p', { class: 'error', role: 'alert' });
  let next: string | null = null;
  const append = (page: InstancePage): void => {
    for (const i of Array.isArray(page.instances) ? page.instances : []) {
      if (shown.has(i.id)) continue;
      shown.add(i.id);
      body.append(instanceRow(space, i, version, canManage, reload));
    }
    next = typeof page.next === 'string' ? page.next : null;
    more.hidden = next === null;
    progress.textContent = t('fleetShown', { shown: shown.size, total: Math.max(total, shown.size) });
    progress.hidden = next === null && shown.size >= total;
  };
  more.addEventListener('click', () => {
    if (next === null) return;
    more.disabled = true;
    api<InstancePage>('GET', `/spaces/${encodeURIComponent(space)}/instances?cursor=${encodeURIComponent(next)}`).then(
      (page) => {
        error.textContent = '';
        append(page);
        more.disabled = false;
      },
      (err: unknown) => {
        error.textContent = messageOf(err);
        more.disabled = false;
      },
    );
  });
  append(first);
  const headers = [t('instance'), t('pluginVersion'), t('synced'), t('lastSeen'), ...(canManage ? [t('actions')] : [])];
  return h(
    'section',
    { class: 'panel', id: 'fleet' },
    heading,
    h('p', { id: 'fleet-summary' }, t('fleetSummary', { current: Math.min(count(first.current), total), total, version })),
    h('p', { class: 'muted' }, t('fleetRetention')),
    h('table', {}, h('thead', {}, h('tr', {}, ...headers.map((label) => h('th', {}, label)))), body),
    h('div', { class: 'toolbar' }, more, ' ', progress),
    error,
  );
}
