// The "Move to Secret Manager…" dialog: a proposed name checked live with the manager's rule, a scope, and a write credential used once and dropped.
import type { Finding, MoveAnswer, MoveRequest } from '../../src/shared/contract';
import { nameProblem } from '../../src/shared/names';
import { describeProperty, editorObject } from './apply-reference';
import { api } from './api';
import { nodeLabel } from './findings-view';
import { t } from './i18n';
import { notify } from './notify';
import { proposeName } from './secret-name';

/** A name's last word that says it holds a credential. */
const CREDENTIAL_WORD = /_(TOKEN|KEY|SECRET|PASSWORD|PASS|PWD|AUTH|AUTHORIZATION|CREDENTIALS?)$/;

/** The name the dialog proposes: the node's name and the property's (for code, the detector's rule, `github-token`). */
export function proposedName(finding: Finding): string {
  // The very secret pasted: its own name, so the move finds it holds this value already.
  if (finding.rule === 'synced-value' && finding.detail !== undefined && nameProblem(finding.detail) === undefined) return finding.detail;
  if (finding.movable) return proposeName(nodeLabel(finding), describeProperty(editorObject(finding.id)?.node, finding.property));
  // In code the detector's rule (`github`) says what it is; a word like TOKEN says it is a credential.
  const name = proposeName(nodeLabel(finding), finding.detail ?? '');
  return CREDENTIAL_WORD.test(name) ? name : proposeName(name, 'token');
}

/** Where the secret goes and with what the dialog asks for the credential. */
export interface MoveContext {
  space: string | null;
  provider: string;
}

let open = false;

/**
 * Opens the dialog for `finding`; `moved` runs with the runtime's answer after
 * a secret was created (or already held the value). The credential is read
 * from its field as the request leaves, the field is cleared at once, and the
 * request object loses it when the answer comes: nothing keeps it (no
 * localStorage, no preference, no log).
 */
export function openMoveDialog(finding: Finding, context: MoveContext, moved: (answer: MoveAnswer) => void): void {
  if (open) return;
  open = true;
  const node = nodeLabel(finding);
  const form = $('<form class="secret-sync-move" id="secret-sync-move-dialog" autocomplete="off">');
  const explain = finding.movable
    ? t('move.explain', { property: finding.property, node, reference: '${SECRETS.…}' })
    : t('move.explainCode', { property: finding.property, node, line: finding.line ?? '?' });
  $('<p class="secret-sync-move-explain">').text(explain).appendTo(form);
  // The runtime has only the deployed value: say so when the editor holds edits of this node that are not deployed.
  if (finding.movable && editorObject(finding.id)?.node.changed === true) $('<p class="secret-sync-hint" id="secret-sync-move-undeployed">').text(t('move.undeployed')).appendTo(form);

  const name = $<HTMLInputElement>('<input type="text" id="secret-sync-move-name" spellcheck="false" autocomplete="off">').val(proposedName(finding));
  const nameProblemText = $('<div class="secret-sync-move-problem" id="secret-sync-move-name-problem" role="alert">').text(t('move.nameInvalid')).hide();
  $('<div class="form-row">').append($('<label for="secret-sync-move-name">').text(t('move.name')), name, nameProblemText).appendTo(form);

  const scope = $('<div class="form-row secret-sync-move-scope">').append($('<span class="secret-sync-move-label">').text(t('move.scope')));
  for (const [value, label] of [
    ['space', t('move.scopeSpace', { space: context.space ?? '' })],
    ['org', t('move.scopeOrg')],
  ] as const) {
    $('<label class="secret-sync-move-radio">')
      .append($('<input type="radio" name="secret-sync-move-scope">').attr('id', `secret-sync-move-scope-${value}`).val(value).prop('checked', value === 'space'), ' ', $('<span>').text(label))
      .appendTo(scope);
  }
  scope.appendTo(form);

  const credential = $<HTMLInputElement>('<input type="password" id="secret-sync-move-credential" autocomplete="off" spellcheck="false">');
  $('<div class="form-row">')
    .append($('<label for="secret-sync-move-credential">').text(context.provider === 'vault' ? t('move.credentialVault') : t('move.credential')), credential, $('<div class="secret-sync-hint">').text(t('move.credentialHint')))
    .appendTo(form);

  let busy = false;
  const submitButton = (): JQuery => $('#secret-sync-move-submit');
  const check = (): boolean => {
    const valid = nameProblem(String(name.val() ?? '').trim()) === undefined;
    nameProblemText.toggle(!valid);
    submitButton().prop('disabled', busy || !valid);
    return valid;
  };
  name.on('input', check);

  const close = (): void => {
    credential.val('');
    form.dialog('close');
  };
  const submit = async (): Promise<void> => {
    if (busy || !check()) return;
    const secret = String(credential.val() ?? '');
    // The field never holds the credential longer than this request needs.
    credential.val('');
    if (secret === '') {
      notify(t('move.credentialRequired'), { type: 'warning' });
      credential.trigger('focus');
      return;
    }
    busy = true;
    submitButton().prop('disabled', true).text(t('move.moving'));
    const request: MoveRequest = {
      id: finding.id,
      property: finding.property,
      ...(finding.movable || finding.line === undefined ? {} : { line: finding.line }),
      name: String(name.val() ?? '').trim(),
      scope: form.find('input[name="secret-sync-move-scope"]:checked').val() === 'org' ? 'org' : 'space',
      credential: secret,
    };
    try {
      const answer = await api.move(request);
      close();
      moved(answer);
    } catch (err) {
      notify(t('move.failed', { message: (err as Error).message }), { type: 'error', timeout: 10_000 });
      credential.trigger('focus');
    } finally {
      request.credential = '';
      busy = false;
      submitButton().text(t('move.submit'));
      check();
    }
  };
  form.on('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  form.appendTo(document.body).dialog({
    title: t('move.title'),
    modal: true,
    width: 520,
    resizable: false,
    classes: { 'ui-dialog': 'red-ui-editor-dialog secret-sync-move-ui' },
    buttons: [
      { text: t('move.cancel'), id: 'secret-sync-move-cancel', click: close },
      { text: t('move.submit'), id: 'secret-sync-move-submit', class: 'primary', click: () => void submit() },
    ],
    open: () => {
      check();
      credential.trigger('focus');
    },
    close: () => {
      credential.val('');
      form.dialog('destroy');
      form.remove();
      open = false;
    },
  });
}
