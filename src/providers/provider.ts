// The one small interface every secret source implements; the sync engine knows nothing else about them.
import type { KeyUsage } from '../shared/fleet-wire';

/** What a provider is asked for. */
export interface FetchRequest {
  /** The ETag of the last snapshot, for a cheap "unchanged" answer. */
  etag?: string | undefined;
  /** Aborts the request (attempt or sync time limit, shutdown). */
  signal: AbortSignal;
}

/**
 * A provider's answer: nothing changed, or the space's secrets as sent
 * (validated by the engine). `secrets` is handed over: the engine freezes it
 * and its objects in place as the snapshot, so a provider gives a fresh
 * object each time and never changes what it gave.
 */
export type FetchResult =
  | { status: 'unchanged' }
  | {
      status: 'changed';
      version: number | null;
      etag: string | null;
      secrets: unknown;
      /** Size of the answer that was parsed, when there was one: a large one makes the engine pause before building. */
      bytes?: number;
      /** What the source holds that is not a key (a Vault sub-folder), with why; names only, reported with the snapshot's skipped keys. */
      skipped?: readonly { key: string; reason: string }[];
    };

/** What a move asks a provider to create (README, "Move existing credentials"). */
export interface CreateSecretRequest {
  name: string;
  value: string;
  scope: 'space' | 'org';
  /** A credential that may write (a manager admin token, a Vault token): used for this one request, never kept. */
  credential: string;
  signal: AbortSignal;
}

/** A source of one space's secrets. Failures are thrown as SyncError with a code and `retryable`. */
export interface SecretProvider {
  /** The provider's name as configured (`secret-manager`, `vault`). */
  readonly name: string;
  /** Fetches the space's secrets. */
  fetch(request: FetchRequest): Promise<FetchResult>;
  /**
   * Resolves with the space's new secrets as soon as its version passes
   * `version`, or undefined after about `seconds` without a change: the
   * answer is the sync, one request per change. Only providers that can
   * long-poll have it.
   */
  waitForChange?(version: number, seconds: number, signal: AbortSignal): Promise<FetchResult | undefined>;
  /** The address that answered last (a cluster has several), for the status. */
  readonly address?: string;
  /** Releases timers and connections; called once when the plugin stops. */
  close?(): void;
  /** Tells the source which keys the deployed flows use (names and node counts only), for its fleet view. */
  reportUsage?(usage: readonly KeyUsage[], signal: AbortSignal): Promise<void>;
  /**
   * Creates secret `name` as the space would read it: resolves `existed: true`
   * when the space already reads that very value (nothing written); throws
   * SyncError `secret_exists` when it reads another value (nothing written),
   * `credential_refused` when the credential may not read or write there,
   * `move_unsupported` for a scope the source's layout lacks. Only providers
   * that can write have it.
   */
  createSecret?(request: CreateSecretRequest): Promise<{ existed: boolean }>;
  /** Whether the source asked for a usage report since the last call (it has none of this instance); clears the request. */
  takeUsageRequest?(): boolean;
}
