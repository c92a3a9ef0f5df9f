// Tests for src/manager/lib/change-feed.ts: waking long polls, with fake timers for the timeouts.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ChangeFeed, ORG_SCOPE } from 'secret-sync-manager/dist/change-feed';

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
});
