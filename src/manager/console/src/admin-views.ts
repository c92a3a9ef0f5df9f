// The Tokens tab (create a read token shown once, list, revoke) and the Audit tab.
import { api } from './api';
import { fill, h } from './dom';
import { t } from './i18n';

interface TokenRecord {
  id: string;
  role: string;
  space: string | null;
  description: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  scope: string | null;
  target: string | null;
  ip: string | null;
  /** Repeats folded into this entry (sign-ins, failures, refusals): README, "The web console". */
  count: number;
}

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : t('never'));

/** Tokens: a form to create a read token for a space, the list, revoke. */
export async function renderTokens(root: HTMLElement, spaces: readonly string[]): Promise<void> {
  const { tokens } = await api<{ tokens: TokenRecord[] }>('GET', '/tokens');
  const reload = (): void => void renderTokens(root, spaces);
  const space = h('input', { id: 'token-space', list: 'known-spaces', 'aria-label': t('tokenSpace'), placeholder: t('tokenSpace') });
  const description = h('input', { id: 'token-description', 'aria-label': t('description'), placeholder: t('description') });
  const created = h('div', { id: 'token-created', role: 'status' });
  const form = h('form', { class: 'toolbar' }, space, h('datalist', { id: 'known-spaces' }, ...spaces.map((s) => h('option', { value: s }))), description, h('button', { type: 'submit', class: 'primary', id: 'create-token' }, t('newToken')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api<TokenRecord & { token: string }>('POST', '/tokens', { space: space.value.trim(), description: description.value }).then(
      (record) => {
        const copy = h('button', { type: 'button', id: 'copy-token' }, t('copy'));
        copy.addEventListener('click', () => void navigator.clipboard?.writeText(record.token).then(() => (copy.textContent = t('copied'))));
        // Shown once: the manager keeps only a hash; leaving the tab forgets it.
        fill(created, h('div', { class: 'panel' }, h('p', {}, t('tokenCreated')), h('p', { class: 'row' }, h('code', { class: 'mono', id: 'new-token' }, record.token), copy)));
        void renderList();
      },
      (err: unknown) => fill(created, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))),
    );
  });
  const table = h('tbody', { id: 'tokens' });
  const renderList = async (): Promise<void> => {
    const fresh = (await api<{ tokens: TokenRecord[] }>('GET', '/tokens')).tokens;
    drawList(fresh);
  };
  const drawList = (list: readonly TokenRecord[]): void =>
    fill(
      table,
      ...list.map((tk) =>
        h(
          'tr',
          { 'data-token': tk.id },
          h('td', {}, tk.description),
          h('td', {}, tk.role),
          h('td', {}, tk.space ?? '—'),
          h('td', {}, when(tk.createdAt)),
          h('td', {}, when(tk.lastUsedAt)),
          h(
            'td',
            {},
            tk.revokedAt
              ? h('span', { class: 'muted' }, t('revoked'))
              : h('button', { type: 'button', class: 'danger', 'aria-label': `${t('revoke')} ${tk.description}`, onclick: () => void api('DELETE', `/tokens/${tk.id}`).then(reload, reload) }, t('revoke')),
          ),
        ),
      ),
    );
  fill(
    root,
    form,
    created,
    h('table', {}, h('thead', {}, h('tr', {}, ...[t('description'), t('role'), t('space'), t('created'), t('lastUsed'), t('actions')].map((l) => h('th', {}, l)))), table),
  );
  drawList(tokens);
}

/** What an entry records, with its repeats: `session.fail ×12`. */
const what = (e: AuditEntry): string => `${e.action} ${e.scope ?? ''} ${e.target ?? ''}`.trim() + (e.count > 1 ? ` ×${e.count}` : '');

/** The audit trail, newest first: who (token description), what, when, from where; never a value. */
export async function renderAudit(root: HTMLElement): Promise<void> {
  const { entries } = await api<{ entries: AuditEntry[] }>('GET', '/audit');
  fill(
    root,
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...[t('when'), t('who'), t('what'), t('from')].map((l) => h('th', {}, l)))),
      h(
        'tbody',
        { id: 'audit' },
        ...entries.map((e) =>
          h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.actor), h('td', { class: 'mono' }, what(e)), h('td', { class: 'mono' }, e.ip ?? '')),
        ),
      ),
    ),
  );
}
