// The Secret Sync service: a state machine (blocked | running) over the engine, schedule, watch and preferences. Never touches RED.
import { EventEmitter } from 'node:events';
import type { SecretProvider } from '../../providers/provider';
import { delay } from '../../shared/delay';
import type { SyncError } from '../../shared/sync-error';
import { toSyncError } from '../../shared/sync-error';
import type { ConfigResult, SyncConfig } from './config';
import type { GlobalSecrets } from './global-secrets';
import type { PluginLogger } from './logger';
import { effectivePreferences, parsePreferencesBody, toSavedPreferences } from './preferences';
import type { Preferences, SavedPreferences } from './preferences';
import { DEFAULT_RETRY_POLICY } from './retry';
import type { RetryPolicy } from './retry';
import { SyncScheduler } from './scheduler';
import { EMPTY_SNAPSHOT } from './snapshot';
import type { Snapshot } from './snapshot';
import { listKeys } from './status';
import type { KeyEntry, LegacyNode, ReferencesStatus, SecretsChangedEvent, SyncStatus } from '../../shared/contract';
import { STATUS_LIST_MAX } from '../../shared/contract';
import type { KeyUsage } from '../../shared/fleet-wire';
import { prepareMasker, unmaskedKeys } from './masker';
import { SyncEngine, initialSyncState } from './sync-engine';
import type { Trigger } from './sync-engine';
import { withTokenAdvice } from './token-advice';
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
  target: GlobalSecrets;
  preferences: PreferenceStore;
  logger: PluginLogger;
  /** This instance's schedule offset, 0 ≤ splay < 1. */
  splay: number;
  /** Overrides of the retry policy (after settings.js `secretSync.retry`). */
  policy?: Partial<RetryPolicy>;
  /** Longest wait for the first sync before flows start, ms. */
  startupWaitMs?: number;
  /** Runs after every successful sync (the entry uses it to undo flows' overrides of global.SECRETS). */
  afterSync?: () => void;
  /** The state of the flows' secret references, for the status. */
  references?: () => ReferencesStatus;
}

/** Events of the service. */
export interface ServiceEvents {
  status: [SyncStatus];
  changed: [SecretsChangedEvent];
}

/** The references part of the status when nothing tracks them. */
const NO_REFERENCES: ReferencesStatus = { missing: [], restarted: null, pending: [], unavailable: null };

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
  #prefs: Preferences;
  #legacy: LegacyNode[] = [];
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
    this.#mode = this.#createMode();
    // Until the first good sync, flows read an empty frozen object: `global.get('SECRETS').KEY` answers
    // undefined instead of throwing, also while the manager is down or Secret Sync is not configured
    // (README, "Using secrets in flows"). It also drops what a previous load of the plugin left there.
    if (!deps.target.problem()) deps.target.publish(EMPTY_SNAPSHOT.secrets);
    if (this.#mode.kind === 'blocked') deps.logger.warn(`${this.#mode.state}: ${this.#mode.error.message}`);
  }

  #createMode(): Mode {
    const { config, target, logger } = this.#deps;
    if (!config.ok) return { kind: 'blocked', state: config.state, error: config.error };
    const problem = target.problem();
    if (problem) return { kind: 'blocked', state: 'error', error: problem };
    let provider: SecretProvider;
    let engine: SyncEngine;
    const policy = { ...DEFAULT_RETRY_POLICY, ...config.config.retry, ...this.#deps.policy };
    try {
      provider = this.#deps.createProvider(config.config);
      const { tokenSource } = config.config;
      engine = new SyncEngine({ provider, target, policy, logger, space: config.config.space, prepare: prepareMasker, explain: (error) => withTokenAdvice(error, tokenSource) });
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
      // A successful sync (changed or not) is the moment to make global.SECRETS whole again.
      if (engine.state.state === 'ok') this.#afterSync();
      this.#emitStatus();
    });
    engine.on('changed', (event) => this.emit('changed', event));
    return { kind: 'running', engine, provider, watch };
  }

  /** The full status (no secret values). */
  status(): SyncStatus {
    const mode = this.#mode;
    const sync = mode.kind === 'running' ? mode.engine.state : initialSyncState(mode.state, mode.error.toJSON());
    const { summary } = this.#deps.config;
    const unmasked = unmaskedKeys(this.snapshot());
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
      references: this.#deps.references?.() ?? NO_REFERENCES,
      watch: mode.kind === 'running' && mode.watch?.running ? mode.watch.status : null,
    };
  }

  /** The snapshot flows read now (empty before the first sync). */
  snapshot(): Snapshot {
    return this.#mode.kind === 'running' ? this.#mode.engine.snapshot : EMPTY_SNAPSHOT;
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

  /** To be called on every `flows:started`; the first one is the startup start, the rest are deploys. */
  flowsStarted(): void {
    if (!this.#flowsStartedOnce) {
      this.#flowsStartedOnce = true;
      return;
    }
    if (this.#prefs.syncOnDeploy) void this.sync('deploy');
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
  async reportUsage(usage: readonly KeyUsage[]): Promise<boolean> {
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
  takeUsageRequest(): boolean {
    if (this.#mode.kind !== 'running' || this.#stopped) return false;
    return this.#mode.provider.takeUsageRequest?.() ?? false;
  }

  /** Sends the status again (something it shows changed outside the service). */
  refreshStatus(): void {
    this.#emitStatus();
  }

  /** Records the legacy nodes found in the flows. */
  setLegacyNodes(nodes: LegacyNode[]): void {
    this.#legacy = nodes;
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

  // A hook of the entry must never turn a good sync into a failed one.
  #afterSync(): void {
    try {
      this.#deps.afterSync?.();
    } catch (err) {
      this.#deps.logger.debug(`after-sync check skipped (${err instanceof Error ? err.name : 'error'})`);
    }
  }

  #emitStatus(): void {
    this.emit('status', this.status());
  }
}
