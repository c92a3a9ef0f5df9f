// Tests for src/providers/aws/aws-failure.ts: each AWS failure gets its code and retryability, and no SDK message is copied.
import assert from 'node:assert/strict';
import { awsFailure } from '../../../src/providers/aws/aws-failure';
import { canary } from '../../helpers/manager';

/** An error shaped as the SDK throws them: AWS's name, its HTTP status, and a message that must never be copied. */
function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const err = new Error(canary('sdk-message'));
  err.name = name;
  return Object.assign(err, status === undefined ? {} : { $metadata: { httpStatusCode: status } }, extra);
}

describe('providers/aws failures', () => {
  const target = 'http://127.0.0.1:1';
  const cases: [string, Error, string, boolean][] = [
    ['ThrottlingException', sdkError('ThrottlingException', 400), 'rate_limited', true],
    ['TooManyRequestsException', sdkError('TooManyRequestsException', 429), 'rate_limited', true],
    ['AccessDeniedException', sdkError('AccessDeniedException', 400), 'forbidden', false],
    ['a 403 the SDK could not parse (moto, proxies)', sdkError('SyntaxError', 403), 'forbidden', false],
    ['UnrecognizedClientException', sdkError('UnrecognizedClientException', 400), 'aws_credentials_rejected', false],
    ['ExpiredTokenException', sdkError('ExpiredTokenException', 400), 'aws_credentials_rejected', false],
    ['no credentials in the chain', sdkError('CredentialsProviderError'), 'aws_credentials_missing', false],
    ['InternalServiceError', sdkError('InternalServiceError', 500), 'server_error', true],
    ['another 4xx', sdkError('InvalidParameterException', 400), 'aws_error', false],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unreachable', true],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'connection_reset', true],
  ];
  for (const [what, err, code, retryable] of cases) {
    it(`${what} → ${code}${retryable ? ' (retried)' : ''}`, () => {
      const mapped = awsFailure(err, 'ListSecrets', target);
      assert.equal(mapped.code, code);
      assert.equal(mapped.retryable, retryable);
      assert.ok(!mapped.message.includes(err.message), 'the SDK message is not copied');
    });
  }

  it('a missing region names aws.region and AWS_REGION', () => {
    const mapped = awsFailure(new Error('Region is missing'), 'ListSecrets', target);
    assert.deepEqual([mapped.code, mapped.field], ['config_missing', 'aws.region']);
    assert.match(mapped.message, /SECRET_SYNC_AWS_REGION/);
  });

  it('a denial names the action to allow; an error name that is not an identifier is not copied', () => {
    assert.match(awsFailure(sdkError('AccessDeniedException', 400), 'BatchGetSecretValue', target).message, /secretsmanager:BatchGetSecretValue/);
    const odd = awsFailure(sdkError('<script>x</script>', 400), 'ListSecrets', target);
    assert.ok(!odd.message.includes('<script>'));
  });
});
