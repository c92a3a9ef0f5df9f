// The sidebar's view of `${SECRETS.KEY}` references: missing keys with their nodes, the last restart, and "Restart affected nodes".
import type { ReferencesStatus, ReferringNode } from '../../src/shared/contract';
import { t } from './i18n';

const names = (nodes: readonly ReferringNode[]): string => nodes.map((n) => (n.name ? `${n.name} (${n.type})` : `${n.type} ${n.id}`)).join(', ');

/** Renders the references part of the status; hidden when there is nothing to say. */
export class ReferencesView {
  readonly element: JQuery;
  readonly #list: JQuery;
  readonly #restart: JQuery;

  constructor(restart: () => void, canWrite: boolean) {
    this.element = $('<div class="secret-sync-references" id="secret-sync-references">').hide();
    $('<div class="secret-sync-section-title">').text(t('references.title')).appendTo(this.element);
    this.#list = $('<ul class="secret-sync-reference-list">').appendTo(this.element);
    this.#restart = $('<button type="button" class="red-ui-button" id="secret-sync-restart">')
      .text(t('references.restart'))
      .prop('disabled', !canWrite)
      .on('click', restart)
      .hide()
      .appendTo(this.element);
  }

  render(references: ReferencesStatus | undefined): void {
    const items: JQuery[] = [];
    for (const missing of references?.missing ?? []) {
      items.push($('<li class="secret-sync-reference-missing">').text(t('references.missing', { reference: `\${${missing.reference}}`, nodes: names(missing.nodes) })));
    }
    const pending = references?.pending ?? [];
    if (pending.length > 0) items.push($('<li class="secret-sync-reference-pending">').text(t('references.pending', { count: pending.length, nodes: names(pending) })));
    const restarted = references?.restarted;
    if (restarted) {
      items.push($('<li class="secret-sync-reference-restarted">').text(t('references.restarted', { count: restarted.nodes.length, keys: restarted.keys.join(', '), nodes: names(restarted.nodes) })));
    }
    if (references?.unavailable) items.push($('<li class="secret-sync-reference-missing">').text(t('references.unavailable', { reason: references.unavailable })));
    this.#list.empty().append(items);
    this.#restart.toggle(pending.length > 0);
    this.element.toggle(items.length > 0);
  }
}

/** One line naming every missing reference and its nodes, for a notification. */
export function describeMissing(references: ReferencesStatus): string {
  return references.missing.map((m) => `\${${m.reference}}: ${names(m.nodes)}`).join('; ');
}

/** The nodes of a restart, for a notification. */
export function describeNodes(nodes: readonly ReferringNode[]): string {
  return names(nodes);
}
