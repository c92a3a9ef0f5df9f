// Tests for src/shared/backoff.ts: the curve grows by the factor, is jittered between 1× and 2×, and never passes the cap.
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/shared/backoff';

describe('shared/backoff', () => {
  const backoff = { minMs: 1_000, maxMs: 60_000, factor: 2 };

  it('starts at the minimum and doubles per attempt, with jitter up to twice the base', () => {
    assert.equal(backoffDelay(1, backoff, () => 0), 1_000);
    assert.equal(backoffDelay(1, backoff, () => 0.999_999), 2_000);
    assert.equal(backoffDelay(3, backoff, () => 0), 4_000);
    assert.equal(backoffDelay(3, backoff, () => 0.5), 6_000);
  });

  it('never passes the cap, however many attempts', () => {
    assert.equal(backoffDelay(30, backoff, () => 0.999), 60_000);
    assert.equal(backoffDelay(1_000, backoff, () => 0), 60_000);
  });

  it('treats attempt 0 like the first retry', () => {
    assert.equal(backoffDelay(0, backoff, () => 0), 1_000);
  });
});
