// The Tokens tab (admins): create a read token (shown once), list the tokens with their last use, revoke after a confirmation.
import { api, messageOf } from './api';
import { confirmDialog, marked } from './dialog';
import { fill, h } from './dom';
import { t, tParts } from './i18n';
import type { View } from './secrets-view';

interface TokenRecord {
  id: string;
  role: string;
  space: string | null;
  description: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : t('never'));

/** Asks, on Cancel, before revoking `token`; revokes it and calls `done` (with an error message if it failed). */
function revoke(token: TokenRecord, done: (error?: string) => void): void {
  const name = token.description || token.id;
  void confirmDialog({ title: t('revokeTitle'), message: tParts('revokeConfirm', { name: marked(name) }), confirm: t('revoke') }).then((confirmed) => {
    if (!confirmed) return;
    api('DELETE', `/tokens/${encodeURIComponent(token.id)}`).then(
      () => done(),
      (err: unknown) => done(messageOf(err)),
    );
  });
}

/** Tokens: a form to create a read token for a space, the list, revoke. Draws nothing once the tab is left. */
export async function renderTokens(view: View, spaces: readonly string[]): Promise<void> {
  const { tokens } = await api<{ tokens: TokenRecord[] }>('GET', '/tokens', undefined, view.signal);
  if (view.signal.aborted) return;
  const space = h('input', { id: 'token-space', list: 'known-spaces', 'aria-label': t('tokenSpace'), placeholder: t('tokenSpace') });
  const description = h('input', { id: 'token-description', 'aria-label': t('description'), placeholder: t('description') });
  const created = h('div', { id: 'token-created', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'create-token' }, t('newToken'));
  const form = h('form', { class: 'toolbar' }, space, h('datalist', { id: 'known-spaces' }, ...spaces.map((s) => h('option', { value: s }))), description, submit);
  const table = h('tbody', { id: 'tokens' });
  const listError = h('p', { class: 'error', role: 'alert' });
  const renderList = (error?: string): void => {
    listError.textContent = error ?? '';
    api<{ tokens: TokenRecord[] }>('GET', '/tokens', undefined, view.signal).then(
      (fresh) => drawList(fresh.tokens),
      (err: unknown) => view.fail(err),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // One token per click, however often it is clicked.
    if (submit.disabled) return;
    submit.disabled = true;
    api<TokenRecord & { token: string }>('POST', '/tokens', { space: space.value.trim(), description: description.value }).then(
      (record) => {
        submit.disabled = false;
        const copy = h('button', { type: 'button', id: 'copy-token' }, t('copy'));
        copy.addEventListener('click', () => void navigator.clipboard?.writeText(record.token).then(() => (copy.textContent = t('copied'))));
        // Shown once: the manager keeps only a hash; leaving the tab forgets it.
        fill(created, h('div', { class: 'panel' }, h('p', {}, t('tokenCreated')), h('p', { class: 'row' }, h('code', { class: 'mono', id: 'new-token' }, record.token), copy)));
        copy.focus();
        renderList();
      },
      (err: unknown) => {
        submit.disabled = false;
        fill(created, h('p', { class: 'error', role: 'alert' }, messageOf(err)));
      },
    );
  });
  const drawList = (list: readonly TokenRecord[]): void => {
    if (view.signal.aborted) return;
    fill(
      table,
      ...list.map((tk) => {
        const action = tk.revokedAt
          ? h('span', { class: 'muted' }, t('revoked'))
          : h('button', { type: 'button', class: 'danger', 'aria-label': t('revokeNamed', { name: tk.description || tk.id }), onclick: () => revoke(tk, (error) => { renderList(error); submit.focus(); }) }, t('revoke'));
        return h(
          'tr',
          { 'data-token': tk.id },
          h('td', {}, h('div', { class: 'clamp', title: tk.description }, tk.description)),
          h('td', {}, tk.role),
          h('td', { class: 'mono wrap' }, tk.space ?? '—'),
          h('td', { class: 'date' }, when(tk.createdAt)),
          h('td', { class: 'date', title: t('lastUsedHelp') }, when(tk.lastUsedAt)),
          h('td', { class: 'actions' }, action),
        );
      }),
    );
  };
  fill(
    view.root,
    form,
    created,
    listError,
    h('table', {}, h('thead', {}, h('tr', {}, ...[t('description'), t('role'), t('space'), t('created'), t('lastUsed'), t('actions')].map((l) => h('th', {}, l)))), table),
  );
  drawList(tokens);
}
