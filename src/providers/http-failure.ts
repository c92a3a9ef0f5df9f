// Maps HTTP answers and transport errors to SyncErrors with codes, without ever copying a library's message.
import { isAxiosError } from 'axios';
import { SyncError } from '../shared/sync-error';
import { parseRetryAfter } from '../shared/retry-after';

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function codeOf(err: unknown): string | undefined {
  const direct = (err as { code?: unknown } | null)?.code;
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof cause === 'string' && (TLS_CODES.has(cause) || cause.startsWith('E'))) return cause;
  return typeof direct === 'string' ? direct : undefined;
}

/**
 * A transport failure (no HTTP answer) talking to `target`. Network faults are
 * retryable; TLS failures are not: a certificate problem does not heal in seconds.
 */
export function transportFailure(err: unknown, target: string): SyncError {
  const code = codeOf(err);
  if (isAxiosError(err) && err.message.startsWith('maxContentLength')) {
    return new SyncError('response_too_large', `${target} sent an answer larger than the limit; rejected whole`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new SyncError('unreachable', `${target} refused the connection (is it running?)`, { retryable: true });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SyncError('dns_failure', `The host name of ${target} could not be resolved`, { retryable: true });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new SyncError('connection_reset', `${target} closed the connection before answering in full`, { retryable: true });
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SyncError('unreachable', `${target} could not be reached (${code})`, { retryable: true });
    default:
      if (code !== undefined && TLS_CODES.has(code)) {
        return new SyncError('tls_error', `TLS check of ${target} failed (${code}); set secretSync.caFile if it uses a private CA`);
      }
      if (code === 'ERR_BAD_RESPONSE' || code === 'Z_DATA_ERROR') {
        return new SyncError('invalid_payload', `${target} sent a malformed answer`, { retryable: true });
      }
      return new SyncError('request_failed', `The request to ${target} failed${code ? ` (${code})` : ''}`, { retryable: true });
  }
}

/** A non-success HTTP status from `target`, with Retry-After read from `retryAfter`. */
export function statusFailure(status: number, retryAfter: string | undefined, target: string, nowMs: number): SyncError {
  const wait = parseRetryAfter(retryAfter, nowMs);
  const withWait = wait === undefined ? {} : { retryAfterMs: wait };
  if (status >= 300 && status < 400) {
    return new SyncError('redirect_refused', `${target} answered with a redirect (${status}); redirects are not followed so the token stays with the configured host`, { httpStatus: status });
  }
  switch (status) {
    case 401:
      // Which setting to check (token or tokenFile) is added by the plugin, which knows the one in use.
      return new SyncError('unauthorized', `${target} rejected the token (401)`, { httpStatus: status });
    case 403:
      return new SyncError('forbidden', `The token may not read this space (403): check secretSync.space and the token's space`, { httpStatus: status });
    case 404:
      return new SyncError('not_found', `${target} has no such path (404): check secretSync.url`, { httpStatus: status });
    case 408:
      return new SyncError('timeout', `${target} timed out the request (408)`, { httpStatus: status, retryable: true, ...withWait });
    case 429:
      return new SyncError('rate_limited', `${target} is rate limiting (429)`, { httpStatus: status, retryable: true, ...withWait });
    default:
      if (status >= 500) {
        return new SyncError('server_error', `${target} failed with HTTP ${status}`, { httpStatus: status, retryable: true, ...withWait });
      }
      return new SyncError('http_error', `${target} answered HTTP ${status}`, { httpStatus: status });
  }
}
