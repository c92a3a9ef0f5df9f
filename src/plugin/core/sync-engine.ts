// The sync engine: one provider fetch with retries, validation, one publication per successful sync, last-known-good on failure. Never touches RED.
import { EventEmitter } from 'node:events';
import type { FetchResult, SecretProvider } from '../../providers/provider';
import { quoteRemote } from '../../shared/remote-text';
import type { SyncError } from '../../shared/sync-error';
import { toSyncError } from '../../shared/sync-error';
import type { PluginLogger } from './logger';
import { counted } from './counted';
import { runWithRetry } from './retry';
import type { RetryPolicy } from './retry';
import { EMPTY_PUBLICATION, nextPublication, republication } from './publication';
import type { MaskerCompiler, Publication } from './publication';
import { isEmptyDiff, nextSnapshotWork } from './snapshot';
import { runNow, runSliced, yieldTurn } from './time-slice';
import type { Snapshot } from './snapshot';
import type { SecretsChangedEvent, SyncState } from '../../shared/contract';
import { STATUS_LIST_MAX } from '../../shared/contract';

/** An answer this large took milliseconds to parse: the event loop gets a turn before the rest. */
const LARGE_ANSWER_BYTES = 64 * 1024;

/** How many skipped key names one log line names. */
const SKIPPED_NAMED = 10;

/** What started a sync. */
export type Trigger = 'startup' | 'schedule' | 'deploy' | 'manual' | 'watch' | 'legacy-node';

/**
 * The sync state before any sync has finished, or of a service that cannot
 * sync (`unconfigured`, `error`): the one place its defaults are written.
 */
export function initialSyncState(state: SyncState['state'], error: SyncState['error'] = null): SyncState {
  return { state, version: null, keyCount: 0, lastSyncAt: null, lastAttemptAt: null, consecutiveFailures: 0, error, skippedKeys: [], skippedKeyCount: 0 };
}

/** Result of one sync. */
export interface SyncOutcome {
  ok: boolean;
  changed: boolean;
  error?: SyncError;
}

/** Events of the engine. */
export interface EngineEvents {
  state: [];
  changed: [SecretsChangedEvent];
}

/** What the engine is built from. */
export interface EngineDeps {
  provider: SecretProvider;
  /**
   * Takes each publication, the one hand-off of a successful sync (global.SECRETS
   * and the masks). Throws SyncError when it cannot: the sync then fails and
   * the previous publication stays.
   */
  onPublish?: (publication: Publication) => void;
  policy: RetryPolicy;
  logger: PluginLogger;
  space: string;
  now?: () => Date;
  /** Compiles the masker of a new snapshot; a rejection fails the sync like a bad payload (default: prepareMasker). */
  compileMasker?: MaskerCompiler;
  /** Adds what the configuration knows to a failure (which setting holds a rejected token). */
  explain?: (error: SyncError) => SyncError;
}

/**
 * Runs syncs one at a time: a trigger while a sync runs joins it. A failure of
 * any kind leaves the published snapshot exactly as it was.
 */
export class SyncEngine extends EventEmitter<EngineEvents> {
  #published: Publication = EMPTY_PUBLICATION;
  #etag: string | undefined;
  #inFlight: Promise<SyncOutcome> | undefined;
  #state: SyncState = initialSyncState('syncing');
  readonly #deps: EngineDeps;
  readonly #now: () => Date;

