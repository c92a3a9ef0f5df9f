// The Secret Sync service: a state machine (blocked | running) over the engine, schedule, watch, preferences and usage reports. Never touches RED.
import { EventEmitter } from 'node:events';
import type { SecretProvider } from '../../providers/provider';
import { delay } from '../../shared/delay';
import type { SyncError } from '../../shared/sync-error';
import { toSyncError } from '../../shared/sync-error';
import type { ConfigResult, SyncConfig } from './config';
import type { FlowNodeConfig } from './flow-nodes';
import { describeLegacyNodes, findLegacyNodes } from './legacy-nodes';
import type { PluginLogger } from './logger';
import { effectivePreferences, parsePreferencesBody, toSavedPreferences } from './preferences';
import type { Preferences, SavedPreferences } from './preferences';
import { DEFAULT_RETRY_POLICY } from './retry';
import type { RetryPolicy } from './retry';
import { SyncScheduler } from './scheduler';
import { EMPTY_PUBLICATION } from './publication';
import type { Publication } from './publication';
import type { Snapshot } from './snapshot';
import { listKeys } from './status';
import type { HooksStatus, KeyEntry, LegacyNode, ReferencesStatus, SecretsChangedEvent, SyncStatus } from '../../shared/contract';
import { HOOK_NAMES, STATUS_LIST_MAX } from '../../shared/contract';
import type { KeyUsage } from '../../shared/fleet-wire';
import { SyncEngine, initialSyncState } from './sync-engine';
import type { Trigger } from './sync-engine';
import { withTokenAdvice } from './token-advice';
import { keyUsage } from './usage';
import { UsageReports } from './usage-reports';
import { WatchLoop } from './watch-loop';

/** Where preferences persist (the runtime settings store). */
export interface PreferenceStore {
  load(): unknown;
  save(value: SavedPreferences): Promise<void>;
}

/** What the service is built from. */
export interface ServiceDeps {
  config: ConfigResult;
  createProvider: (config: SyncConfig) => SecretProvider;
  /**
   * Takes each publication (global.SECRETS, the masks): the one hand-off of a
   * successful sync, and of the empty secrets before the first. Throws
   * SyncError when it cannot take it: the sync then fails.
   */
  onPublish: (publication: Publication) => void;
  /** Why no publication can be taken at all (settings.js has no usable functionGlobalContext): the service then never syncs. */
  publishProblem?: SyncError | undefined;
  preferences: PreferenceStore;
  logger: PluginLogger;
  /** This instance's schedule offset, 0 ≤ splay < 1. */
  splay: number;
  /** Overrides of the retry policy (after settings.js `secretSync.retry`). */
  policy?: Partial<RetryPolicy>;
  /** Longest wait for the first sync before flows start, ms. */
  startupWaitMs?: number;
}

/** Events of the service. */
export interface ServiceEvents {
  status: [SyncStatus];
  changed: [SecretsChangedEvent];
}

/** The references part of the status until something reports them. */
const NO_REFERENCES: ReferencesStatus = { missing: [], restarted: null, pending: [], unavailable: null };

/** The hooks part of the status until the runtime bridge reports them: none installed. */
const NO_HOOKS: HooksStatus = Object.fromEntries(HOOK_NAMES.map((name) => [name, 'off'])) as HooksStatus;

/** Default bound on how long flows wait for the first sync at startup. */
export const DEFAULT_STARTUP_WAIT_MS = 10_000;

/**
 * What the service is: `blocked` (configuration or settings.js make syncing
 * impossible; the status says why) or `running` (an engine, and a watch loop
 * where the provider can watch). Decided once, at construction.
 */
type Mode =
  | { kind: 'blocked'; state: 'unconfigured' | 'error'; error: SyncError }
  | { kind: 'running'; engine: SyncEngine; provider: SecretProvider; watch: WatchLoop | undefined };

/** Runs Secret Sync for one Node-RED instance. */
export class SecretSyncService extends EventEmitter<ServiceEvents> {
  readonly #deps: ServiceDeps;
  readonly #mode: Mode;
  readonly #scheduler: SyncScheduler;
  readonly #configured: Preferences;
  readonly #usage: UsageReports;
  #prefs: Preferences;
  #legacy: LegacyNode[] = [];
  #references: ReferencesStatus = NO_REFERENCES;
  #hooks: HooksStatus = NO_HOOKS;
  #flowsStartedOnce = false;
  #stopped = false;

