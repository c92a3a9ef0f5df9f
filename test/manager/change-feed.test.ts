// Tests for src/manager/lib/change-feed.ts: waking long polls, with fake timers for the timeouts.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ChangeFeed, ORG_SCOPE, waiterLimits } from 'secret-sync-manager/dist/change-feed';
import type { WaitOutcome } from 'secret-sync-manager/dist/change-feed';

describe('manager/change-feed', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('times out when nothing changes', async () => {
    const feed = new ChangeFeed();
    const outcome = feed.wait('demo', 30_000);
    await clock.tickAsync(29_999);
    assert.equal(feed.size, 1);
    await clock.tickAsync(1);
    assert.equal(await outcome, 'timeout');
    assert.equal(feed.size, 0);
  });

  it('wakes only the waiters of the changed space', async () => {
    const feed = new ChangeFeed();
    const demo = feed.wait('demo', 30_000);
    const other = feed.wait('other', 1_000);
    feed.notify('demo');
    assert.equal(await demo, 'changed');
    await clock.tickAsync(1_000);
    assert.equal(await other, 'timeout');
  });

  it('wakes every space on an organization change', async () => {
    const feed = new ChangeFeed();
    const waits = [feed.wait('a', 30_000), feed.wait('b', 30_000)];
    feed.notify(ORG_SCOPE);
    assert.deepEqual(await Promise.all(waits), ['changed', 'changed']);
  });

  it('ends a wait when the client goes away and leaves no timer behind', async () => {
    const feed = new ChangeFeed();
    const abort = new AbortController();
    const outcome = feed.wait('demo', 30_000, abort.signal);
    abort.abort();
    assert.equal(await outcome, 'aborted');
    assert.equal(clock.countTimers(), 0);
  });

  it('releases everyone on close and refuses new waits', async () => {
    const feed = new ChangeFeed();
    const outcome = feed.wait('demo', 30_000);
    feed.close();
    assert.equal(await outcome, 'closed');
    assert.equal(await feed.wait('demo', 30_000), 'closed');
    assert.equal(clock.countTimers(), 0);
  });

  describe('sharing the slots', () => {
    // 10 slots; a token keeps 2 and a space 4 when all are taken.
    const limits = { maxWaiters: 10, maxWaitersPerToken: 2, maxWaitersPerSpace: 4 };
    const flood = (feed: ChangeFeed, count: number, space = 'a', holder = 'attacker'): Promise<WaitOutcome>[] => Array.from({ length: count }, () => feed.wait(space, 60_000, undefined, holder));
    const settled = async (waits: Promise<WaitOutcome>[]): Promise<WaitOutcome[]> => {
      const marker = Symbol('pending');
      return (await Promise.all(waits.map((w) => Promise.race([w, Promise.resolve().then(() => marker)])))).filter((o): o is WaitOutcome => o !== marker);
    };

    it('lets one token take every free slot, then refuses it beyond its share', async () => {
      const feed = new ChangeFeed(limits);
      const held = flood(feed, 10);
      assert.equal(feed.size, 10, 'while slots are free, a fleet sharing one token may use them all');
      assert.equal(await feed.wait('a', 60_000, undefined, 'attacker'), 'token_share');
      assert.equal(feed.size, 10);
      assert.deepEqual(await settled(held), []);
      feed.close();
    });

    it("gives another space's poll a slot from the token holding most beyond its share, then wakes it on a change", async () => {
      const feed = new ChangeFeed(limits);
      const held = flood(feed, 10);
      const victim = held[0]!;
      const other = feed.wait('b', 60_000, undefined, 'fleet-b');
      assert.equal(await victim, 'token_share', 'the longest-waiting poll of the hog gives way');
      assert.equal(feed.size, 10);
      feed.notify('b');
      assert.equal(await other, 'changed');
      feed.close();
    });

    it('keeps taking from the hog until it holds no more than its share, then answers full', async () => {
      const feed = new ChangeFeed(limits);
      const held = flood(feed, 10);
      // Four other tokens of four other spaces, two polls each: eight slots, within every share.
      const others = ['b', 'c', 'd', 'e'].flatMap((space) => flood(feed, 2, space, `fleet-${space}`));
      assert.deepEqual(await settled(others), []);
      assert.equal((await settled(held)).filter((o) => o === 'token_share').length, 8);
      assert.equal(await feed.wait('f', 60_000, undefined, 'fleet-f'), 'full', 'nobody holds more than its share: the slots are simply full');
      feed.close();
    });

    it("bounds a space's share over all its tokens", async () => {
      const feed = new ChangeFeed(limits);
      // Five tokens of space a, two polls each: within each token's share, beyond the space's.
      const held = ['t1', 't2', 't3', 't4', 't5'].flatMap((holder) => flood(feed, 2, 'a', holder));
      assert.equal(await feed.wait('a', 60_000, undefined, 't6'), 'space_share');
      const other = feed.wait('b', 60_000, undefined, 'fleet-b');
      assert.deepEqual(await settled(held), ['space_share']);
      assert.deepEqual(await settled([other]), []);
      feed.close();
    });

    it('frees the share of a poll that ends, and leaves no timer behind', async () => {
      const feed = new ChangeFeed(limits);
      const abort = new AbortController();
      const first = feed.wait('a', 60_000, abort.signal, 'attacker');
      const held = flood(feed, 9, 'b', 'fleet-b');
      abort.abort();
      assert.equal(await first, 'aborted');
      assert.equal(feed.size, 9);
      feed.notify('b');
      assert.deepEqual(await Promise.all(held), Array<WaitOutcome>(9).fill('changed'));
      assert.equal(feed.size, 0);
      assert.equal(clock.countTimers(), 0);
    });

    it('with a single slot, its holder is within its share: another token finds the slots full, not a share to take', async () => {
      const feed = new ChangeFeed(waiterLimits({ maxWaiters: 1 }));
      const held = feed.wait('other', 60_000, undefined, 'hog');
      assert.equal(await feed.wait('demo', 60_000, undefined, 'plugin'), 'full');
      assert.deepEqual(await settled([held]), []);
      feed.close();
    });

    it('derives the shares from the number of slots unless given', () => {
      assert.deepEqual(waiterLimits({ maxWaiters: 600 }), { maxWaiters: 600, maxWaitersPerToken: 60, maxWaitersPerSpace: 150 });
      assert.deepEqual(waiterLimits({ maxWaiters: 3 }), { maxWaiters: 3, maxWaitersPerToken: 1, maxWaitersPerSpace: 1 });
      assert.deepEqual(waiterLimits({ maxWaiters: 100, maxWaitersPerToken: 50 }), { maxWaiters: 100, maxWaitersPerToken: 50, maxWaitersPerSpace: 25 });
    });
  });
});
