// Turns every failure into a JSON error answer: a code and a message, never a stack trace or a request body.
import type { NextFunction, Request, Response } from 'express';
import { ManagerError, diskFullError, isDiskFull } from '../errors';
import type { Logger } from '../logger';

/** The body-parser failures we translate; their own messages can quote the body, so none is passed on. */
const BODY_ERRORS: Record<string, ManagerError> = {
  'entity.parse.failed': new ManagerError('invalid_json', 400, 'The request body is not valid JSON'),
  'entity.too.large': new ManagerError('payload_too_large', 413, 'The request body is too large'),
  'encoding.unsupported': new ManagerError('unsupported_media_type', 415, 'The request body encoding is not supported'),
  'charset.unsupported': new ManagerError('unsupported_media_type', 415, 'The request body charset is not supported'),
  'request.aborted': new ManagerError('request_aborted', 400, 'The request was aborted'),
};

function describeUnexpected(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  // The first stack line repeats the message, which might echo input; keep the name, code and frames only.
  const frames = (err.stack ?? '').split('\n').slice(1, 6).join('\n');
  const code = (err as NodeJS.ErrnoException).code;
  return `${err.name}${code === undefined ? '' : ` (${code})`}\n${frames}`;
}

/** Answers 404 `not_found` for any route the API does not have. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new ManagerError('not_found', 404, `No route for ${req.method} ${req.path}`));
}

/** Express error middleware (four arguments) that maps errors to `{ error, message, field? }`. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let known: ManagerError | undefined;
    if (err instanceof ManagerError) known = err;
    else if (typeof (err as { type?: unknown })?.type === 'string') known = BODY_ERRORS[(err as { type: string }).type];
    else if (isDiskFull(err)) {
      // Reads are served from memory and go on; the operator must learn why writes stopped.
      logger.error(`${req.method} ${req.path}: the disk holding the data directory is full, the write was refused (nothing saved); free space there`);
      known = diskFullError();
    }
    if (!known) {
      logger.error(`internal error: ${describeUnexpected(err)}`);
      known = new ManagerError('internal_error', 500, 'The server failed to handle the request');
    }
    res.status(known.status).json(known.toBody());
  };
}
