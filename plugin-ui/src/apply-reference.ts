// Puts a secret reference into a node's property in the editor as one undoable change (RED.history), for the user to review and deploy.
import type { EditorNode } from './red-editor';
import { ambiguousPath, propertyLabel, readPath, replacePath, segments } from './property-path';

/** Why a reference could not go in: the node is gone, its flow is locked, or the property holds no text any more. */
export type ApplyProblem = 'missing' | 'locked' | 'changed';

/**
 * What the editor holds under `id`: a node or config node, or a tab or
 * subflow (their environment variables are scanned too), and whether it is
 * locked against edits (its own lock, or its flow's).
 */
export function editorObject(id: string): { node: EditorNode; locked: boolean } | undefined {
  const node = RED.nodes.node(id);
  if (node) {
    const flow = node.z ? (RED.nodes.workspace(node.z) ?? RED.nodes.subflow(node.z)) : undefined;
    return { node, locked: flow?.locked === true };
  }
  const flow = RED.nodes.workspace(id) ?? RED.nodes.subflow(id);
  // Tabs and subflows carry `_def` and take the history's `edit` events like nodes.
  return flow ? { node: flow as unknown as EditorNode, locked: flow.locked === true } : undefined;
}

/** The entry `{ name, value, type }` at `env.<i>.value` when it is a text variable (`str`), else undefined. */
function envEntry(record: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  if (path.length !== 3 || path[0] !== 'env' || !/^\d+$/.test(path[1]!) || path[2] !== 'value') return undefined;
  const entry = readPath(record, path.slice(0, 2));
  if (typeof entry !== 'object' || entry === null) return undefined;
  const typed = entry as Record<string, unknown>;
  return typeof typed.value === 'string' && (typed.type === undefined || typed.type === 'str') ? typed : undefined;
}

/** A copy of the list `env` with entry `index` replaced. */
function replaceEntry(env: unknown, index: number, entry: Record<string, unknown>): unknown[] {
  const copy = [...(env as unknown[])];
  copy[index] = entry;
  return copy;
}

/**
 * The node's credentials as the edit dialog would hold them: loaded from the
 * runtime (`credentials/<type>/<id>`, which sends `has_password`, never a
 * password) when the editor has not loaded them yet, with the copy `_` that
 * export compares against. Then an undo that puts back `has_password` and no
 * value exports nothing, and the runtime keeps the credential it has.
 */
async function loadCredentials(node: EditorNode): Promise<Record<string, unknown> & { _?: Record<string, unknown> }> {
  if (node.credentials) return node.credentials;
  const data = await new Promise<Record<string, unknown>>((resolve, reject) => {
    void $.ajax({ url: `credentials/${node.type.replace(/\s+/g, '-')}/${encodeURIComponent(node.id)}`, dataType: 'json' })
      .done((answer: Record<string, unknown>) => resolve(answer))
      .fail((xhr: JQuery.jqXHR) => reject(new Error(`HTTP ${xhr.status}`)));
  });
  // The edit dialog may have loaded them meanwhile: its copy wins.
  node.credentials ??= { ...data, _: { ...data } };
  return node.credentials;
}

/** What the dialog proposes the secret be named after: the node's name (or type) and the property's own name. */
export function describeProperty(node: EditorNode | undefined, property: string): string {
  const path = segments(property);
  return path[0] === 'credentials' ? path[path.length - 1]! : propertyLabel(node, path);
}

/**
 * Replaces the literal at `property` (`credentials.password`, `url`,
 * `headers.0.valueValue`) with `reference`, marks the node changed and the
 * workspace dirty, and pushes one `edit` event, so one undo restores the
 * literal (README, "Move existing credentials"). Nothing is saved: the deploy
 * does that. Answers the problem instead when the node cannot take it.
 */
export async function applyReference(id: string, property: string, reference: string): Promise<ApplyProblem | undefined> {
  const found = editorObject(id);
  if (!found) return 'missing';
  if (found.locked) return 'locked';
  const node = found.node;
  const path = segments(property);
  // A node's own key `credentials.password` (or `a.b` beside `a`): the finding may be that key, not the credential.
  if (ambiguousPath(node, path)) return 'changed';
  const changes: Record<string, unknown> = {};
  if (path[0] === 'credentials' && path.length === 2) {
    const key = path[1]!;
    const credentials = await loadCredentials(node);
    // Same shape as the edit dialog's own change: the old value (never sent for a password) and has_<key>.
    changes.credentials = { [key]: credentials[key], [`has_${key}`]: credentials[`has_${key}`] };
    credentials[key] = reference;
    credentials[`has_${key}`] = true;
  } else {
    const top = path[0]!;
    const record = node as unknown as Record<string, unknown>;
    const entry = envEntry(record, path);
    // An environment variable of a tab, subflow or group: Node-RED reads `${…}` in its text as those characters, so it becomes one of type `env` naming SECRETS.NAME.
    const next = entry ? replaceEntry(record[top], Number(path[1]), { ...entry, type: 'env', value: reference.replace(/^\$\{(.*)\}$/, '$1') }) : replacePath(record[top], path.slice(1), reference);
    if (next === undefined || readPath(node, path) === undefined) return 'changed';
    // The history keeps the old value of the whole top-level property, as the edit dialog does for an array or object.
    changes[top] = record[top];
    record[top] = next;
  }
  const wasChanged = node.changed === true;
  const wasDirty = RED.nodes.dirty();
  node.changed = true;
  node.dirty = true;
  RED.history.push({ t: 'edit', node, changes, changed: wasChanged, dirty: wasDirty });
  RED.nodes.dirty(true);
  RED.events.emit('nodes:change', node);
  RED.view.redraw(true);
  return undefined;
}
