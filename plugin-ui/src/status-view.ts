// The status section: state, space, times, counts, last error, and the sync controls.
import { relativeTime, stateLook, unavailableHooks, watchReasonKey } from './format';
import { t } from './i18n';
import { INTERVALS } from '../../src/shared/contract';
import type { SyncStatus, WatchStatus } from '../../src/shared/contract';

/** What the controls ask the sidebar to do. */
export interface StatusActions {
  syncNow(): void;
  setInterval(interval: string): void;
  setSyncOnDeploy(on: boolean): void;
}

function relative(iso: string, now: number): string {
  const rel = relativeTime(iso, now);
  return t(`time.${rel.key}`, { count: rel.count });
}

function when(iso: string | null, now: number): JQuery {
  if (iso === null) return $('<span>').text(t('status.never'));
  return $('<span>').text(relative(iso, now)).attr('title', new Date(iso).toLocaleString());
}

/** The next-sync cell: the schedule, the watch, or the next long-poll try of a degraded watch. */
function nextSync(status: SyncStatus, now: number): JQuery | string {
  if (status.watch?.state === 'degraded' && status.watch.nextRetryAt !== null) {
    return $('<span>').text(t('status.next.degraded', { when: relative(status.watch.nextRetryAt, now) })).attr('title', new Date(status.watch.nextRetryAt).toLocaleString());
  }
  if (status.nextSyncAt !== null) return when(status.nextSyncAt, now);
  return t(`status.next.${status.interval === 'watch' ? 'watch' : 'none'}`);
}

/** Why a degraded watch waits, in plain words; every part is text (the message and code come from the runtime). */
function watchNotice(watch: WatchStatus, now: number): JQuery[] {
  const reason = t(watchReasonKey(watch.code), { message: watch.message ?? '' });
  const since = new Date(watch.since);
  return [
    $('<div>').append($('<i class="fa fa-pause-circle secret-sync-tone-warning" aria-hidden="true">'), ' ', $('<span>').text(t('watch.degraded', { reason }))),
    $('<div class="secret-sync-code">')
      .text(t('watch.fallback', { next: watch.nextRetryAt === null ? '—' : relative(watch.nextRetryAt, now), since: since.toLocaleTimeString() }))
      .attr('title', since.toLocaleString()),
    $('<div class="secret-sync-code">').text(t('watch.code', { code: watch.code ?? '—', count: watch.failures })),
  ];
}

/** Renders a status and owns the controls. */
export class StatusView {
  readonly element: JQuery;
  readonly #state: JQuery;
  readonly #rows: JQuery;
  readonly #details: JQuery;
  readonly #error: JQuery;
  readonly #watch: JQuery;
  readonly #unmasked: JQuery;
  readonly #syncNow: JQuery;
  readonly #interval: JQuery<HTMLSelectElement>;
  readonly #onDeploy: JQuery<HTMLInputElement>;
  #status: SyncStatus | undefined;
  #busy = false;

