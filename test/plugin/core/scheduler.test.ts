// Tests for src/plugin/core/scheduler.ts with fake timers: node-cron fires once per period; rescheduling leaks no timer.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SyncScheduler, instanceSplay } from '../../../src/plugin/core/scheduler';
import { memoryLogger } from '../../helpers/logger';

describe('plugin/scheduler', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2026-03-01T10:00:00.000Z'), shouldClearNativeTimers: true });
  });
  afterEach(() => clock.restore());

  it('runs every minute at the splay offset', async () => {
    const runs: number[] = [];
    const scheduler = new SyncScheduler(() => Promise.resolve(runs.push(Date.now())), memoryLogger(), 0.5);
    scheduler.apply('1m');
    assert.equal(scheduler.nextRunAt()?.toISOString(), '2026-03-01T10:00:30.000Z');
    await clock.tickAsync(10 * 60_000);
    assert.equal(runs.length, 10);
    assert.ok(runs.every((t) => new Date(t).getUTCSeconds() === 30));
    scheduler.stop();
  });

  it('replaces the schedule on an interval change, leaving one timer at most', async () => {
    let count = 0;
    const scheduler = new SyncScheduler(() => Promise.resolve(count++), memoryLogger(), 0);
    for (const interval of ['1m', '5m', '1m', '60m', '5m'] as const) scheduler.apply(interval);
    assert.ok(clock.countTimers() <= 1, `${clock.countTimers()} timers`);
    await clock.tickAsync(30 * 60_000);
    assert.equal(count, 6, 'every 5 minutes only');
    scheduler.apply('off');
    assert.equal(scheduler.nextRunAt(), null);
    await clock.tickAsync(30 * 60_000);
    assert.equal(count, 6);
    assert.equal(clock.countTimers(), 0);
  });

  it('keeps running when a run throws', async () => {
    const lines: string[] = [];
    let count = 0;
    const scheduler = new SyncScheduler(() => {
      count++;
      return Promise.reject(new Error('boom'));
    }, memoryLogger(lines), 0);
    scheduler.apply('1m');
    await clock.tickAsync(3 * 60_000);
    assert.equal(count, 3);
    scheduler.stop();
  });

  it('derives a stable splay in [0, 1) per instance', () => {
    const a = instanceSplay('host-a', '/data', 'demo');
    assert.equal(a, instanceSplay('host-a', '/data', 'demo'));
    assert.notEqual(a, instanceSplay('host-b', '/data', 'demo'));
    for (let i = 0; i < 100; i++) {
      const s = instanceSplay(`h${i}`);
      assert.ok(s >= 0 && s < 1);
    }
  });
});
