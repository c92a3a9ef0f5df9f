// The "Secrets" sidebar tab: wires the views to the admin API, comms updates, the editor action and cleanup.
import { PERMISSIONS, PLUGIN_ID, SYNC_ACTION, TOPICS } from '../../src/shared/contract';
import type { ReferringNode, SyncStatus } from '../../src/shared/contract';
import { api } from './api';
import { t } from './i18n';
import { KeysView } from './keys-view';
import { LegacyNodesNotice } from './legacy-nodes';
import { LegacyView } from './legacy-view';
import { notify } from './notify';
import { ReferencesView, describeMissing, describeNodes } from './references-view';
import { StatusView } from './status-view';

/** Id of the sidebar tab. */
export const TAB_ID = PLUGIN_ID;

/** One mounted sidebar; `destroy()` undoes everything `mount()` did. */
export class Sidebar {
  readonly #canWrite = RED.user.hasPermission(PERMISSIONS.write);
  readonly #status: StatusView;
  readonly #keys = new KeysView();
  readonly #content: JQuery;
  readonly #legacyView: LegacyView;
  readonly #legacy: LegacyNodesNotice;
  readonly #references: ReferencesView;
  #missingShown = '';
  #ticker: ReturnType<typeof setInterval> | undefined;
  #lastVersion: number | null | undefined;
  #syncing = false;

  readonly #onStatus = (_topic: string, data: unknown): void => this.#show(data as SyncStatus);
  readonly #onChanged = (): void => void this.#keys.refresh();
  readonly #onRestarted = (_topic: string, data: unknown): void => {
    const nodes = (data as { nodes?: ReferringNode[] } | undefined)?.nodes ?? [];
    if (nodes.length > 0) notify(t('references.notifyRestarted', { nodes: describeNodes(nodes) }), { type: 'success' });
  };

  constructor() {
    this.#status = new StatusView(
      {
        syncNow: () => void this.syncNow(),
        setInterval: (interval) => void this.#save({ interval }),
        setSyncOnDeploy: (syncOnDeploy) => void this.#save({ syncOnDeploy }),
      },
      this.#canWrite,
    );
    const canEditFlows = RED.user.hasPermission('flows.write');
    this.#legacy = new LegacyNodesNotice(() => this.#legacyView.render(), canEditFlows);
    this.#legacyView = new LegacyView(() => this.#legacy.deleteAll(), canEditFlows);
    this.#references = new ReferencesView(() => void this.#restartAffected(), this.#canWrite);
    this.#content = $('<div class="secret-sync-sidebar" id="secret-sync-sidebar">');
    this.#content.append(this.#status.element, this.#references.element, this.#legacyView.element, this.#keys.element);
  }

  /** Adds the tab, the action and the comms subscriptions, then loads the current state. */
  mount(): void {
    RED.sidebar.addTab({
      id: TAB_ID,
      label: t('sidebar.label'),
      name: t('sidebar.name'),
      iconClass: 'fa fa-key',
      content: this.#content,
      enableOnEdit: true,
      action: 'secret-sync:show-sidebar',
    });
    RED.actions.add('secret-sync:show-sidebar', () => RED.sidebar.show(TAB_ID), { label: t('actions.show') });
    RED.actions.add(SYNC_ACTION, () => void this.syncNow(), { label: t('actions.syncNow') });
    RED.comms.subscribe(TOPICS.status, this.#onStatus);
    RED.comms.subscribe(TOPICS.changed, this.#onChanged);
    RED.comms.subscribe(TOPICS.restarted, this.#onRestarted);
    this.#ticker = setInterval(() => this.#status.render(), 30_000);
    this.#legacy.mount();
    this.#legacy.check();
    api.status().then(
      (status) => this.#show(status),
      () => undefined,
    );
  }

  /** Removes everything the sidebar added to the editor. */
  destroy(): void {
    clearInterval(this.#ticker);
    this.#keys.destroy();
    this.#legacy.destroy();
    RED.comms.unsubscribe(TOPICS.status, this.#onStatus);
    RED.comms.unsubscribe(TOPICS.changed, this.#onChanged);
    RED.comms.unsubscribe(TOPICS.restarted, this.#onRestarted);
    RED.actions.remove(SYNC_ACTION);
    RED.actions.remove('secret-sync:show-sidebar');
    RED.sidebar.removeTab(TAB_ID);
    $('link[href*="secret-sync-sidebar.css"]').remove();
  }

  /** Runs a sync and tells the result in a notification. */
  async syncNow(): Promise<void> {
    if (!this.#canWrite) {
      notify(t('controls.readOnly'), { type: 'warning' });
      return;
    }
    if (this.#syncing) return;
    this.#syncing = true;
    this.#status.setBusy(true);
    try {
      const status = await api.sync();
      this.#show(status);
      if (status.state === 'ok') notify(t('notify.synced', { count: status.keyCount }), { type: 'success' });
      else notify(t('notify.failed', { message: status.error?.message ?? t(`state.${status.state}`) }), { type: 'error' });
    } catch (err) {
      notify(t('notify.failed', { message: (err as Error).message }), { type: 'error' });
    } finally {
      this.#syncing = false;
      this.#status.setBusy(false);
    }
  }

  async #restartAffected(): Promise<void> {
    try {
      this.#show(await api.restart());
    } catch (err) {
      notify(t('references.restartFailed', { message: (err as Error).message }), { type: 'error' });
    }
  }

  async #save(prefs: { interval?: string; syncOnDeploy?: boolean }): Promise<void> {
    try {
      this.#show(await api.preferences(prefs));
      notify(t('notify.saved'), { type: 'success', timeout: 2000 });
    } catch (err) {
      notify(t('notify.saveFailed', { message: (err as Error).message }), { type: 'error' });
      this.#status.render();
    }
  }

  #show(status: SyncStatus): void {
    this.#status.render(status);
    this.#references.render(status.references);
    // A deploy (or sync) that leaves references without a value says so once, naming keys and nodes.
    const missing = status.references ? describeMissing(status.references) : '';
    if (missing !== '' && missing !== this.#missingShown) notify(t('references.notifyMissing', { list: missing }), { type: 'warning', timeout: 10_000 });
    this.#missingShown = missing;
    this.#keys.setSpace(status.space);
    // New secrets come with a new version: reload the list only then.
    if (status.version !== this.#lastVersion || this.#lastVersion === undefined) {
      this.#lastVersion = status.version;
      void this.#keys.refresh();
    }
  }
}
