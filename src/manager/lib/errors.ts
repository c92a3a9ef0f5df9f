// The manager's error type: a snake_case code, an HTTP status and a message that never holds a value.

/** JSON body of every error answer: `{ error, message, field? }`. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** An expected failure with a stable `code` clients can switch on and the HTTP status it maps to. */
export class ManagerError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ManagerError';
  }

  /** The error as the JSON body the HTTP API answers with. */
  toBody(): ErrorBody {
    return this.field === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, field: this.field };
  }
}

/** 400 with `code`, naming the offending `field`. */
export function badRequest(code: string, message: string, field?: string): ManagerError {
  return new ManagerError(code, 400, message, field);
}
