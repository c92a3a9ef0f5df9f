// The sidebar's list of legacy "Secret Manager" nodes, with Show per node and one "Delete legacy nodes" button.
import { t } from './i18n';
import { findLegacyNodes } from './legacy-nodes';

/** Lists the legacy nodes in the workspace; hidden when there are none. */
export class LegacyView {
  readonly element: JQuery;
  readonly #list: JQuery;
  readonly #title: JQuery;

  constructor(onDelete: () => void, canWrite: boolean) {
    this.element = $('<div class="secret-sync-legacy" id="secret-sync-legacy">').hide();
    this.#title = $('<div class="secret-sync-section-title">').appendTo(this.element);
    $('<div class="secret-sync-hint">').text(t('legacy.explain')).appendTo(this.element);
    this.#list = $('<ul class="secret-sync-legacy-list">').appendTo(this.element);
    $('<button type="button" class="red-ui-button" id="secret-sync-delete-legacy">')
      .text(t('legacy.delete'))
      .prop('disabled', !canWrite)
      .on('click', onDelete)
      .appendTo(this.element);
  }

  /** Re-reads the workspace. */
  render(): void {
    const nodes = findLegacyNodes();
    this.element.toggle(nodes.length > 0);
    this.#title.text(t('legacy.title', { count: nodes.length }));
    this.#list.empty();
    for (const node of nodes) {
      const tab = RED.nodes.workspace(node.z)?.label ?? RED.nodes.subflow(node.z)?.name ?? node.z;
      $('<li>')
        .attr('data-node', node.id)
        .append(
          $('<span>').text(`${node.name || t('legacy.unnamed')} · ${tab}`),
          ' ',
          $('<button type="button" class="red-ui-button red-ui-button-small">')
            .text(t('legacy.show'))
            .on('click', () => RED.view.reveal(node.id)),
        )
        .appendTo(this.#list);
    }
  }
}
