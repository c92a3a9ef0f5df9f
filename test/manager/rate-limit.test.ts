// Tests for src/manager/lib/rate-limit.ts: the budget per window, Retry-After, the bound on keys and the expiry of windows.
import assert from 'node:assert/strict';
import { RateLimiter, SHARED_KEY } from 'secret-sync-manager/dist/rate-limit';

describe('manager/rate-limit', () => {
  let now: number;
  const limiter = (max: number, maxKeys = 100): RateLimiter => new RateLimiter({ max, windowMs: 60_000, maxKeys, now: () => now });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows max events per window, then answers the whole seconds left until the window ends', () => {
    const limit = limiter(3);
    assert.deepEqual([limit.hit('a'), limit.hit('a'), limit.hit('a')], [0, 0, 0]);
    assert.equal(limit.hit('a'), 60);
    now += 59_001;
    assert.equal(limit.hit('a'), 1, 'never 0 while refused');
    assert.equal(limit.hit('b'), 0, 'each key has its own budget');
    now += 999;
    assert.equal(limit.hit('a'), 0, 'a new window');
  });

  it('counts at most maxKeys keys: further keys share one window, so many addresses are limited as one', () => {
    const limit = limiter(5, 10);
    for (let i = 0; i < 10; i++) limit.hit(`10.0.0.${i}`);
    const shared = Array.from({ length: 1000 }, (_, i) => limit.hit(`10.1.${i >> 8}.${i & 255}`));
    assert.equal(limit.size, 11, 'ten keys and the shared one');
    assert.deepEqual(shared.slice(0, 5), [0, 0, 0, 0, 0]);
    assert.ok(shared.slice(5).every((s) => s > 0), 'the shared window is over its budget after 5');
    assert.equal(limit.hit(SHARED_KEY), 60);
  });

  it('drops ended windows as events come, so the memory follows the live keys only', () => {
    const limit = limiter(5);
    for (let i = 0; i < 50; i++) limit.hit(`k${i}`);
    now += 60_000;
    limit.hit('fresh');
    assert.equal(limit.size, 1);
  });
});
