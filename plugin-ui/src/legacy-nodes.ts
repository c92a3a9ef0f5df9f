// Legacy "Secret Manager" nodes in the editor: find them, reveal them, delete them all in one undoable step.
import { NODE_TYPES } from '../../src/shared/contract';
import type { EditorLink, EditorNode, Notification } from './red-editor';
import { t } from './i18n';
import { notify } from './notify';

function locked(node: EditorNode): boolean {
  return RED.nodes.workspace(node.z)?.locked === true || RED.nodes.subflow(node.z)?.locked === true;
}

/** Every legacy node in the workspace, locked flows included. */
export function findLegacyNodes(): EditorNode[] {
  return RED.nodes.filterNodes({ type: NODE_TYPES.legacy });
}

/** Selects the legacy nodes and shows the first one. */
export function revealLegacyNodes(): void {
  const nodes = findLegacyNodes();
  const first = nodes[0];
  if (!first) return;
  RED.view.reveal(first.id);
  RED.view.select({ nodes: nodes.filter((n) => n.z === first.z) });
}

/**
 * Deletes every legacy node outside locked flows as one history event, so one
 * undo brings them all back. Like "delete and reconnect", the wires into and out
 * of a removed node are joined, since the node only passed messages on.
 */
export function deleteLegacyNodes(): { deleted: number; skipped: number } {
  const all = findLegacyNodes();
  const nodes = all.filter((n) => !locked(n));
  if (nodes.length === 0) return { deleted: 0, skipped: all.length };
  const startDirty = RED.nodes.dirty();
  const { newLinks, removedLinks } = RED.nodes.detachNodes(nodes);
  const removedNodes: EditorNode[] = [];
  const links: EditorLink[] = [...removedLinks];
  for (const node of nodes) {
    const removed = RED.nodes.remove(node.id);
    removedNodes.push(node, ...removed.nodes);
    links.push(...removed.links);
    const group = node.g === undefined ? undefined : RED.nodes.group(node.g);
    if (group) {
      group.nodes.splice(group.nodes.indexOf(node), 1);
      RED.group?.markDirty(group);
    }
  }
  const deleteEvent = { t: 'delete', nodes: removedNodes, links, groups: [], junctions: [], dirty: startDirty };
  RED.history.push(newLinks.length > 0 ? { t: 'multi', events: [deleteEvent, { t: 'add', links: newLinks }] } : deleteEvent);
  RED.nodes.dirty(true);
  RED.view.redraw(true);
  return { deleted: nodes.length, skipped: all.length - nodes.length };
}

/**
 * Offers to delete legacy nodes: when flows load, after a deploy, and when
 * legacy nodes the editor has not offered yet are added (Import, paste, a drag
 * from the palette). A node it already offered (one brought back by undo) does
 * not ask again. Users who may not change flows get no Delete button.
 */
export class LegacyNodesNotice {
  #notification: Notification | undefined;
  /** Legacy node ids present at the last offer. */
  #known = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #check = (): void => this.check();
  readonly #onAdd = (node?: unknown): void => {
    this.onChange();
    const added = node as Partial<EditorNode> | undefined;
    // An import adds its nodes one by one: one look after the last of them.
    if (added?.type === NODE_TYPES.legacy && typeof added.id === 'string' && !this.#known.has(added.id)) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#checkNew(), 0);
    }
  };

  constructor(
    private readonly onChange: () => void,
    private readonly canWrite: boolean,
  ) {}

  mount(): void {
    RED.events.on('flows:loaded', this.#check);
    RED.events.on('deploy', this.#check);
    RED.events.on('nodes:remove', this.onChange);
    RED.events.on('nodes:add', this.#onAdd);
  }

  destroy(): void {
    clearTimeout(this.#timer);
    RED.events.off('flows:loaded', this.#check);
    RED.events.off('deploy', this.#check);
    RED.events.off('nodes:remove', this.onChange);
    RED.events.off('nodes:add', this.#onAdd);
    this.#close();
  }

  /** Shows the notice when legacy nodes are in the workspace. */
  check(): void {
    this.onChange();
    const nodes = findLegacyNodes();
    this.#known = new Set(nodes.map((n) => n.id));
    this.#close();
    const count = nodes.length;
    if (count === 0) return;
    const show = { text: t('legacy.show'), click: () => revealLegacyNodes() };
    const notNow = { text: t('legacy.notNow'), click: () => this.#close() };
    const remove = {
      text: t('legacy.delete'),
      class: 'primary',
      click: () => {
        this.#close();
        this.deleteAll();
      },
    };
    // Without flows.write the editor would refuse the deploy: the notice says who can delete them instead.
    const text = this.canWrite ? t('legacy.notice', { count }) : `${t('legacy.notice', { count })} ${t('legacy.readOnly')}`;
    this.#notification = notify(text, { type: 'warning', fixed: true, id: 'secret-sync-legacy', buttons: this.canWrite ? [show, remove, notNow] : [show, notNow] });
  }

  /** Deletes them and says what happened. */
  deleteAll(): void {
    if (!this.canWrite) return;
    const { deleted, skipped } = deleteLegacyNodes();
    if (deleted > 0) notify(t('legacy.deleted', { count: deleted }), { type: 'success' });
    if (skipped > 0) notify(t('legacy.skipped', { count: skipped }), { type: 'warning' });
    this.onChange();
  }

  /** Offers again when nodes it has not offered yet are in the workspace. */
  #checkNew(): void {
    if (findLegacyNodes().some((n) => !this.#known.has(n.id))) this.check();
  }

  #close(): void {
    this.#notification?.close();
    this.#notification = undefined;
  }
}
