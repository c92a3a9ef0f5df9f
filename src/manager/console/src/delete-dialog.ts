// Deleting a secret: a confirmation that opens on Cancel, and for a key deployed flows use a second one that names them.
import { ApiError, api, messageOf } from './api';
import { count, keyUse } from './counts';
import { cancelButton, marked, openDialog } from './dialog';
import { h } from './dom';
import { t, tParts } from './i18n';
import { MAX_NODES_PER_KEY } from '../../../shared/fleet-wire';

/** The instances named by a `secret_in_use` answer, in words: "vm (space demo, 1 node), …". */
function usersText(details: { instances?: unknown }): string {
  const named = (Array.isArray(details.instances) ? details.instances : []) as { name?: unknown; space?: unknown; nodes?: unknown }[];
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return named.map((i) => t('inUseBy', { instance: text(i.name) || '?', space: text(i.space), nodes: count(i.nodes, MAX_NODES_PER_KEY) })).join(', ');
}

/** Delete `name` of `scopePath` after a confirmation; a key deployed flows use needs a second one, naming them. */
export function deleteSecretDialog(scopePath: string, name: string, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const message = h('p', { id: 'delete-message' }, ...tParts('deleteConfirm', { name: marked(name) }));
  const confirm = h('button', { type: 'button', class: 'danger', id: 'delete-confirm' }, t('delete'));
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title', 'aria-describedby': 'delete-message' });
  const cancel = cancelButton(dialog);
  dialog.append(h('h2', { id: 'dialog-title' }, t('deleteTitle')), message, error, h('div', { class: 'toolbar' }, confirm, cancel));
  let force = false;
  confirm.addEventListener('click', () => {
    if (confirm.disabled) return;
    confirm.disabled = true;
    api('DELETE', `${scopePath}/${encodeURIComponent(name)}${force ? '?force=true' : ''}`).then(
      () => {
        dialog.close();
        done();
      },
      (err: unknown) => {
        confirm.disabled = false;
        if (err instanceof ApiError && err.code === 'secret_in_use' && !force) {
          const details = (err.details ?? {}) as { nodes?: unknown; instanceCount?: unknown; instances?: unknown };
          // The manager names at most 100 instances; the sums count them all. Counts are shown as sane numbers whatever the answer says.
          const named = Array.isArray(details.instances) ? details.instances.length : 0;
          const use = keyUse({ nodes: details.nodes, instances: details.instanceCount ?? named }) ?? { nodes: 0, instances: 0 };
          error.textContent = t('inUse', { name, nodes: use.nodes, instances: use.instances, list: usersText(details) });
          error.id = 'in-use-warning';
          confirm.textContent = t('deleteAnyway');
          force = true;
          // The second confirmation opens on the safe choice too.
          cancel.focus();
          return;
        }
        error.textContent = messageOf(err);
      },
    );
  });
  openDialog(dialog, cancel);
}
