// Tests for src/providers/http-failure.ts: transport errors and statuses mapped to codes, never echoing a library message.
import assert from 'node:assert/strict';
import { statusFailure, transportFailure } from '../../src/providers/http-failure';

const withCode = (code: string, message = 'library message with Authorization: Bearer tok-canary-9'): Error => Object.assign(new Error(message), { code });

describe('providers/http-failure', () => {
  it('maps network faults to retryable codes', () => {
    const cases: [string, string][] = [
      ['ECONNREFUSED', 'unreachable'],
      ['ENOTFOUND', 'dns_failure'],
      ['EAI_AGAIN', 'dns_failure'],
      ['ECONNRESET', 'connection_reset'],
      ['EPIPE', 'connection_reset'],
      ['ETIMEDOUT', 'unreachable'],
      ['EHOSTUNREACH', 'unreachable'],
    ];
    for (const [errno, code] of cases) {
      const error = transportFailure(withCode(errno), 'the manager');
      assert.deepEqual([error.code, error.retryable], [code, true], errno);
      assert.ok(!error.message.includes('tok-canary-9'), 'the library message is never copied');
    }
  });

  it('fails closed, without retry, on TLS problems, also when the code sits on the cause', () => {
    const direct = transportFailure(withCode('CERT_HAS_EXPIRED'), 'the manager');
    assert.deepEqual([direct.code, direct.retryable], ['tls_error', false]);
    const wrapped = Object.assign(new Error('x'), { code: 'ERR_BAD_REQUEST', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    assert.equal(transportFailure(wrapped, 'the manager').code, 'tls_error');
  });

  it('maps statuses, reading Retry-After only where it applies', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    assert.equal(statusFailure(301, undefined, 'm', now).code, 'redirect_refused');
    assert.equal(statusFailure(418, undefined, 'm', now).code, 'http_error');
    assert.equal(statusFailure(503, 'garbage', 'm', now).retryAfterMs, undefined);
    assert.equal(statusFailure(429, 'Sun, 01 Mar 2026 09:00:00 GMT', 'm', now).retryAfterMs, 0, 'a date in the past means now');
  });
});
