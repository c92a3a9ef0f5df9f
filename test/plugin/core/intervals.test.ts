// Tests for src/plugin/core/intervals.ts: the pure timing decision, checked against node-cron with fixed dates.
import assert from 'node:assert/strict';
import cron from 'node-cron';
import sinon from 'sinon';
import { INTERVALS, isInterval } from '../../../src/shared/contract';
import { cronExpression, periodSeconds } from '../../../src/plugin/core/intervals';

function nextRuns(expression: string, from: string, count: number): string[] {
  const clock = sinon.useFakeTimers(new Date(from));
  try {
    const task = cron.createTask(expression, () => undefined);
    const runs = task.getNextRuns(count).map((d) => d.toISOString());
    void task.destroy();
    return runs;
  } finally {
    clock.restore();
  }
}

describe('plugin/intervals', () => {
  it("offers every interval of the README, the first product's ones included", () => {
    assert.deepEqual([...INTERVALS], ['off', 'watch', '1m', '5m', '15m', '30m', '60m', '6h', '12h', '24h']);
    for (const first of ['1m', '30m', '60m', '12h', '24h']) assert.ok(isInterval(first));
    assert.ok(!isInterval('2m') && !isInterval(60) && !isInterval(undefined));
  });

  it('has no schedule for off and watch', () => {
    assert.equal(cronExpression('off', 0.3), null);
    assert.equal(cronExpression('watch', 0.3), null);
    assert.equal(periodSeconds('off'), undefined);
  });

  it('spreads the polls of a period by the splay', () => {
    assert.equal(cronExpression('1m', 0), '0 0-59/1 * * * *');
    assert.equal(cronExpression('1m', 0.5), '30 0-59/1 * * * *');
    assert.equal(cronExpression('5m', 0.5), '30 2-59/5 * * * *');
    assert.equal(cronExpression('60m', 0.25), '0 15 * * * *');
    assert.equal(cronExpression('6h', 0.5), '0 0 3-23/6 * * *');
    assert.equal(cronExpression('24h', 0.75), '0 0 18 * * *');
    assert.equal(cronExpression('24h', 1), '59 59 23 * * *', 'clamped below one period');
    assert.equal(cronExpression('15m', Number.NaN), '0 0-59/15 * * * *');
  });

  it('fires once per period at the offset (fixed dates)', () => {
    const from = '2026-03-01T10:00:00.000Z';
    assert.deepEqual(nextRuns(cronExpression('5m', 0.5) as string, from, 3), [
      '2026-03-01T10:02:30.000Z',
      '2026-03-01T10:07:30.000Z',
      '2026-03-01T10:12:30.000Z',
    ]);
    assert.deepEqual(nextRuns(cronExpression('1m', 0.1) as string, from, 2), ['2026-03-01T10:00:06.000Z', '2026-03-01T10:01:06.000Z']);
    const daily = nextRuns(cronExpression('24h', 0.5) as string, from, 2).map((d) => Date.parse(d));
    assert.equal((daily[1] as number) - (daily[0] as number), 24 * 3600 * 1000);
    for (const interval of ['15m', '30m', '60m', '6h', '12h'] as const) {
      const runs = nextRuns(cronExpression(interval, 0.37) as string, from, 4).map((d) => Date.parse(d));
      const gaps = runs.slice(1).map((t, i) => (t - (runs[i] as number)) / 1000);
      assert.deepEqual(gaps, [periodSeconds(interval), periodSeconds(interval), periodSeconds(interval)], interval);
    }
  });
});
