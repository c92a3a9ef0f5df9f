// The console's entry: sign in with a token (the session lives in an HttpOnly cookie), then the tabs, each loaded on its own (a slow one never shows under another).
import { ApiError, SESSION_ENDED, api, isAbort, messageOf } from './api';
import { renderAudit } from './audit-view';
import { fill, h } from './dom';
import { t } from './i18n';
import { renderSecrets } from './secrets-view';
import type { View } from './secrets-view';
import { spacePicker } from './space-picker';
import { tabList } from './tabs';
import { renderTokens } from './tokens-view';

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
  fill(root, h('p', { class: 'error', role: 'alert' }, messageOf(err)));
}

function signInScreen(message?: string): void {
  document.title = t('title');
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', 'aria-describedby': 'signin-help' });
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message ?? '');
  const submit = h('button', { type: 'submit', class: 'primary', id: 'signin' }, t('signIn'));
  const form = h('form', { class: 'signin panel' }, h('h1', {}, t('title')), h('p', { id: 'signin-help', class: 'muted' }, t('signInHelp')), h('label', { for: 'token' }, t('token')), token, error, h('p', {}, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    api<Session>('POST', '/session', { token: token.value }).then(
      (session) => void start(session),
      (err: unknown) => {
        submit.disabled = false;
        error.textContent = messageOf(err);
        token.select();
      },
    );
  });
  fill(app, form);
  token.focus();
}

async function start(session: Session): Promise<void> {
  const { spaces } = await api<{ spaces: string[] }>('GET', '/spaces');
  const admin = session.role === 'admin';
  const content = h('section', { id: 'content', role: 'tabpanel' });
  let controller = new AbortController();
  const picker = spacePicker(spaces, admin, () => show('space'));
  const renderers: Record<string, (view: View) => Promise<void>> = {
    org: (view) => renderSecrets(view, { kind: 'org' }, admin),
    space: (view) => {
      const space = picker.space();
      if (space) return renderSecrets(view, { kind: 'space', space }, admin);
      fill(view.root, h('p', { class: 'muted' }, t('noSpaces')));
      return Promise.resolve();
    },
    ...(admin ? { tokens: (view: View) => renderTokens(view, spaces) } : {}),
    audit: (view) => renderAudit(view),
  };
  // Each tab load gets its own signal: leaving the tab aborts it, so a late answer never draws under another tab.
  const show = (name: string): void => {
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    const view: View = { root: content, signal, fail: (err) => signal.aborted || isAbort(err) || showError(content, err) };
    picker.element.hidden = name !== 'space';
    content.setAttribute('aria-labelledby', `tab-${name}`);
    content.setAttribute('aria-busy', 'true');
    delete content.dataset.scope;
    // The previous tab's table goes at once: nothing of it can be acted on while this one loads.
    fill(content, h('p', { class: 'muted', id: 'loading' }, t('loading')));
    renderers[name]!(view).then(
      () => signal.aborted || content.removeAttribute('aria-busy'),
      (err: unknown) => {
        if (signal.aborted || isAbort(err)) return;
        content.removeAttribute('aria-busy');
        showError(content, err);
      },
    );
  };
  const tabs = tabList(
    Object.keys(renderers).map((id) => ({ id, label: t(id as 'org') })),
    'content',
    show,
  );
  const signOut = h('button', { type: 'button', id: 'signout' }, t('signOut'));
  // Signed out either way: an ended session has no cookie worth keeping.
  signOut.addEventListener('click', () => void api('DELETE', '/session').then(() => signInScreen(), () => signInScreen()));
  const who = `${session.description} · ${admin ? t('admin') : t('viewer')}`;
  fill(
    app,
    h('header', {}, h('h1', {}, t('title')), h('span', { class: 'muted', id: 'who', title: who }, who), signOut),
    h('nav', { class: 'tabbar' }, tabs.element, picker.element),
    content,
  );
  // After sign-in the focus goes to the selected tab: the keyboard starts there.
  tabs.select(spaces.length > 0 ? 'space' : 'org', true);
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
