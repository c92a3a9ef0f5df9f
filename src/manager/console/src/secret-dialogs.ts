// The secret dialogs: new key (string or pairs, with a reveal eye), edit (empty value keeps it), delete (and the in-use second confirmation).
import { ApiError, api } from './api';
import type { SecretMeta } from './api';
import { count, keyUse } from './counts';
import { openDialog, settle } from './dialog';
import { h } from './dom';
import { t } from './i18n';
import { MAX_NODES_PER_KEY } from '../../../shared/fleet-wire';

function valueInput(id: string, label: string): HTMLElement {
  const input = h('input', { id, type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const eye = h('button', { type: 'button', 'aria-label': t('reveal'), title: t('reveal'), 'aria-pressed': 'false' }, '◉');
  eye.addEventListener('click', () => {
    const shown = input.type === 'text';
    input.type = shown ? 'password' : 'text';
    eye.setAttribute('aria-pressed', String(!shown));
  });
  return h('div', {}, h('label', { for: id }, label), h('div', { class: 'row' }, input, eye));
}

/** The value the form holds: a string, pairs from the item rows, or undefined when empty. */
function readValue(form: HTMLElement): string | Record<string, string> | undefined {
  const rows = [...form.querySelectorAll<HTMLElement>('.pair')];
  if (rows.length > 0) {
    const pairs: Record<string, string> = {};
    for (const row of rows) {
      const [k, v] = [...row.querySelectorAll('input')];
      if (k && v && (k.value !== '' || v.value !== '')) pairs[k.value] = v.value;
    }
    return Object.keys(pairs).length > 0 ? pairs : undefined;
  }
  const single = form.querySelector<HTMLInputElement>('#secret-value');
  return single && single.value !== '' ? single.value : undefined;
}

function pairsEditor(form: HTMLElement): HTMLElement {
  const list = h('div', { id: 'pairs' });
  const add = h('button', { type: 'button', id: 'add-item' }, t('addItem'));
  add.addEventListener('click', () => {
    // The first item replaces the single value field.
    form.querySelector('#single-value')?.remove();
    const index = list.children.length;
    const row = h(
      'div',
      { class: 'row pair' },
      h('input', { 'aria-label': t('keyname'), placeholder: t('keyname'), id: `pair-key-${index}` }),
      h('input', { 'aria-label': t('keyvalue'), placeholder: t('keyvalue'), type: 'password', autocomplete: 'off', id: `pair-value-${index}` }),
    );
    row.append(h('button', { type: 'button', 'aria-label': t('remove'), title: t('remove'), onclick: () => row.remove() }, '✕'));
    list.append(row);
    row.querySelector('input')?.focus();
  });
  return h('div', {}, list, add);
}

/** "+ New key" in `scopePath` (`/org/secrets` or `/spaces/{space}/secrets`). */
export function newSecretDialog(scopePath: string, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const form = h('form', { method: 'dialog' });
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, form);
  form.append(
    h('h2', { id: 'dialog-title' }, t('newKey').replace('+ ', '')),
    h('label', { for: 'secret-name' }, t('secretKey')),
    h('input', { id: 'secret-name', class: 'mono', autocomplete: 'off', spellcheck: 'false' }),
    h('div', { id: 'single-value' }, valueInput('secret-value', t('value'))),
    pairsEditor(form),
    h('label', { for: 'secret-description' }, t('description')),
    h('input', { id: 'secret-description' }),
    error,
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary', id: 'dialog-save' }, t('create')), h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = form.querySelector<HTMLInputElement>('#secret-name')!.value.trim();
    const description = form.querySelector<HTMLInputElement>('#secret-description')!.value;
    const body = { name, value: readValue(form), ...(description ? { description } : {}) };
    settle(api<SecretMeta>('POST', scopePath, body), dialog, error, done);
  });
  openDialog(dialog);
}

/** The edit dialog: the key is read-only; an empty value keeps the current one. */
export function editSecretDialog(scopePath: string, secret: SecretMeta, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const form = h('form', { method: 'dialog' });
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, form);
  form.append(
    h('h2', { id: 'dialog-title' }, `${t('edit')} `, h('span', { class: 'mono' }, secret.name)),
    h('label', { for: 'secret-name' }, t('secretKey')),
    h('input', { id: 'secret-name', class: 'mono', value: secret.name, readonly: true }),
    h('div', { id: 'single-value' }, valueInput('secret-value', t('newValue'))),
    h('p', { class: 'muted' }, t('newValueHelp')),
    secret.type === 'pairs' ? pairsEditor(form) : '',
    h('label', { for: 'secret-description' }, t('description')),
    h('input', { id: 'secret-description', value: secret.description }),
    error,
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary', id: 'dialog-save' }, t('save')), h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = readValue(form);
    const description = form.querySelector<HTMLInputElement>('#secret-description')!.value;
    const body = { ...(value === undefined ? {} : { value }), ...(description !== secret.description ? { description } : {}) };
    settle(api<SecretMeta>('PATCH', `${scopePath}/${encodeURIComponent(secret.name)}`, body), dialog, error, done);
  });
  openDialog(dialog);
}

/** Delete with a confirmation; a key deployed flows use needs a second one, naming them. */
export function deleteSecretDialog(scopePath: string, name: string, done: () => void): void {
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const message = h('p', { id: 'delete-message' });
  const [before, after] = t('deleteConfirm', { name: '\u0000' }).split('\u0000');
  message.append(before ?? '', h('mark', { class: 'mono' }, name), after ?? '');
  const confirm = h('button', { type: 'button', class: 'danger', id: 'delete-confirm' }, t('delete'));
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, h('h2', { id: 'dialog-title' }, t('deleteTitle')), message, error, h('div', { class: 'toolbar' }, confirm, h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'))));
  let force = false;
  confirm.addEventListener('click', () => {
    api('DELETE', `${scopePath}/${encodeURIComponent(name)}${force ? '?force=true' : ''}`).then(
      () => {
        dialog.close();
        done();
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'secret_in_use' && !force) {
          const details = (err.details ?? {}) as { nodes?: unknown; instanceCount?: unknown; instances?: unknown };
          const named = (Array.isArray(details.instances) ? details.instances : []) as { name?: unknown; space?: unknown; nodes?: unknown }[];
          const text = (value: unknown): string => (typeof value === 'string' ? value : '');
          // Each instance in words: "vm (space demo, 1 node)", not "vm (demo, 1)".
          const list = named.map((i) => t('inUseBy', { instance: text(i.name) || '?', space: text(i.space), nodes: count(i.nodes, MAX_NODES_PER_KEY) })).join(', ');
          // The manager names at most 100 instances; the sums count them all. Counts are shown as sane numbers whatever the answer says.
          const use = keyUse({ nodes: details.nodes, instances: details.instanceCount ?? named.length }) ?? { nodes: 0, instances: 0 };
          error.textContent = t('inUse', { name, nodes: use.nodes, instances: use.instances, list });
          error.id = 'in-use-warning';
          confirm.textContent = t('deleteAnyway');
          force = true;
          return;
        }
        error.textContent = err instanceof Error ? err.message : String(err);
      },
    );
  });
  openDialog(dialog);
}
