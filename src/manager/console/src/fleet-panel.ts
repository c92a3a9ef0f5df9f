// The Space tab's fleet: each Node-RED instance that read the space, the version it runs, when it was seen; admins forget decommissioned ones.
import { api } from './api';
import type { Instance } from './api';
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

/** The fleet panel of `space` at `version`; with `canManage`, a Forget button per instance. */
export function fleetPanel(space: string, version: number, instances: readonly Instance[], canManage: boolean, reload: () => void): HTMLElement {
  if (instances.length === 0) return h('section', { class: 'panel', id: 'fleet' }, h('h2', {}, t('fleet')), h('p', { class: 'muted' }, t('noInstances')));
  const current = instances.filter((i) => i.syncedVersion === version).length;
  const rows = instances.map((i) => {
    const isCurrent = i.syncedVersion === version;
    return h(
      'tr',
      { 'data-instance': i.id },
      h('td', {}, i.name || i.id),
      h('td', { class: 'mono' }, i.version || '—'),
      h('td', {}, String(i.syncedVersion ?? '—')),
      h('td', { class: isCurrent ? 'ok' : 'behind' }, isCurrent ? t('current') : t('behind', { ago: ago(i.lastSeen) })),
      canManage
        ? h('td', {}, h('button', { type: 'button', 'aria-label': `${t('forget')} ${i.name || i.id}`, title: t('forget'), onclick: () => forgetDialog(space, i, reload) }, t('forget')))
        : null,
    );
  });
  const headers = [t('instance'), t('pluginVersion'), t('synced'), t('lastSeen'), ...(canManage ? [t('actions')] : [])];
  return h(
    'section',
    { class: 'panel', id: 'fleet' },
    h('h2', {}, t('fleet')),
    h('p', { id: 'fleet-summary' }, t('fleetSummary', { current, total: instances.length, version })),
    h('p', { class: 'muted' }, t('fleetRetention')),
    h('table', {}, h('thead', {}, h('tr', {}, ...headers.map((label) => h('th', {}, label)))), h('tbody', {}, ...rows)),
  );
}