  constructor(deps: EngineDeps) {
    super();
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** A copy of the engine's status fields. */
  get state(): SyncState {
    return { ...this.#state, skippedKeys: [...this.#state.skippedKeys] };
  }

  /** The last publication (empty before the first successful sync). */
  get publication(): Publication {
    return this.#published;
  }

  /** The snapshot flows see now: the last publication's. */
  get snapshot(): Snapshot {
    return this.#published.snapshot;
  }

  /** Whether a sync is running. */
  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  /**
   * Runs a sync, or joins the one already running. Never rejects. With
   * `prefetched` (a long poll's answer) it applies that answer instead of
   * fetching, through the same checks and publish.
   */
  sync(trigger: Trigger, prefetched?: FetchResult): Promise<SyncOutcome> {
    this.#inFlight ??= this.#run(trigger, prefetched).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #run(trigger: Trigger, prefetched: FetchResult | undefined): Promise<SyncOutcome> {
    const { logger, provider, policy } = this.#deps;
    const lastAttemptAt = this.#now().toISOString();
    // A long poll's answer is already here and is applied within milliseconds: announcing 'syncing' first would
    // put a status (built, masked, sent to every editor) between the answer and the flows (README, "Performance").
    if (prefetched === undefined) this.#update({ state: 'syncing', lastAttemptAt });
    else this.#state = { ...this.#state, lastAttemptAt };
    try {
      const result =
        prefetched ??
        (await runWithRetry(
          (signal) => provider.fetch({ etag: this.#etag, signal }),
          policy,
          (error, delayMs, attempt) => logger.debug(`attempt ${attempt} failed (${error.code}); retrying in ${(delayMs / 1000).toFixed(1)} s`),
        ));
      const at = this.#now().toISOString();
      if (result.status === 'unchanged') {
        // Published again (same secrets, no change): taking it makes global.SECRETS whole again if a flow overwrote it.
        this.#publish(republication(this.#published));
        this.#update({ state: 'ok', lastSyncAt: at, consecutiveFailures: 0, error: null });
        logger.debug(`secrets unchanged (trigger: ${trigger})`);
        return { ok: true, changed: false };
      }
      // Parsing a large answer could not be sliced: let the event loop in before the work that can
      // (building, compiling the masker), so no flow waits behind both (README, "Performance").
      if ((result.bytes ?? 0) > LARGE_ANSWER_BYTES) await yieldTurn();
      // One pass builds the snapshot and finds what changed; the masker then reads only the changed entries. A small
      // answer's pass takes microseconds: run at once, it touches less code than the slicer on the way to the flows.
      // The diff and the masker's delta must be taken against the same publication: read it once.
      const previous = this.#published;
      const work = nextSnapshotWork(result.secrets, previous.snapshot);
      const small = result.bytes !== undefined && result.bytes <= LARGE_ANSWER_BYTES;
      const change = small ? runNow(work) : await runSliced(work);
      const next = change.snapshot;
      const publication = await nextPublication(previous, change, result.version, this.#deps.compileMasker);
      this.#publish(publication);
      const { diff } = publication;
      this.#etag = result.etag ?? undefined;
      // What the provider left out (a Vault sub-folder) is named first, then what the snapshot dropped.
      const skipped = result.skipped === undefined || result.skipped.length === 0 ? next.skipped : [...result.skipped, ...next.skipped];
      this.#update({
        state: 'ok',
        version: result.version,
        keyCount: next.keys.length,
        lastSyncAt: at,
        consecutiveFailures: 0,
        error: null,
        skippedKeys: skipped.slice(0, STATUS_LIST_MAX),
        skippedKeyCount: skipped.length,
      });
      const changed = !isEmptyDiff(diff);
      logger.info(
        `synced space '${this.#deps.space}': ${counted(next.keys.length, 'key', 'keys')}` +
          (changed ? ` (${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed)` : ', no change') +
          `, version ${result.version ?? '-'} (trigger: ${trigger})`,
      );
      if (skipped.length > 0) {
        // The names are the server's text: a few, quoted safely, so a hostile answer cannot forge or flood log lines.
        const named = skipped.slice(0, SKIPPED_NAMED).map((s) => quoteRemote(s.key));
        const more = skipped.length > SKIPPED_NAMED ? ` and ${skipped.length - SKIPPED_NAMED} more` : '';
        logger.warn(`skipped ${counted(skipped.length, 'key', 'keys')} (the status's skippedKeys says why): ${named.join(', ')}${more}`);
      }
      if (changed) this.emit('changed', { version: result.version, ...diff });
      return { ok: true, changed };
    } catch (err) {
      const error = this.#deps.explain?.(toSyncError(err)) ?? toSyncError(err);
      this.#update({
        state: 'error',
        consecutiveFailures: this.#state.consecutiveFailures + 1,
        error: error.toJSON(),
      });
      logger.warn(`sync failed (${error.code}): ${error.message}; global.SECRETS keeps its last ${counted(this.#published.snapshot.keys.length, 'key', 'keys')} (trigger: ${trigger})`);
      return { ok: false, changed: false, error };
    }
  }

  /** Hands `publication` on; it becomes the current one only when it was taken (a throw fails the sync). */
  #publish(publication: Publication): void {
    this.#deps.onPublish?.(publication);
    this.#published = publication;
  }

  #update(patch: Partial<SyncState>): void {
    this.#state = { ...this.#state, ...patch };
    this.emit('state');
  }
}
