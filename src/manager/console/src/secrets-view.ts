// The Organization and Space tabs: the secrets table with search and where each key is used; the space's fleet below it.
import { api } from './api';
import type { InstancePage, SecretMeta } from './api';
import { keyUse } from './counts';
import { fill, h } from './dom';
import { fleetPanel } from './fleet-panel';
import { t } from './i18n';
import { deleteSecretDialog, editSecretDialog, newSecretDialog } from './secret-dialogs';

/** Renders one scope (`org`, or a space) into `root`; admins get the management actions. */
export async function renderSecrets(root: HTMLElement, scope: { kind: 'org' } | { kind: 'space'; space: string }, canManage: boolean): Promise<void> {
  const scopePath = scope.kind === 'org' ? '/org/secrets' : `/spaces/${encodeURIComponent(scope.space)}/secrets`;
  const [list, fleet] = await Promise.all([
    api<{ secrets: SecretMeta[]; usage?: Record<string, unknown> }>('GET', `${scopePath}/meta`),
    scope.kind === 'space' ? api<InstancePage>('GET', `/spaces/${encodeURIComponent(scope.space)}/instances`) : Promise.resolve(undefined),
  ]);
  // Where each key is used, summed by the manager (over the space, or over every space that does not hide an organization key).
  const usage = new Map(Object.entries(list.usage ?? {}));
  const reload = (): void => void renderSecrets(root, scope, canManage);
  const search = h('input', { type: 'search', id: 'search', placeholder: t('search'), 'aria-label': t('search') });
  const body = h('tbody', { id: 'secrets' });
  const draw = (): void => {
    const needle = search.value.trim().toLowerCase();
    const shown = list.secrets.filter((s) => s.name.toLowerCase().includes(needle));
    if (shown.length === 0) {
      fill(body, h('tr', {}, h('td', { colspan: '7', class: 'muted' }, t('noSecrets'))));
      return;
    }
    fill(
      body,
      ...shown.map((s) => {
        const used = keyUse(usage.get(s.name));
        const actions = canManage
          ? h(
              'td',
              {},
              h('button', { type: 'button', 'aria-label': `${t('edit')} ${s.name}`, title: t('edit'), onclick: () => editSecretDialog(scopePath, s, reload) }, '✎'),
              ' ',
              h('button', { type: 'button', 'aria-label': `${t('delete')} ${s.name}`, title: t('delete'), onclick: () => deleteSecretDialog(scopePath, s.name, reload) }, '✕'),
            )
          : null;
        return h(
          'tr',
          { 'data-key': s.name },
          h('td', { class: 'mono' }, s.name),
          h('td', {}, s.description),
          h('td', {}, s.type),
          h('td', { title: s.createdAt }, new Date(s.createdAt).toLocaleString()),
          h('td', { title: s.updatedAt }, new Date(s.updatedAt).toLocaleString()),
          h('td', { class: 'used-by' }, used ? t('usage', { nodes: used.nodes, instances: used.instances }) : t('unused')),
          actions,
        );
      }),
    );
  };
  search.addEventListener('input', draw);
  const header = h(
    'tr',
    {},
    ...[t('key'), t('description'), t('type'), t('created'), t('updated'), t('usedBy')].map((label) => h('th', {}, label)),
    canManage ? h('th', {}, t('actions')) : null,
  );
  fill(
    root,
    h('div', { class: 'toolbar' }, search, canManage ? h('button', { type: 'button', class: 'primary', id: 'new-key', onclick: () => newSecretDialog(scopePath, reload) }, t('newKey')) : null),
    h('table', {}, h('thead', {}, header), body),
    fleet && scope.kind === 'space' ? fleetPanel(scope.space, fleet, canManage, reload) : null,
  );
  draw();
}
