// What provider tests read from a provider's answers: the secrets of a changed answer, and the SyncError of a failure.
import assert from 'node:assert/strict';
import type { FetchResult } from '../../src/providers/provider';
import { SyncError } from '../../src/shared/sync-error';

/** The SyncError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SyncError, String(err));
    return err;
  }
  throw new Error('expected a failure');
}

/** The secrets of a `changed` answer; fails the test on any other. */
export function secretsOf(result: FetchResult): Record<string, unknown> {
  assert.equal(result.status, 'changed');
  return result.status === 'changed' ? (result.secrets as Record<string, unknown>) : {};
}
