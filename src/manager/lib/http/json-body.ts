// The JSON body rules shared by every route that takes one: its media type, and its size refused before it is read.
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ManagerError } from '../errors';

/** Throws 415 `unsupported_media_type` unless the request body is declared as JSON. */
export function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new ManagerError('unsupported_media_type', 415, 'Send the request body as application/json');
  }
}

/**
 * The JSON body parser for bodies of at most `limit` bytes. A body that
 * declares more (an uncompressed Content-Length over `limit`) is refused
 * `413 payload_too_large` at once: the parser would read all of it first,
 * however long, before refusing it.
 */
export function jsonBody(limit: number): RequestHandler[] {
  const refuseDeclaredOver = (req: Request, _res: Response, next: NextFunction): void => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity' && Number(req.headers['content-length']) > limit && req.is('application/json')) {
      throw new ManagerError('payload_too_large', 413, 'The request body is too large');
    }
    next();
  };
  return [refuseDeclaredOver, express.json({ limit, strict: true, type: 'application/json' })];
}
