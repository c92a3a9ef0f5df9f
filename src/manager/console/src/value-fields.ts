// The value fields of the secret dialogs: a password field with a reveal eye, new pair rows (Add item), and the existing pairs of a secret by name.
import { h } from './dom';
import { t } from './i18n';
import { icon } from './icons';

/** A password field with a reveal eye beside it (a toggle button). */
export function secretInput(attrs: Record<string, string>): HTMLElement[] {
  const input = h('input', { ...attrs, type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const eye = h('button', { type: 'button', class: 'icon-button reveal', 'aria-label': t('reveal'), title: t('reveal'), 'aria-pressed': 'false' }, icon('eye'));
  eye.addEventListener('click', () => {
    const shown = input.type === 'text';
    input.type = shown ? 'password' : 'text';
    eye.setAttribute('aria-pressed', String(!shown));
  });
  return [input, eye];
}

/** A labelled single value: `#{id}` with its eye. */
export function singleValue(id: string, label: string): HTMLElement {
  return h('div', { id: 'single-value' }, h('label', { for: id }, label), h('div', { class: 'row' }, ...secretInput({ id })));
}

/** The pairs being edited: the rows of `#pairs` and how they read. */
export interface PairsEditor {
  /** The element to put in the form: the rows and the Add item button. */
  element: HTMLElement;
  /** Adds an empty new row and focuses its name. */
  addRow(): void;
  /** Whether any new row is shown. */
  hasNewRows(): boolean;
  /**
   * What the rows say: the new pairs (fully empty rows skipped), the existing
   * pairs to change or remove (null), or a message when two rows share a name
   * or a new row takes an existing pair's name.
   */
  read(): { added: Record<string, string>; changed: Record<string, string | null> } | { problem: string };
}

/** A trash button named `label`. */
function trashButton(label: string, onclick: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'icon-button remove-pair', 'aria-label': label, title: t('remove'), onclick }, icon('trash'));
}

/** One existing pair, by name: a new value (empty keeps it), its eye, and remove with an undo until Save. */
function existingRow(name: string): { row: HTMLElement; value: () => string | null | undefined } {
  const [input, eye] = secretInput({ 'aria-label': t('newValueOf', { name }), placeholder: t('unchanged'), class: 'pair-value' }) as [HTMLInputElement, HTMLElement];
  const row = h('div', { class: 'row pair', 'data-pair': name }, h('span', { class: 'pair-name mono', title: name }, name), input, eye);
  const note = h('span', { class: 'muted removed-note' }, t('willBeRemoved'));
  const undo = h('button', { type: 'button', class: 'undo', 'aria-label': t('undoRemove', { name }) }, t('undo'));
  const remove = trashButton(t('removeNamed', { name }), () => {
    row.classList.add('removed');
    input.disabled = true;
    input.replaceWith(note);
    eye.hidden = true;
    remove.replaceWith(undo);
    undo.focus();
  });
  undo.addEventListener('click', () => {
    row.classList.remove('removed');
    input.disabled = false;
    note.replaceWith(input);
    eye.hidden = false;
    undo.replaceWith(remove);
    input.focus();
  });
  row.append(remove);
  // null removes the pair; undefined (left empty) keeps its value.
  return { row, value: () => (row.classList.contains('removed') ? null : input.value === '' ? undefined : input.value) };
}

/**
 * The pairs editor: `existing` pair names (values never shown), then new rows
 * from Add item. `onEmpty` runs when the last new row is removed and no existing
 * pair is shown (the new-key dialog then brings its single value field back).
 */
export function pairsEditor(existing: readonly string[], onEmpty: () => void = () => undefined): PairsEditor {
  const list = h('div', { id: 'pairs' });
  const rows = existing.map(existingRow);
  for (const { row } of rows) list.append(row);
  let next = 0;
  const fresh: { row: HTMLElement; key: HTMLInputElement; value: HTMLInputElement }[] = [];
  const addRow = (): void => {
    const index = next++;
    const key = h('input', { 'aria-label': t('keyname'), placeholder: t('keyname'), id: `pair-key-${index}`, class: 'mono', autocomplete: 'off', spellcheck: 'false' });
    const [value, eye] = secretInput({ 'aria-label': t('keyvalue'), placeholder: t('keyvalue'), id: `pair-value-${index}` }) as [HTMLInputElement, HTMLElement];
    const row = h('div', { class: 'row pair new-pair' }, key, value, eye);
    const entry = { row, key, value };
    row.append(
      trashButton(t('remove'), () => {
        row.remove();
        fresh.splice(fresh.indexOf(entry), 1);
        if (fresh.length === 0 && rows.length === 0) onEmpty();
        else add.focus();
      }),
    );
    fresh.push(entry);
    list.append(row);
    key.focus();
  };
  const add = h('button', { type: 'button', id: 'add-item', onclick: addRow }, t('addItem'));
  return {
    element: h('div', { class: 'pairs' }, list, add),
    addRow,
    hasNewRows: () => fresh.length > 0,
    read: () => {
      // Without a prototype, a name such as __proto__ is a plain key (that the manager refuses by name).
      const changed = Object.create(null) as Record<string, string | null>;
      for (const [i, { value }] of rows.entries()) {
        const v = value();
        if (v !== undefined) changed[existing[i]!] = v;
      }
      const added = Object.create(null) as Record<string, string>;
      for (const { key, value } of fresh) {
        const name = key.value.trim();
        if (name === '' && value.value === '') continue;
        if (existing.includes(name)) return { problem: t('existingPair', { name }) };
        if (Object.hasOwn(added, name)) return { problem: t('duplicatePair', { name }) };
        added[name] = value.value;
      }
      return { added, changed };
    },
  };
}
