// The "Secrets" sidebar tab: wires the views to the admin API, comms updates, the editor action and cleanup.
import { PERMISSIONS, PLUGIN_ID, SYNC_ACTION, TOPICS } from '../../src/shared/contract';
import type { Finding, MoveAnswer, ReferringNode, SyncStatus } from '../../src/shared/contract';
import { api } from './api';
import { applyReference } from './apply-reference';
import { FindingsView, findingKey, nodeLabel } from './findings-view';
import { t } from './i18n';
import { KeysView } from './keys-view';
import { LegacyNodesNotice } from './legacy-nodes';
import { LegacyView } from './legacy-view';
import { openMoveDialog, proposedName } from './move-dialog';
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
  readonly #findings: FindingsView;
  /** Names chosen for code findings (their replacement shows it); bounded by the findings the runtime lists. */
  readonly #codeNames = new Map<string, string>();
  #lastStatus: SyncStatus | undefined;
  #missingShown = '';
  #ticker: ReturnType<typeof setInterval> | undefined;
  #lastVersion: number | null | undefined;
  #syncing = false;

  readonly #onStatus = (_topic: string, data: unknown): void => this.#show(data as SyncStatus);
  readonly #onFindings = (): void => void this.#refreshFindings();
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
    // Moving writes a secret and edits a node: both permissions, else no Move at all.
    this.#findings = new FindingsView({ move: (finding) => this.#move(finding) }, this.#canWrite && canEditFlows, (finding) => `env.get('SECRETS.${this.#codeNames.get(findingKey(finding)) ?? proposedName(finding)}')`);
    this.#content = $('<div class="secret-sync-sidebar" id="secret-sync-sidebar">');
    this.#content.append(this.#status.element, this.#references.element, this.#findings.element, this.#legacyView.element, this.#keys.element);
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
      onchange: () => void this.#refreshFindings(),
    });
    RED.actions.add('secret-sync:show-sidebar', () => RED.sidebar.show(TAB_ID), { label: t('actions.show') });
    RED.actions.add(SYNC_ACTION, () => void this.syncNow(), { label: t('actions.syncNow') });
    RED.comms.subscribe(TOPICS.status, this.#onStatus);
    RED.comms.subscribe(TOPICS.changed, this.#onChanged);
    RED.comms.subscribe(TOPICS.restarted, this.#onRestarted);
    RED.comms.subscribe(TOPICS.findings, this.#onFindings);
    this.#ticker = setInterval(() => this.#status.render(), 30_000);
    this.#legacy.mount();
    this.#legacy.check();
    api.status().then(
      (status) => this.#show(status),
      () => undefined,
    );
    void this.#refreshFindings();
  }

  /** Removes everything the sidebar added to the editor. */
  destroy(): void {
    clearInterval(this.#ticker);
    this.#keys.destroy();
    this.#legacy.destroy();
    RED.comms.unsubscribe(TOPICS.status, this.#onStatus);
    RED.comms.unsubscribe(TOPICS.changed, this.#onChanged);
    RED.comms.unsubscribe(TOPICS.restarted, this.#onRestarted);
    RED.comms.unsubscribe(TOPICS.findings, this.#onFindings);
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

  async #refreshFindings(): Promise<void> {
    try {
      await this.#findings.refresh(api.findings);
      // Names chosen for findings the runtime no longer lists go: the map stays within the list's bound.
      const listed = new Set(this.#findings.findings.map(findingKey));
      for (const key of this.#codeNames.keys()) if (!listed.has(key)) this.#codeNames.delete(key);
    } catch (err) {
      notify(t('findings.loadFailed', { message: (err as Error).message }), { type: 'error', id: 'secret-sync-findings' });
    }
  }

  #move(finding: Finding): void {
    openMoveDialog(finding, { space: this.#lastStatus?.space ?? null, provider: this.#lastStatus?.provider ?? 'manager' }, (answer) => void this.#moved(finding, answer));
  }

  /** After the secret exists: the reference goes into the node (one undoable change), or code gets its replacement to paste. */
  async #moved(finding: Finding, answer: MoveAnswer): Promise<void> {
    const node = nodeLabel(finding);
    const params = { name: answer.name, node, reference: answer.reference, line: finding.line ?? '?' };
    if (!finding.movable) {
      this.#codeNames.set(findingKey(finding), answer.name);
      this.#findings.render();
      notify(t('move.createdCode', params), { type: 'success', timeout: 15_000 });
      return;
    }
    let problem: string | undefined;
    try {
      problem = await applyReference(finding.id, finding.property, answer.reference);
    } catch {
      problem = 'changed';
    }
    if (problem) notify(t(`move.problem.${problem}`, params), { type: 'warning', fixed: false, timeout: 15_000 });
    else notify(t(answer.existed ? 'move.existed' : 'move.moved', params), { type: 'success', timeout: 10_000 });
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
    this.#lastStatus = status;
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
