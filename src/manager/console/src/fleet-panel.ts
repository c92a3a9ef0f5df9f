// The Space tab's fleet: each Node-RED instance that read the space, the version it runs, when it was seen, a page at a time; admins forget decommissioned ones.
import { api } from './api';
import type { Instance, InstancePage } from './api';
import { count } from './counts';
import { openDialog, settle } from './dialog';
import { ago, h } from './dom';
import { t } from './i18n';

/** Asks before forgetting `instance` of `space` (its row and usage go; it comes back if it reads again). */
function forgetDialog(space: string, instance: Instance, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const message = h('p', { id: 'forget-message' });
  const [before, after] = t('forgetConfirm', { name: '\u0000' }).split('\u0000');
  message.append(before ?? '', h('mark', { class: 'mono' }, instance.name || instance.id), after ?? '');
  const confirm = h('button', { type: 'button', class: 'danger', id: 'forget-confirm' }, t('forget'));
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'dialog-title' },
    h('h2', { id: 'dialog-title' }, t('forgetTitle')),
    message,
    error,
    h('div', { class: 'toolbar' }, confirm, h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'))),
  );
  confirm.addEventListener('click', () => settle(api('DELETE', `/spaces/${encodeURIComponent(space)}/instances/${encodeURIComponent(instance.id)}`), dialog, error, done));
  openDialog(dialog);
}

/** One row of the fleet table. */
function instanceRow(space: string, i: Instance, version: number, canManage: boolean, reload: () => void): HTMLElement {
  const isCurrent = i.syncedVersion === version;
  return h(
    'tr',
    { 'data-instance': i.id },
    h('td', {}, i.name || i.id),
    h('td', { class: 'mono' }, i.version || '—'),
    h('td', {}, typeof i.syncedVersion === 'number' ? String(count(i.syncedVersion)) : '—'),
    h('td', { class: isCurrent ? 'ok' : 'behind' }, isCurrent ? t('current') : t('behind', { ago: ago(i.lastSeen) })),
    canManage
      ? h('td', {}, h('button', { type: 'button', 'aria-label': `${t('forget')} ${i.name || i.id}`, title: t('forget'), onclick: () => forgetDialog(space, i, reload) }, t('forget')))
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
  if (instances.length === 0) return h('section', { class: 'panel', id: 'fleet' }, h('h2', {}, t('fleet')), h('p', { class: 'muted' }, t('noInstances')));
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
        error.textContent = err instanceof Error ? err.message : String(err);
        more.disabled = false;
      },
    );
  });
  append(first);
  const headers = [t('instance'), t('pluginVersion'), t('synced'), t('lastSeen'), ...(canManage ? [t('actions')] : [])];
  return h(
    'section',
    { class: 'panel', id: 'fleet' },
    h('h2', {}, t('fleet')),
    h('p', { id: 'fleet-summary' }, t('fleetSummary', { current: Math.min(count(first.current), total), total, version })),
    h('p', { class: 'muted' }, t('fleetRetention')),
    h('table', {}, h('thead', {}, h('tr', {}, ...headers.map((label) => h('th', {}, label)))), body),
    h('div', { class: 'toolbar' }, more, ' ', progress),
    error,
  );
}
