// Rate limits of authentication (failures per address, sign-ins per token) and the audit entries of sign-in, sign-out and refusals.
import type { Request, Response } from 'express';
import { tokenActor } from '../audit-store';
import type { Actor, AuditEvent, AuditStore } from '../audit-store';
import { ManagerError } from '../errors';
import type { Logger } from '../logger';
import { RateLimiter } from '../rate-limit';
import type { TokenRecord } from '../token-store';

/** How many failures and sign-ins are allowed (README, "HTTP API"). */
export interface AuthLimits {
  /** Wrong tokens (bearer or sign-in) one address may present per window before it gets 429. */
  failuresPerAddress: number;
  /** Sign-ins one token may make per window before it gets 429. */
  signInsPerToken: number;
  windowSeconds: number;
}

/** Defaults of {@link AuthLimits}. */
export const DEFAULT_AUTH_LIMITS: AuthLimits = { failuresPerAddress: 30, signInsPerToken: 10, windowSeconds: 60 };

/** Most addresses (and tokens) counted at once. */
const MAX_KEYS = 10_000;

/** The actor of a token the manager does not know (or has revoked): never the token itself. */
function unknownActor(ip: string | undefined): Actor {
  return { id: null, name: 'unknown token', ip: ip === undefined || ip === '' ? null : ip };
}

/**
 * Guards authentication. Only failures count against an address: a valid
 * token is never slowed or refused, so a fleet behind one address keeps
 * reading while someone there guesses. Once an address is over its budget,
 * its wrong tokens get `429 rate_limited` with `Retry-After` instead of 401.
 */
export class AuthGuard {
  readonly #failures: RateLimiter;
  readonly #signIns: RateLimiter;

  constructor(
    private readonly audit: AuditStore,
    private readonly logger: Logger,
    limits: AuthLimits = DEFAULT_AUTH_LIMITS,
  ) {
    const windowMs = limits.windowSeconds * 1000;
    this.#failures = new RateLimiter({ max: limits.failuresPerAddress, windowMs, maxKeys: MAX_KEYS });
    this.#signIns = new RateLimiter({ max: limits.signInsPerToken, windowMs, maxKeys: MAX_KEYS });
  }

  /** A request presented a wrong bearer token: throws 429 once its address is over the budget; else returns (the caller answers 401). */
  wrongToken(req: Request, res: Response): void {
    this.#countFailure(req, res);
  }

  /**
   * A wrong bearer token from `ip`, for callers in front of Express: counts
   * it and returns the seconds to wait once the address is over its budget
   * (audited, folded), else 0 (the caller answers 401).
   */
  wrongTokenFrom(ip: string): number {
    const retryAfter = this.#failures.hit(ip);
    if (retryAfter > 0) this.#noteQuietly(`auth.limit|${ip}`, unknownActor(ip), { action: 'auth.limit' });
    return retryAfter;
  }

  /**
   * A sign-in failed: an unknown token, or `principal`, a token that may not
   * sign in. Throws 429 once the address is over its budget; else audits it
   * (folded per address and token) and returns.
   */
  failedSignIn(req: Request, res: Response, principal?: TokenRecord): void {
    this.#countFailure(req, res);
    const actor = principal ? tokenActor(principal, req.ip) : unknownActor(req.ip);
    this.#noteQuietly(`session.fail|${actor.id ?? ''}|${req.ip ?? ''}`, actor, { action: 'session.fail' });
  }

  /**
   * `principal` signs in: throws 429 once its token is over its budget (audited);
   * else audits the sign-in, folded per token and address. Throws when the
   * entry cannot be written, so no sign-in goes unrecorded.
   */
  signedIn(req: Request, res: Response, principal: TokenRecord): void {
    const actor = tokenActor(principal, req.ip);
    const retryAfter = this.#signIns.hit(principal.id);
    if (retryAfter > 0) {
      this.#noteQuietly(`session.limit|${principal.id}`, actor, { action: 'session.limit' });
      throw refusal(res, retryAfter, 'Too many sign-ins with this token');
    }
    this.audit.note(`session.create|${principal.id}|${req.ip ?? ''}`, actor, { action: 'session.create' });
  }

  /** `principal`'s session was ended by a sign-out: audited, folded per token and address. */
  signedOut(req: Request, principal: TokenRecord): void {
    this.#noteQuietly(`session.delete|${principal.id}|${req.ip ?? ''}`, tokenActor(principal, req.ip), { action: 'session.delete' });
  }

  #countFailure(req: Request, res: Response): void {
    const retryAfter = this.wrongTokenFrom(req.ip ?? '');
    if (retryAfter > 0) throw refusal(res, retryAfter, WRONG_TOKENS);
  }

  // An entry about a refusal must not turn the refusal into a 500: a failed write is logged and the answer stands.
  #noteQuietly(key: string, actor: Actor, event: AuditEvent): void {
    try {
      this.audit.note(key, actor, event);
    } catch (error) {
      this.logger.warn(`could not write the audit entry ${event.action} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

/** What a refusal of an address over its budget of wrong tokens says. */
export const WRONG_TOKENS = 'Too many wrong tokens from this address';

function refusal(res: Response, retryAfter: number, what: string): ManagerError {
  res.set('Retry-After', String(retryAfter));
  return new ManagerError('rate_limited', 429, `${what}: retry in ${retryAfter} s`);
}
