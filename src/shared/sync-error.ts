// The error type of the plugin and its providers: a snake_case code, whether a retry may help, and no secret in it.
import type { SyncErrorInfo } from './contract';

/** Options of a {@link SyncError}. */
export interface SyncErrorOptions {
  /** Whether trying again may succeed (network faults, 5xx, 429). */
  retryable?: boolean;
  /** HTTP status of the answer that caused it, if any. */
  httpStatus?: number;
  /** How long the server asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The configuration field the error is about, for `unconfigured`/config errors. */
  field?: string;
  /** The server's own error code (the `error` of its JSON answer), when it sent a well-formed one. */
  reason?: string;
  /** The last attempt's error, when this one ends a sync that gave up (on time). */
  lastAttempt?: SyncError;
}

/**
 * A failure with a stable code. Messages are written by this package, never
 * copied from a library error: those can carry request headers (the token).
 */
export class SyncError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly field: string | undefined;
  readonly reason: string | undefined;
  readonly lastAttempt: SyncError | undefined;

  constructor(code: string, message: string, options: SyncErrorOptions = {}) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
    this.reason = options.reason;
    this.lastAttempt = options.lastAttempt;
  }

  /** The `{ code, message, cause? }` shape the status API shows. */
  toJSON(): SyncErrorInfo {
    return { code: this.code, message: this.message, ...(this.lastAttempt ? { cause: this.lastAttempt.code } : {}) };
  }
}

/** Wraps anything thrown into a SyncError without copying its message (which may hold secrets). */
export function toSyncError(err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const name = err instanceof Error ? err.name : typeof err;
  return new SyncError('internal_error', `Unexpected failure (${name})`);
}
