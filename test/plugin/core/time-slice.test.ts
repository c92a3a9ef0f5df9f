// Tests for src/plugin/core/time-slice.ts: the same work runs at once or in slices, and slices let the event loop in.
import assert from 'node:assert/strict';
import { runNow, runSliced } from '../../../src/plugin/core/time-slice';

/** Work that spins `slices` times for `ms` each, yielding between, and returns how many times it ran. */
function* spin(slices: number, ms: number): Generator<void, number, void> {
  let runs = 0;
  for (let i = 0; i < slices; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until) runs += 0;
    runs++;
    yield;
  }
  return runs;
}

describe('plugin/core/time-slice', () => {
  it('runs work to its end at once, or in slices with the same result', async () => {
    assert.equal(runNow(spin(5, 0)), 5);
    assert.equal(await runSliced(spin(5, 0)), 5);
  });

  it('gives the event loop a turn once a slice has used its budget, and none for short work', async () => {
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    let ticking = true;
    setImmediate(tick);
    await runSliced(spin(10, 3), 5);
    const afterLong = turns;
    ticking = false;
    // 30 ms of work in 5 ms slices: the loop got at least 4 turns in between.
    assert.ok(afterLong >= 4, `turns: ${afterLong}`);
    let shortTurns = 0;
    setImmediate(() => shortTurns++);
    await runSliced(spin(3, 0), 1_000);
    assert.equal(shortTurns, 0, 'work shorter than one slice never pauses');
  });

  it('passes a throw of the work to the caller', async () => {
    function* failing(): Generator<void, number, void> {
      yield;
      throw new Error('broken');
    }
    await assert.rejects(runSliced(failing()), /broken/);
    assert.throws(() => runNow(failing()), /broken/);
  });
});
