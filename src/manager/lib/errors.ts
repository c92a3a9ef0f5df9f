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
