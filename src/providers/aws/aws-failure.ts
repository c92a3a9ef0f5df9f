// Maps AWS SDK failures (service exceptions, credential and transport errors) to SyncErrors with codes, without copying the SDK's messages.
import { SyncError } from '../../shared/sync-error';
import { transportFailure } from '../http-failure';

/** The AWS error names that mean "slow down": retried with the plugin's backoff (README, "Every setting", Retries). */
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling', 'SlowDown']);

/** The AWS error names of signed requests whose credentials AWS does not accept. */
const CREDENTIALS_REJECTED = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignature', 'ExpiredTokenException', 'InvalidClientTokenId', 'SignatureDoesNotMatch']);

/** An AWS error name as it may enter a message: a bounded identifier (AWS's own text is never copied). */
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;

/** JavaScript's own error names: a client-side failure (an answer the SDK could not parse), never AWS's word. */
const JS_ERRORS = new Set(['Error', 'SyntaxError', 'TypeError', 'RangeError', 'AbortError', 'TimeoutError']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The AWS error name of `err` when it is a well-formed one, else undefined. */
export function awsErrorName(err: unknown): string | undefined {
  const name = (err as SdkErrorShape | null)?.name;
  return typeof name === 'string' && ERROR_NAME.test(name) && !JS_ERRORS.has(name) ? name : undefined;
}

function httpStatusOf(err: unknown): number | undefined {
  const status = (err as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The SyncError for a failed call `action` (e.g. `ListSecrets`) to `target`
 * (the endpoint). Throttling and 5xx are retryable; denied access, rejected
 * credentials and a missing region are not (retrying cannot fix them).
 */
export function awsFailure(err: unknown, action: string, target: string): SyncError {
  const name = awsErrorName(err);
  const status = httpStatusOf(err);
  if (name !== undefined && THROTTLED.has(name)) {
    return new SyncError('rate_limited', `AWS Secrets Manager at ${target} is throttling ${action} (${name})`, { retryable: true, ...(status ? { httpStatus: status } : {}), reason: name });
  }
  // A 403 is a denial whatever its body says: moto, and proxies in front of AWS, answer it in XML the JSON client cannot parse.
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) {
    return new SyncError('forbidden', `AWS denied secretsmanager:${action} (${name ?? `HTTP ${status}`}): the IAM policy of the credentials in use must allow it (README, "AWS Secrets Manager")`, {
      httpStatus: status ?? 400,
      ...(name ? { reason: name } : {}),
    });
  }
  if ((name !== undefined && CREDENTIALS_REJECTED.has(name)) || status === 401) {
    return new SyncError('aws_credentials_rejected', `AWS rejected the credentials found by the SDK's default chain (${name ?? `HTTP ${status}`}): check AWS_ACCESS_KEY_ID, AWS_PROFILE or the role`, {
      ...(name ? { reason: name } : {}),
    });
  }
  if (name === 'CredentialsProviderError') {
    return new SyncError(
      'aws_credentials_missing',
      "The AWS SDK found no credentials: give them through its default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, EKS IRSA's web identity, container or instance metadata)",
    );
  }
  const message = (err as SdkErrorShape | null)?.message;
  if (typeof message === 'string' && message.startsWith('Region is missing')) {
    return new SyncError('config_missing', 'The AWS region is missing: set secretSync.aws.region (SECRET_SYNC_AWS_REGION) or AWS_REGION', { field: 'aws.region' });
  }
  if (status !== undefined) {
    if (status >= 500) return new SyncError('server_error', `AWS Secrets Manager at ${target} failed ${action} (HTTP ${status}${name ? `, ${name}` : ''})`, { httpStatus: status, retryable: true });
    return new SyncError('aws_error', `AWS Secrets Manager at ${target} refused ${action} (HTTP ${status}${name ? `, ${name}` : ''})`, { httpStatus: status, ...(name ? { reason: name } : {}) });
  }
  // No answer at all: a refused, reset or unresolvable connection, as for any HTTP provider.
  return transportFailure(err, `AWS Secrets Manager at ${target}`);
}