  constructor(actions: StatusActions, private readonly canWrite: boolean) {
    this.element = $('<div class="secret-sync-status">');
    // Compact, for the half-height pane Node-RED 5 gives a stacked sidebar: state and "Sync now"
    // share a line, three facts follow, the rest folds into Details.
    const header = $('<div class="secret-sync-header">').appendTo(this.element);
    this.#state = $('<div class="secret-sync-state" role="status" aria-live="polite">').appendTo(header);
    this.#syncNow = $('<button type="button" id="secret-sync-sync-now" class="red-ui-button red-ui-button-small">')
      .append($('<i class="fa fa-refresh">'), ' ', $('<span>').text(t('controls.syncNow')))
      .on('click', () => actions.syncNow())
      .appendTo(header);
    this.#rows = $('<tbody>').appendTo($('<table class="secret-sync-info">').appendTo(this.element));
    const details = $('<details class="secret-sync-details">').appendTo(this.element);
    $('<summary>').text(t('status.details')).appendTo(details);
    this.#details = $('<tbody>').appendTo($('<table class="secret-sync-info">').appendTo(details));
    this.#error = $('<div class="secret-sync-error" role="alert">').hide().appendTo(this.element);
    this.#watch = $('<div class="secret-sync-watch" id="secret-sync-watch" role="status">').hide().appendTo(this.element);
    this.#unmasked = $('<div class="secret-sync-hint" id="secret-sync-unmasked">').hide().appendTo(this.element);

    const controls = $('<div class="secret-sync-controls">').appendTo(this.element);
    const intervalRow = $('<label class="secret-sync-control">').appendTo(controls);
    $('<span>').text(t('controls.autoSync')).appendTo(intervalRow);
    this.#interval = $<HTMLSelectElement>('<select id="secret-sync-interval">').appendTo(intervalRow);
    for (const interval of INTERVALS) $('<option>').val(interval).text(t(`interval.${interval}`)).appendTo(this.#interval);
    this.#interval.on('change', () => actions.setInterval(String(this.#interval.val())));

    const deployRow = $('<label class="secret-sync-control secret-sync-checkbox">').appendTo(controls);
    this.#onDeploy = $<HTMLInputElement>('<input type="checkbox" id="secret-sync-on-deploy">').appendTo(deployRow);
    $('<span>').text(t('controls.syncOnSave')).appendTo(deployRow);
    this.#onDeploy.on('change', () => actions.setSyncOnDeploy(this.#onDeploy.prop('checked') === true));

    if (!canWrite) {
      $('<div class="secret-sync-hint" id="secret-sync-readonly">').text(t('controls.readOnly')).appendTo(controls);
    }
    this.#applyEnabled();
  }

  /** Shows `status`; re-rendering with the same status refreshes the relative times. */
  render(status: SyncStatus | undefined = this.#status): void {
    if (!status) return;
    this.#status = status;
    const now = Date.now();
    const look = stateLook(this.#busy ? 'syncing' : status.state);
    this.#state
      .attr('class', `secret-sync-state secret-sync-tone-${look.tone}`)
      .attr('data-state', status.state)
      .empty()
      .append($('<i>').attr('class', look.icon).attr('aria-hidden', 'true'), ' ', $('<span>').text(t(`state.${status.state}`)));

    // A string value (the space, the configured address) is text: jQuery's append would parse it as HTML.
    const row = (label: string, value: JQuery | string, id: string): JQuery => {
      const cell = $('<td>').attr('id', `secret-sync-${id}`);
      return $('<tr>').append($('<td>').text(label), typeof value === 'string' ? cell.text(value) : cell.append(value));
    };
    this.#rows.empty().append(
      row(t('status.space'), status.space ?? '—', 'space'),
      row(t('status.lastSync'), when(status.lastSyncAt, now), 'last-sync'),
      row(t('status.keys'), String(status.keyCount), 'key-count'),
    );
    this.#details.empty().append(
      row(t('status.nextSync'), nextSync(status, now), 'next-sync'),
      row(t('status.version'), status.version === null ? '—' : String(status.version), 'version'),
      row(t('status.provider'), status.provider, 'provider'),
      row(t('status.address'), status.address ?? '—', 'address'),
    );
    // A hook that did not take means something is missing in this Node-RED (the log says what): one line names them.
    const missing = unavailableHooks(status.hooks);
    if (missing.length > 0) {
      const list = missing.map((name) => t(`hooks.${name}`)).join(', ');
      this.#details.append($('<tr>').append($('<td colspan="2" class="secret-sync-hint" id="secret-sync-hooks">').text(t('status.hooks', { list }))));
    }
    if (status.error) {
      this.#error
        .empty()
        .append($('<div>').text(status.error.message), $('<div class="secret-sync-code">').text(t('status.errorCode', { code: status.error.code, count: status.consecutiveFailures })))
        .show();
    } else {
      this.#error.hide();
    }
    // A degraded watch with good secrets is still "Synced": the notice says what is paused and until when.
    if (status.watch?.state === 'degraded') this.#watch.empty().append(watchNotice(status.watch, now)).show();
    else this.#watch.hide();
    const unmasked = status.unmaskedKeys ?? [];
    // The status names at most STATUS_LIST_MAX keys; the count says how many more there are.
    const more = (status.unmaskedKeyCount ?? unmasked.length) - unmasked.length;
    const keys = unmasked.join(', ');
    this.#unmasked.text(more > 0 ? t('status.unmaskedMore', { keys, count: more }) : t('status.unmasked', { keys })).toggle(unmasked.length > 0);
    if (this.#interval.val() !== status.interval) this.#interval.val(status.interval);
    this.#onDeploy.prop('checked', status.syncOnDeploy);
    this.#applyEnabled();
  }

  /** Shows the spinner on "Sync now" while a sync runs. */
  setBusy(busy: boolean): void {
    this.#busy = busy;
    this.#syncNow.find('i').toggleClass('fa-spin', busy);
    this.#syncNow.attr('aria-busy', String(busy));
    this.#applyEnabled();
    this.render();
  }

  #applyEnabled(): void {
    const configured = this.#status !== undefined && this.#status.state !== 'unconfigured';
    this.#syncNow.prop('disabled', !this.canWrite || this.#busy || !configured);
    this.#interval.prop('disabled', !this.canWrite);
    this.#onDeploy.prop('disabled', !this.canWrite);
    if (!this.canWrite) {
      for (const el of [this.#syncNow, this.#interval, this.#onDeploy]) el.attr('title', t('controls.readOnly'));
    }
  }
}
