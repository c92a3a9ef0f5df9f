// The console's entry: sign in with a token (the session lives in an HttpOnly cookie), then the tabs.
import { ApiError, SESSION_ENDED, api } from './api';
import { fill, h } from './dom';
import { t } from './i18n';
import { renderAudit, renderTokens } from './admin-views';
import { renderSecrets } from './secrets-view';

interface Session {
  role: 'admin' | 'viewer';
  description: string;
}

const app = document.getElementById('app')!;

function showError(root: HTMLElement, err: unknown): void {
  if (err instanceof ApiError && err.status === 401) {
    signInScreen();
    return;
  }
  fill(root, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
}

function signInScreen(message?: string): void {
  document.title = t('title');
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', 'aria-describedby': 'signin-help' });
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message ?? '');
  const form = h(
    'form',
    { class: 'signin panel' },
    h('h1', {}, t('title')),
    h('p', { id: 'signin-help', class: 'muted' }, t('signInHelp')),
    h('label', { for: 'token' }, t('token')),
    token,
    error,
    h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'signin' }, t('signIn'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api<Session>('POST', '/session', { token: token.value }).then(
      (session) => void start(session),
      (err: unknown) => (error.textContent = err instanceof Error ? err.message : String(err)),
    );
  });
  fill(app, form);
  token.focus();
}

async function start(session: Session): Promise<void> {
  const { spaces } = await api<{ spaces: string[] }>('GET', '/spaces');
  const admin = session.role === 'admin';
  const content = h('section', { id: 'content' });
  const spaceSelect = h('select', { id: 'space-select', 'aria-label': t('space') }, ...spaces.map((s) => h('option', { value: s }, s)));
  if (admin) spaceSelect.append(h('option', { value: '' }, t('newSpace')));
  const tabs: Record<string, () => Promise<void>> = {
    org: () => renderSecrets(content, { kind: 'org' }, admin),
    space: () => (spaceSelect.value ? renderSecrets(content, { kind: 'space', space: spaceSelect.value }, admin) : Promise.resolve(fill(content))),
    ...(admin ? { tokens: () => renderTokens(content, spaces) } : {}),
    audit: () => renderAudit(content),
  };
  const buttons = Object.keys(tabs).map((name) => h('button', { type: 'button', role: 'tab', id: `tab-${name}`, 'aria-selected': 'false' }, t(name as 'org')));
  const select = (name: string): void => {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.id === `tab-${name}`));
    spaceSelect.hidden = name !== 'space';
    tabs[name]!().catch((err: unknown) => showError(content, err));
  };
  buttons.forEach((b) => b.addEventListener('click', () => select(b.id.slice(4))));
  spaceSelect.addEventListener('change', () => {
    if (spaceSelect.value === '') {
      // A new space exists once its first secret does: ask the name, then open its (empty) table.
      const name = window.prompt(t('newSpacePrompt'))?.trim();
      if (!name) return;
      spaceSelect.insertBefore(h('option', { value: name }, name), spaceSelect.lastChild);
      spaceSelect.value = name;
    }
    select('space');
  });
  const signOut = h('button', { type: 'button', id: 'signout' }, t('signOut'));
  // Signed out either way: an ended session has no cookie worth keeping.
  signOut.addEventListener('click', () => void api('DELETE', '/session').then(() => signInScreen(), () => signInScreen()));
  fill(
    app,
    h('header', {}, h('h1', {}, t('title')), h('span', { class: 'muted', id: 'who' }, `${session.description} · ${admin ? t('admin') : t('viewer')}`), signOut),
    h('nav', { role: 'tablist' }, ...buttons, spaceSelect),
    content,
  );
  select(spaces.length > 0 ? 'space' : 'org');
}

window.addEventListener(SESSION_ENDED, () => {
  // An open dialog would stay above the sign-in form.
  for (const dialog of document.querySelectorAll('dialog')) dialog.close();
  signInScreen();
});
api<Session>('GET', '/session').then(
  (session) => void start(session),
  () => signInScreen(),
);
