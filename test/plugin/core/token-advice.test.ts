// Tests for src/plugin/core/token-advice.ts: a rejected token's advice names the setting it came from.
import assert from 'node:assert/strict';
import { withTokenAdvice } from '../../../src/plugin/core/token-advice';
import { SyncError } from '../../../src/shared/sync-error';

describe('plugin/core/token-advice', () => {
  const rejected = new SyncError('unauthorized', 'the Secret Manager at http://m:1 rejected the token (401)', { httpStatus: 401 });

  it('names secretSync.token (SECRET_SYNC_TOKEN) for a token given as such', () => {
    const error = withTokenAdvice(rejected, { field: 'token' });
    assert.equal(error.message, 'the Secret Manager at http://m:1 rejected the token (401): check secretSync.token (SECRET_SYNC_TOKEN)');
    assert.deepEqual([error.code, error.httpStatus, error.field, error.retryable], ['unauthorized', 401, 'token', false]);
  });

  it('names the file and secretSync.tokenFile (SECRET_SYNC_TOKEN_FILE) for a token read from a file', () => {
    const error = withTokenAdvice(rejected, { field: 'tokenFile', path: '/srv/.data/node-red.token' });
    assert.equal(error.message, 'the Secret Manager at http://m:1 rejected the token (401): check the token in /srv/.data/node-red.token, set by secretSync.tokenFile (SECRET_SYNC_TOKEN_FILE)');
    assert.doesNotMatch(error.message, /secretSync\.token /);
  });

  it('leaves other errors, and AppRole logins (no token setting), as they are', () => {
    const other = new SyncError('forbidden', 'The token may not read this space (403)');
    assert.equal(withTokenAdvice(other, { field: 'token' }), other);
    assert.equal(withTokenAdvice(rejected, undefined), rejected);
  });
});
