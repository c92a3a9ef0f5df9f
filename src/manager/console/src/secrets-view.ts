// The Organization and Space tabs: the secrets table with search and where each key is used; the space's fleet below it.
import { api } from './api';
import type { InstancePage, SecretMeta } from './api';
import { keyUse } from './counts';
import { deleteSecretDialog } from './delete-dialog';
import { fill, h } from './dom';
import { fleetPanel } from './fleet-panel';
import { t } from './i18n';
import { icon } from './icons';
import { editSecretDialog, newSecretDialog } from './secret-dialogs';

/** Where a tab draws: its panel, and the signal that says the user has left the tab (its answers are then dropped). */
export interface View {
  root: HTMLElement;
  signal: AbortSignal;
  /** Shows a failure of a later load (a reload after a change). */
  fail(err: unknown): void;
}

/** Which scope a table shows. */
export type Scope = { kind: 'org' } | { kind: 'space'; space: string };

/** What a reload keeps: the search, and where the focus goes (a key's row, "+ New key", the fleet). */
interface TableState {
  search?: string;
  focus?: { key: string } | 'new-key' | 'fleet';
}

/** The value of `#content[data-scope]`: which scope the panel shows. */
export function scopeLabel(scope: Scope): string {
  return scope.kind === 'org' ? 'org' : `space:${scope.space}`;
}

/** One secret's row, with the actions cell (admins) last. */
function secretRow(s: SecretMeta, used: { nodes: number; instances: number } | undefined, actions: HTMLElement | null): HTMLElement {
  return h(
    'tr',
    { 'data-key': s.name },
    h('td', { class: 'mono key' }, s.name),
    h('td', {}, h('div', { class: 'clamp', title: s.description }, s.description)),
    h('td', {}, s.type === 'pairs' ? t('typePairs') : t('typeString')),
    h('td', { class: 'date', title: s.createdAt }, new Date(s.createdAt).toLocaleString()),
    h('td', { class: 'date', title: s.updatedAt }, new Date(s.updatedAt).toLocaleString()),
    h('td', { class: 'used-by' }, used ? t('usage', { nodes: used.nodes, instances: used.instances }) : t('unused')),
    actions,
  );
}

/** Renders one scope (`org`, or a space) into the view; admins get the management actions. Draws nothing once the tab is left. */
export async function renderSecrets(view: View, scope: Scope, canManage: boolean, state: TableState = {}): Promise<void> {
  const scopePath = scope.kind === 'org' ? '/org/secrets' : `/spaces/${encodeURIComponent(scope.space)}/secrets`;
  const [list, fleet] = await Promise.all([
    api<{ secrets: SecretMeta[]; usage?: Record<string, unknown> }>('GET', `${scopePath}/meta`, undefined, view.signal),
    scope.kind === 'space' ? api<InstancePage>('GET', `/spaces/${encodeURIComponent(scope.space)}/instances`, undefined, view.signal) : Promise.resolve(undefined),
  ]);
  // The user may have moved on while this loaded: this answer is not theirs to see any more.
  if (view.signal.aborted) return;
  // Where each key is used, summed by the manager (over the space, or over every space that does not hide an organization key).
  const usage = new Map(Object.entries(list.usage ?? {}));
  const search = h('input', { type: 'search', id: 'search', placeholder: t('search'), 'aria-label': t('search'), value: state.search ?? '' });
  const reload = (focus?: TableState['focus']): void => void renderSecrets(view, scope, canManage, { search: search.value, ...(focus ? { focus } : {}) }).catch((err: unknown) => view.fail(err));
  const newKey = canManage ? h('button', { type: 'button', class: 'primary', id: 'new-key', onclick: () => newSecretDialog(scopePath, (key) => reload({ key })) }, t('newKey')) : null;
  const body = h('tbody', { id: 'secrets' });
  const editButtons = new Map<string, HTMLButtonElement>();
  const draw = (): void => {
    const needle = search.value.trim();
    const shown = list.secrets.filter((s) => s.name.toLowerCase().includes(needle.toLowerCase()));
    editButtons.clear();
    if (shown.length === 0) {
      const empty = list.secrets.length === 0 ? t('noSecrets') : t('noMatch', { search: needle });
      fill(body, h('tr', {}, h('td', { colspan: '7', class: 'muted' }, empty)));
      return;
    }
    fill(
      body,
      ...shown.map((s) => {
        let actions: HTMLElement | null = null;
        if (canManage) {
          const edit = h('button', { type: 'button', class: 'icon-button', 'aria-label': `${t('edit')} ${s.name}`, title: t('edit'), onclick: () => editSecretDialog(scopePath, s, (key) => reload({ key })) }, icon('pencil'));
          const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `${t('delete')} ${s.name}`, title: t('delete'), onclick: () => deleteSecretDialog(scopePath, s.name, () => reload('new-key')) }, icon('trash'));
          editButtons.set(s.name, edit);
          actions = h('td', { class: 'actions' }, edit, ' ', remove);
        }
        return secretRow(s, keyUse(usage.get(s.name)), actions);
      }),
    );
  };
  search.addEventListener('input', draw);
  const header = h(
    'tr',
    {},
    ...[t('key'), t('description'), t('type'), t('created'), t('updated'), t('usedBy')].map((label) => h('th', {}, label)),
    canManage ? h('th', { class: 'actions' }, t('actions')) : null,
  );
  const panel = fleet && scope.kind === 'space' ? fleetPanel(scope.space, fleet, canManage, () => reload('fleet')) : null;
  fill(view.root, h('div', { class: 'toolbar' }, search, newKey), h('table', { class: 'secrets' }, h('thead', {}, header), body), panel);
  view.root.dataset.scope = scopeLabel(scope);
  draw();
  // After a change the table is new: the focus goes where the user's next step is, not to <body>.
  const focus = state.focus;
  if (focus === 'fleet') panel?.querySelector<HTMLElement>('h2')?.focus();
  else if (focus === 'new-key') (newKey ?? search).focus();
  else if (focus) (editButtons.get(focus.key) ?? newKey ?? search).focus();
}
