// What to check when the server rejects the token: the setting this instance's token actually came from.
import { SyncError } from '../../shared/sync-error';
import { fieldLabel } from './config';
import type { TokenSource } from './config';

/** Codes that mean "the server does not accept this token". */
const REJECTED_TOKEN = new Set(['unauthorized']);

/**
 * `error` with advice that names where the token came from: the file and
 * `secretSync.tokenFile (SECRET_SYNC_TOKEN_FILE)` for a token file, else
 * `secretSync.token (SECRET_SYNC_TOKEN)`. Providers do not know which was
 * used; the configuration does. Other errors are returned as they are.
 */
export function withTokenAdvice(error: SyncError, source: TokenSource | undefined): SyncError {
  if (!source || !REJECTED_TOKEN.has(error.code)) return error;
  const advice = source.field === 'tokenFile' ? `check the token in ${source.path}, set by ${fieldLabel('tokenFile')}` : `check ${fieldLabel('token')}`;
  return new SyncError(error.code, `${error.message}: ${advice}`, {
    retryable: error.retryable,
    ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.reason === undefined ? {} : { reason: error.reason }),
    ...(error.lastAttempt === undefined ? {} : { lastAttempt: error.lastAttempt }),
    field: source.field,
  });
}
