// The JSON body rule shared by every route that takes one.
import type { Request } from 'express';
import { ManagerError } from '../errors';

/** Throws 415 `unsupported_media_type` unless the request body is declared as JSON. */
export function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new ManagerError('unsupported_media_type', 415, 'Send the request body as application/json');
  }
}