  constructor(deps: ServiceDeps) {
    super();
    // Every "secrets changed" node listens here: the count is the user's, not a leak.
    this.setMaxListeners(0);
    this.#deps = deps;
    const { summary } = deps.config;
    this.#configured = { interval: summary.interval, syncOnDeploy: summary.syncOnDeploy };
    this.#prefs = effectivePreferences(this.#configured, deps.preferences.load());
    this.#scheduler = new SyncScheduler(() => this.sync('schedule'), deps.logger, deps.splay);
    this.#usage = new UsageReports({ send: (usage) => this.#sendUsage(usage), takeRequest: () => this.#takeUsageRequest() });
    this.#mode = this.#createMode();
    // Until the first good sync, flows read an empty frozen object: `global.get('SECRETS').KEY` answers
    // undefined instead of throwing, also while the manager is down or Secret Sync is not configured
    // (README, "Using secrets in flows"). It also drops what a previous load of the plugin left there.
    if (!deps.publishProblem) deps.onPublish(EMPTY_PUBLICATION);
    if (this.#mode.kind === 'blocked') deps.logger.warn(`${this.#mode.state}: ${this.#mode.error.message}`);
  }

  #createMode(): Mode {
    const { config, logger, publishProblem } = this.#deps;
    if (!config.ok) return { kind: 'blocked', state: config.state, error: config.error };
    if (publishProblem) return { kind: 'blocked', state: 'error', error: publishProblem };
    let provider: SecretProvider;
    let engine: SyncEngine;
    const policy = { ...DEFAULT_RETRY_POLICY, ...config.config.retry, ...this.#deps.policy };
    try {
      provider = this.#deps.createProvider(config.config);
      const { tokenSource } = config.config;
      engine = new SyncEngine({ provider, onPublish: this.#deps.onPublish, policy, logger, space: config.config.space, explain: (error) => withTokenAdvice(error, tokenSource) });
    } catch (err) {
      return { kind: 'blocked', state: 'error', error: toSyncError(err) };
    }
    const watch = provider.waitForChange
      ? new WatchLoop({
          waitForChange: provider.waitForChange.bind(provider),
          currentVersion: () => engine.state.version,
          sync: async (prefetched) => (this.#stopped ? undefined : engine.sync('watch', prefetched)),
          logger,
          onStatus: () => this.#emitStatus(),
          maxRetryAfterMs: policy.maxRetryAfterMs,
        })
      : undefined;
    engine.on('state', () => {
      // After a good sync, a usage report that did not arrive (or that the provider asked for) goes.
      if (engine.state.state === 'ok') this.#usage.synced();
      this.#emitStatus();
    });
    engine.on('changed', (event) => this.emit('changed', event));
    return { kind: 'running', engine, provider, watch };
  }

  /** The full status (no secret values): the engine's state, the settings in force, and what the publication and the other parts reported. */
  status(): SyncStatus {
    const mode = this.#mode;
    const sync = mode.kind === 'running' ? mode.engine.state : initialSyncState(mode.state, mode.error.toJSON());
    const { summary } = this.#deps.config;
    const unmasked = this.publication().unmaskedKeys;
    return {
      ...sync,
      space: summary.space,
      provider: summary.provider,
      address: mode.kind === 'running' && mode.engine.state.lastAttemptAt !== null ? (mode.provider.address ?? null) : null,
      interval: this.#prefs.interval,
      syncOnDeploy: this.#prefs.syncOnDeploy,
      legacyNodes: this.#legacy.map((n) => ({ ...n })),
      nextSyncAt: this.#scheduler.nextRunAt()?.toISOString() ?? null,
      unmaskedKeys: unmasked.slice(0, STATUS_LIST_MAX),
      unmaskedKeyCount: unmasked.length,
      references: this.#references,
      hooks: { ...this.#hooks },
      watch: mode.kind === 'running' && mode.watch?.running ? mode.watch.status : null,
    };
  }

  /** The configured provider, or undefined when the service is blocked (a move writes through it). */
  provider(): SecretProvider | undefined {
    return this.#mode.kind === 'running' ? this.#mode.provider : undefined;
  }

  /** The last publication (empty before the first sync). */
  publication(): Publication {
    return this.#mode.kind === 'running' ? this.#mode.engine.publication : EMPTY_PUBLICATION;
  }

  /** The snapshot flows read now (empty before the first sync). */
  snapshot(): Snapshot {
    return this.publication().snapshot;
  }

  /** Keys flows can read now, masked, filtered by `query`. */
  keys(query?: string): KeyEntry[] {
    return listKeys(this.snapshot(), query);
  }

  /**
   * Runs the first sync and waits for it at most `startupWaitMs`, so flows that
   * read global.SECRETS on start see it when the manager is reachable; then
   * starts the schedule. A slow first sync goes on in the background.
   */
  async start(): Promise<void> {
    if (this.#mode.kind === 'blocked') {
      this.#emitStatus();
      return;
    }
    const { engine } = this.#mode;
    const first = engine.sync('startup');
    const waitOver = new AbortController();
    await Promise.race([first, delay(this.#deps.startupWaitMs ?? DEFAULT_STARTUP_WAIT_MS, waitOver.signal)]);
    waitOver.abort();
    if (engine.busy) this.#deps.logger.warn('the first sync is taking long; flows start now and get global.SECRETS when it completes');
    this.#applySchedule();
  }

  /** Runs a sync now (or joins the running one) and answers the status after it. */
  async sync(trigger: Trigger): Promise<SyncStatus> {
    if (this.#mode.kind === 'running' && !this.#stopped) await this.#mode.engine.sync(trigger);
    return this.status();
  }

  /**
   * To be called on every start of the flows but the plugin's own restart of a
   * few nodes (which is no deploy): flags legacy nodes, reports which keys the
   * flows use, and syncs on deploy. The first start is the startup's, not a deploy.
   */
  flowsStarted(flows: readonly FlowNodeConfig[], credentialsOf: (id: string) => unknown): void {
    const legacy = findLegacyNodes(flows);
    if (legacy.length > 0) this.#deps.logger.warn(describeLegacyNodes(legacy, flows));
    this.#legacy = legacy;
    this.#emitStatus();
    if (!this.#flowsStartedOnce) this.#flowsStartedOnce = true;
    else if (this.#prefs.syncOnDeploy) void this.sync('deploy');
    this.#usage.deployed(keyUsage(flows, credentialsOf));
  }

  /** Validates and applies a preferences change, persists it, reschedules. Throws `invalid_preferences`. */
  async setPreferences(body: unknown): Promise<SyncStatus> {
    const patch = parsePreferencesBody(body);
    const next: Preferences = { ...this.#prefs, ...patch };
    await this.#deps.preferences.save(toSavedPreferences(this.#configured, next));
    const intervalChanged = next.interval !== this.#prefs.interval;
    this.#prefs = next;
    this.#deps.logger.info(`preferences changed: interval ${next.interval}, sync on deploy ${next.syncOnDeploy ? 'on' : 'off'}`);
    if (intervalChanged) this.#applySchedule();
    this.#emitStatus();
    return this.status();
  }

  /** Reports the keys the deployed flows use to the provider (when it keeps a fleet view); false when it could not. */
  async #sendUsage(usage: readonly KeyUsage[]): Promise<boolean> {
    if (this.#mode.kind !== 'running' || !this.#mode.provider.reportUsage || this.#stopped) return true;
    try {
      await this.#mode.provider.reportUsage(usage, AbortSignal.timeout(10_000));
      return true;
    } catch (err) {
      this.#deps.logger.debug(`usage report not delivered (${toSyncError(err).code}); it is sent again after the next sync`);
      return false;
    }
  }

  /** Whether the provider asked for a usage report since the last call (it lost or never had this instance's). */
  #takeUsageRequest(): boolean {
    if (this.#mode.kind !== 'running' || this.#stopped) return false;
    return this.#mode.provider.takeUsageRequest?.() ?? false;
  }

  /** Takes what the secret references report (missing, restarted, pending) and sends the status. */
  setReferences(references: ReferencesStatus): void {
    this.#references = references;
    this.#emitStatus();
  }

  /** Takes which hooks into Node-RED took (the runtime bridge's report) and sends the status. */
  setHooks(hooks: HooksStatus): void {
    this.#hooks = { ...hooks };
    this.#emitStatus();
  }

  /** Stops schedules and the watch loop. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#scheduler.stop();
    if (this.#mode.kind === 'running') {
      await this.#mode.watch?.stop();
      this.#mode.provider.close?.();
    }
  }

  #applySchedule(): void {
    if (this.#mode.kind === 'blocked' || this.#stopped) return;
    const { watch } = this.#mode;
    this.#scheduler.apply(this.#prefs.interval);
    if (this.#prefs.interval === 'watch' && watch) watch.start();
    else void watch?.stop();
    if (this.#prefs.interval === 'watch' && !watch) {
      this.#deps.logger.warn(`the ${this.#deps.config.summary.provider} provider cannot watch; use a scheduled interval`);
    }
    this.#emitStatus();
  }

  #emitStatus(): void {
    this.emit('status', this.status());
  }
}
