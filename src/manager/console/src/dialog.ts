// Modal dialogs of the console: open one (on the element to focus), settle it by one request at a time, and ask to confirm (on Cancel).
import { messageOf } from './api';
import { h } from './dom';
import { t } from './i18n';

/** Opens `dialog` modally, with the focus on `focus` when given; it removes itself when closed. */
export function openDialog(dialog: HTMLDialogElement, focus?: HTMLElement): void {
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  focus?.focus();
}

/** A Cancel button that closes `dialog`. */
export function cancelButton(dialog: HTMLDialogElement, id = 'dialog-cancel'): HTMLButtonElement {
  return h('button', { type: 'button', id, onclick: () => dialog.close() }, t('cancel'));
}

/**
 * Runs `request()` unless `button` shows one in flight (a double-click sends one
 * request): `button` is disabled until it settles. On success closes `dialog`
 * and calls `done`; otherwise shows the message in `error` and enables `button` again.
 */
export function settle(request: () => Promise<unknown>, dialog: HTMLDialogElement, error: HTMLElement, done: () => void, button: HTMLButtonElement): void {
  if (button.disabled) return;
  button.disabled = true;
  error.textContent = '';
  request().then(
    () => {
      dialog.close();
      done();
    },
    (err: unknown) => {
      error.textContent = messageOf(err);
      button.disabled = false;
    },
  );
}

/** What a confirmation asks. */
export interface Confirmation {
  title: string;
  /** The question, as parts (a highlighted name may be an element). */
  message: (string | Node)[];
  /** The label of the button that goes ahead. */
  confirm: string;
}

/**
 * Asks to confirm a destructive step in a modal dialog that opens with the focus
 * on Cancel (Enter or Escape cancel); resolves true only for the confirm button.
 */
export function confirmDialog(ask: Confirmation): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const dialog = h('dialog', { id: 'confirm-dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' });
    const ok = h('button', { type: 'button', class: 'danger', id: 'confirm-ok' }, ask.confirm);
    ok.addEventListener('click', () => {
      confirmed = true;
      dialog.close();
    });
    const cancel = cancelButton(dialog, 'confirm-cancel');
    dialog.append(h('h2', { id: 'confirm-title' }, ask.title), h('p', { id: 'confirm-message' }, ...ask.message), h('div', { class: 'toolbar' }, ok, cancel));
    dialog.addEventListener('close', () => resolve(confirmed));
    openDialog(dialog, cancel);
  });
}

/** `name` highlighted, for a sentence of a dialog. */
export function marked(name: string): HTMLElement {
  return h('mark', { class: 'mono' }, name);
}
