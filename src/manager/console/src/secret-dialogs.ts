// The new-key and edit dialogs: a string or pairs (values never shown), pairs changed one by one, and a change of type only when confirmed.
import { api } from './api';
import type { SecretMeta } from './api';
import { cancelButton, confirmDialog, marked, openDialog, settle } from './dialog';
import { fill, h } from './dom';
import { t, tParts } from './i18n';
import { pairsEditor, singleValue } from './value-fields';

/** What a form sends, or why it cannot. */
type Body = Record<string, unknown> | { problem: string };

/** The dialog's frame: a form with a title, an error line and Save / Cancel. */
function secretForm(title: (string | Node)[], saveLabel: string): { dialog: HTMLDialogElement; form: HTMLFormElement; error: HTMLElement; save: HTMLButtonElement; actions: HTMLElement } {
  const form = h('form', { method: 'dialog' });
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, form);
  const error = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'dialog-save' }, saveLabel);
  const actions = h('div', { class: 'toolbar' }, save, cancelButton(dialog));
  form.append(h('h2', { id: 'dialog-title' }, ...title));
  return { dialog, form, error, save, actions };
}

/** "+ New key" in `scopePath` (`/org/secrets` or `/spaces/{space}/secrets`); `done` gets the new key's name. */
export function newSecretDialog(scopePath: string, done: (name: string) => void): void {
  const { dialog, form, error, save, actions } = secretForm([t('newKeyTitle')], t('create'));
  const name = h('input', { id: 'secret-name', class: 'mono', autocomplete: 'off', spellcheck: 'false' });
  const single = singleValue('secret-value', t('value'));
  // The first item replaces the single value field; removing the last one brings it back.
  const pairs = pairsEditor([], () => {
    single.hidden = false;
    single.querySelector('input')?.focus();
  });
  pairs.element.querySelector('#add-item')?.addEventListener('click', () => (single.hidden = true));
  const description = h('input', { id: 'secret-description' });
  form.append(h('label', { for: 'secret-name' }, t('secretKey')), name, single, pairs.element, h('label', { for: 'secret-description' }, t('description')), description, error, actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let value: unknown;
    if (pairs.hasNewRows()) {
      const read = pairs.read();
      if ('problem' in read) {
        error.textContent = read.problem;
        return;
      }
      value = read.added;
    } else {
      const text = single.querySelector('input')?.value ?? '';
      value = text === '' ? undefined : text;
    }
    const body = { name: name.value.trim(), value, ...(description.value ? { description: description.value } : {}) };
    settle(() => api<SecretMeta>('POST', scopePath, body), dialog, error, () => done(body.name), save);
  });
  openDialog(dialog, name);
}

/** The pair names the manager listed for `secret` (names only, at most the 100 a secret may have). */
function pairNames(secret: SecretMeta): string[] {
  return Array.isArray(secret.fields) ? secret.fields.filter((f): f is string => typeof f === 'string').slice(0, 100) : [];
}

/**
 * The edit dialog: the key is read-only. A string secret takes a new value (empty
 * keeps it); a multi-pair secret lists its pairs by name, each changed, kept
 * (left empty) or removed on its own (`PATCH { fields }`). A change of type is
 * a button and a confirmation. `done` gets the key's name.
 */
export function editSecretDialog(scopePath: string, secret: SecretMeta, done: (name: string) => void): void {
  const { dialog, form, error, save, actions } = secretForm([`${t('edit')} `, h('span', { class: 'mono' }, secret.name)], t('save'));
  const isPairs = secret.type === 'pairs';
  const slot = h('div', { id: 'value-slot' });
  let body: () => Body;
  let first: HTMLElement | null;
  if (isPairs) {
    const pairs = pairsEditor(pairNames(secret));
    fill(slot, h('p', { class: 'muted' }, t('pairsHelp')), pairs.element);
    body = () => {
      const read = pairs.read();
      if ('problem' in read) return read;
      const fields = { ...read.changed, ...read.added };
      return Object.keys(fields).length > 0 ? { fields } : {};
    };
    first = slot.querySelector('.pair input') ?? pairs.element.querySelector('#add-item');
  } else {
    fill(slot, singleValue('secret-value', t('newValue')), h('p', { class: 'muted' }, t('newValueHelp')));
    const input = slot.querySelector<HTMLInputElement>('#secret-value');
    body = () => (input?.value ? { value: input.value } : {});
    first = input;
  }
  const changeType = h('button', { type: 'button', id: 'change-type' }, t(isPairs ? 'toString' : 'toPairs'));
  changeType.addEventListener('click', () => {
    const message = tParts(isPairs ? 'toStringConfirm' : 'toPairsConfirm', { name: marked(secret.name) });
    void confirmDialog({ title: t('changeTypeTitle', { name: secret.name }), message, confirm: t('changeType') }).then((confirmed) => {
      if (!confirmed) {
        changeType.focus();
        return;
      }
      // From here on, Save sends the whole value with its new type: the manager changes a type only when told.
      if (isPairs) {
        fill(slot, singleValue('secret-value', t('value')));
        const input = slot.querySelector<HTMLInputElement>('#secret-value');
        body = () => ({ value: input?.value ?? '', type: 'string' });
        input?.focus();
      } else {
        const pairs = pairsEditor([]);
        fill(slot, pairs.element);
        pairs.addRow();
        body = () => {
          const read = pairs.read();
          return 'problem' in read ? read : { value: read.added, type: 'pairs' };
        };
      }
      changeType.remove();
    });
  });
  const description = h('input', { id: 'secret-description', value: secret.description });
  form.append(
    h('label', { for: 'secret-name' }, t('secretKey')),
    // Read-only, and out of the tab order: nothing to do there.
    h('input', { id: 'secret-name', class: 'mono', value: secret.name, readonly: true, 'aria-readonly': 'true', tabindex: '-1' }),
    slot,
    h('p', {}, changeType),
    h('label', { for: 'secret-description' }, t('description')),
    description,
    error,
    actions,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const sent = body();
    if ('problem' in sent) {
      error.textContent = String(sent.problem);
      return;
    }
    if (description.value !== secret.description) sent.description = description.value;
    settle(() => api<SecretMeta>('PATCH', `${scopePath}/${encodeURIComponent(secret.name)}`, sent), dialog, error, () => done(secret.name), save);
  });
  openDialog(dialog, first ?? description);
}
