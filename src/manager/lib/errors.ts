// The manager's error type: a snake_case code, an HTTP status and a message that never holds a value.

/** JSON body of every error answer: `{ error, message, field? }`. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  /** Names and counts that explain the error (never a value), e.g. who uses a secret. */
  details?: unknown;
}

/** An expected failure with a stable `code` clients can switch on and the HTTP status it maps to. */
export class ManagerError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ManagerError';
  }

  /** The error as the JSON body the HTTP API answers with. */
  toBody(): ErrorBody {
    return {
      error: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** 400 with `code`, naming the offending `field`. */
export function badRequest(code: string, message: string, field?: string): ManagerError {
  return new ManagerError(code, 400, message, field);
}

/** SQLite's primary result code SQLITE_FULL: the database or the disk holding it is full. */
const SQLITE_FULL = 13;

/** Whether `error` says the disk is full: SQLITE_FULL from the database, or ENOSPC from a file write. */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  // errcode may be an extended result code: its low byte is the primary one.
  return code === 'ENOSPC' || (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === SQLITE_FULL);
}

/** 507 `disk_full`: nothing was saved because the disk holding the data directory is full. */
export function diskFullError(): ManagerError {
  return new ManagerError('disk_full', 507, 'The disk holding the data directory is full: nothing was saved. Free space there and try again');
}
