// The Space tab's space picker: the known spaces and, for admins, "New space…", a dialog that names a space (Cancel keeps the one before).
import { cancelButton, openDialog } from './dialog';
import { h } from './dom';
import { t } from './i18n';
import { nameProblem } from '../../../shared/names';

/** The value of the "New space…" option. */
const NEW = '';
/** The value of the placeholder shown while there is no space ("New space…" is then the only choice). */
const NONE = ' ';

/** The picker: its select, and the space picked ('' for none). */
export interface SpacePicker {
  element: HTMLSelectElement;
  space(): string;
}

/** Asks the name of a new space; `done` gets a valid name, or nothing when cancelled. */
function newSpaceDialog(done: (name: string | undefined) => void): void {
  const form = h('form', { method: 'dialog' });
  const dialog = h('dialog', { id: 'new-space-dialog', 'aria-labelledby': 'new-space-title' }, form);
  const input = h('input', { id: 'new-space-name', class: 'mono', autocomplete: 'off', spellcheck: 'false', maxlength: '128', 'aria-describedby': 'new-space-help' });
  const error = h('p', { class: 'error', role: 'alert' });
  let chosen: string | undefined;
  form.append(
    h('h2', { id: 'new-space-title' }, t('newSpaceTitle')),
    h('label', { for: 'new-space-name' }, t('spaceName')),
    input,
    h('p', { class: 'muted', id: 'new-space-help' }, t('newSpaceHelp')),
    error,
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary', id: 'new-space-save' }, t('open')), cancelButton(dialog)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    // The manager's rule for space names: an invalid one never becomes a choice.
    if (nameProblem(name) !== undefined) {
      error.textContent = t('invalidSpace');
      input.focus();
      return;
    }
    chosen = name;
    dialog.close();
  });
  dialog.addEventListener('close', () => done(chosen));
  openDialog(dialog, input);
}

/** The picker over `spaces`; `canCreate` adds "New space…". `onChange` runs when another space is picked. */
export function spacePicker(spaces: readonly string[], canCreate: boolean, onChange: () => void): SpacePicker {
  const select = h('select', { id: 'space-select', 'aria-label': t('space') }, ...spaces.map((s) => h('option', { value: s }, s)));
  if (spaces.length === 0) select.append(h('option', { value: NONE, disabled: true, selected: true }, t('noSpaceYet')));
  const create = canCreate ? h('option', { value: NEW }, t('newSpace')) : null;
  if (create) select.append(create);
  let previous = select.value;
  select.addEventListener('change', () => {
    if (select.value !== NEW) {
      previous = select.value;
      onChange();
      return;
    }
    // A new space exists once its first secret does: ask the name, then open its (empty) table.
    newSpaceDialog((name) => {
      if (name === undefined) {
        select.value = previous;
        select.focus();
        return;
      }
      if (![...select.options].some((o) => o.value === name)) select.insertBefore(h('option', { value: name }, name), create);
      select.querySelector(`option[value="${NONE}"]`)?.remove();
      select.value = name;
      previous = name;
      onChange();
    });
  });
  return { element: select, space: () => (select.value === NEW || select.value === NONE ? '' : select.value) };
}
