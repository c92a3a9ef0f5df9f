// Console sign-in: an admin or viewer token exchanged for an HttpOnly, SameSite=Strict session cookie; CSRF-safe writes.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Request, Response } from 'express';
import { ManagerError, badRequest } from '../errors';
import type { TokenRecord, TokenStore } from '../token-store';
import type { AuthGuard } from './auth-guard';
import { isRecord } from '../../../shared/guards';

/** The session cookie's name. */
export const SESSION_COOKIE = 'ssm_session';
/** The header every cookie-authenticated write must carry: a cross-site form cannot set it. */
export const CSRF_HEADER = 'x-secret-manager-console';
/** How long a session lasts without use; every use starts it again, cookie included. */
export const IDLE_MS = 8 * 60 * 60 * 1000;

/** Most live sessions of one token; a further sign-in ends its least recently used one. */
export const MAX_SESSIONS_PER_TOKEN = 20;

/** Sessions live in memory: a restart of the manager signs everyone out. */
export class Sessions {
  readonly #byId = new Map<string, { tokenId: string; expires: number }>();

  constructor(
    private readonly tokens: TokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Opens a session for `principal`. Memory stays bounded: ended sessions are
   * dropped here, and a token holds at most {@link MAX_SESSIONS_PER_TOKEN}.
   */
  create(principal: TokenRecord): string {
    const now = this.now();
    const own: [string, number][] = [];
    for (const [id, session] of this.#byId) {
      if (session.expires < now) this.#byId.delete(id);
      else if (session.tokenId === principal.id) own.push([id, session.expires]);
    }
    own.sort((a, b) => a[1] - b[1]);
    for (const [id] of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_TOKEN + 1))) this.#byId.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.#byId.set(id, { tokenId: principal.id, expires: now + IDLE_MS });
    return id;
  }

  /** The principal of a live session (its token still active), extending it; undefined otherwise. */
  principal(id: string): TokenRecord | undefined {
    const session = this.#byId.get(id);
    if (!session || session.expires < this.now()) {
      this.#byId.delete(id);
      return undefined;
    }
    const principal = this.tokens.byId(session.tokenId);
    if (!principal || principal.revokedAt !== null) {
      this.#byId.delete(id);
      return undefined;
    }
    session.expires = this.now() + IDLE_MS;
    return principal;
  }

  /** Ends a session; returns whose it was if it was live. */
  end(id: string): TokenRecord | undefined {
    const principal = this.principal(id);
    this.#byId.delete(id);
    return principal;
  }
}

/** Throws 403 `csrf_refused` unless the request carries the console's header (a cookie write must). */
export function requireConsoleHeader(req: Request): void {
  if (req.get(CSRF_HEADER) === undefined) throw new ManagerError('csrf_refused', 403, `A console write needs the ${CSRF_HEADER} header`);
}

/** The session id of a request's cookie, or undefined. */
export function sessionCookie(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** Sets (or, with `maxAgeSeconds` 0, clears) the session cookie. */
export function setCookie(req: Request, res: Response, value: string, maxAgeSeconds: number): void {
  const secure = req.secure ? '; Secure' : '';
  res.set('Set-Cookie', `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure}`);
}

/** `POST /v1/session`: sign in with a token in the body; needs no authentication of its own. */
export function signIn(tokens: TokenStore, sessions: Sessions, guard: AuthGuard) {
  return (req: Request, res: Response): void => {
    const token = isRecord(req.body) ? req.body.token : undefined;
    if (typeof token !== 'string' || token === '') throw badRequest('token_required', 'Sign in with an admin or viewer token', 'token');
    const principal = tokens.authenticate(token.trim());
    if (!principal) {
      guard.failedSignIn(req, res);
      throw new ManagerError('unauthorized', 401, 'The token is unknown or has been revoked');
    }
    if (principal.role === 'read') {
      guard.failedSignIn(req, res, principal);
      throw new ManagerError('forbidden', 403, 'Read tokens are for Node-RED instances; sign in with an admin or viewer token');
    }
    guard.signedIn(req, res, principal);
    setCookie(req, res, sessions.create(principal), IDLE_MS / 1000);
    res.json({ role: principal.role, description: principal.description });
  };
}

/**
 * `DELETE /v1/session`: sign out. It needs no live session, so an expired one
 * can still clear its cookie; like every console write it needs the console's
 * header. Ending a live session is audited.
 */
export function signOut(sessions: Sessions, guard: AuthGuard) {
  return (req: Request, res: Response): void => {
    requireConsoleHeader(req);
    const id = sessionCookie(req);
    const principal = id === undefined ? undefined : sessions.end(id);
    if (principal) guard.signedOut(req, principal);
    setCookie(req, res, '', 0);
    res.status(204).end();
  };
}

/** `GET /v1/session` (who am I), behind authentication. */
export function sessionRoutes(): Router {
  const router = Router();
  router.get('/session', (_req, res) => {
    const principal = res.locals.principal as TokenRecord;
    res.json({ role: principal.role, description: principal.description });
  });
  return router;
}
