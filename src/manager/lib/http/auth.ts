// Bearer-token authentication and the space and role checks every route applies.
import type { NextFunction, Request, Response } from 'express';
import { ManagerError } from '../errors';
import type { TokenRecord, TokenStore } from '../token-store';
import { IDLE_MS, requireConsoleHeader, sessionCookie, setCookie } from './sessions';
import type { Sessions } from './sessions';
import type { AuthGuard } from './auth-guard';

/** Reads the principal that {@link authenticate} attached to the response. */
export function principalOf(res: Response): TokenRecord {
  return res.locals.principal as TokenRecord;
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Middleware: 401 `unauthorized` unless the request carries an active token,
 * or a console session cookie (then every write must also carry the console's
 * header, which a cross-site form cannot send). A wrong token counts against
 * its address, which gets `429 rate_limited` once over its budget.
 */
export function authenticate(tokens: TokenStore, sessions: Sessions, guard: AuthGuard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    const session = token === undefined ? sessionCookie(req) : undefined;
    if (session !== undefined) {
      const principal = sessions.principal(session);
      if (!principal) {
        setCookie(req, res, '', 0);
        throw new ManagerError('unauthorized', 401, 'The session has ended: sign in again');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') requireConsoleHeader(req);
      res.locals.principal = principal;
      res.locals.viaSession = true;
      // The session was just extended: so is the cookie, or the browser would drop it mid-session.
      setCookie(req, res, session, IDLE_MS / 1000);
      next();
      return;
    }
    if (token === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ManagerError('unauthorized', 401, 'A bearer token is required (Authorization: Bearer <token>)');
    }
    const principal = tokens.authenticate(token);
    if (!principal) {
      guard.wrongToken(req, res);
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ManagerError('unauthorized', 401, 'The token is unknown or has been revoked');
    }
    res.locals.principal = principal;
    next();
  };
}

/**
 * Middleware: 403 `forbidden` for a write by anyone but an admin, before its
 * body is read, except the one write a read token makes (`usage`, checked by
 * its route). So a viewer or a read token cannot make the manager parse large
 * bodies it would refuse anyway (README, "Security and reliability").
 */
export function refuseOthersWrites(usage: RegExp) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && principalOf(res).role !== 'admin' && !(req.method === 'PUT' && usage.test(req.path))) {
      requireAdmin(principalOf(res));
    }
    next();
  };
}

/** Throws 403 `forbidden` unless the principal is an admin. */
export function requireAdmin(principal: TokenRecord): void {
  if (principal.role !== 'admin') throw new ManagerError('forbidden', 403, 'This action needs an admin token');
}

/** Throws 403 `forbidden` unless the principal may see names, descriptions and dates (admins and viewers). */
export function requireViewer(principal: TokenRecord): void {
  if (principal.role !== 'admin' && principal.role !== 'viewer') throw new ManagerError('forbidden', 403, 'This needs an admin or viewer token');
}

/** Throws 403 `forbidden` unless the principal may see the names of `space` (admins, viewers, read tokens of that space). */
export function requireSpaceMeta(principal: TokenRecord, space: string): void {
  if (principal.role === 'viewer') return;
  requireSpaceRead(principal, space);
}

/** Whether the request came with a console session rather than a bearer token. */
export function viaSession(res: Response): boolean {
  return res.locals.viaSession === true;
}

/** Throws 403 `forbidden` unless the principal may read `space` (admins, or read tokens bound to it). */
export function requireSpaceRead(principal: TokenRecord, space: string): void {
  if (principal.role === 'admin' || principal.space === space) return;
  throw new ManagerError('forbidden', 403, `This token cannot read space '${space}'`);
}
