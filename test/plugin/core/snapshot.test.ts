// Tests for src/plugin/core/snapshot.ts: frozen null-prototype snapshots, rejected payloads, skipped keys, and the one pass that diffs as it builds.
import assert from 'node:assert/strict';
import type { SyncError } from '../../../src/shared/sync-error';
import { EMPTY_SNAPSHOT, MAX_KEYS, buildSnapshot, isEmptyDiff, nextSnapshot, sameEntry } from '../../../src/plugin/core/snapshot';
import type { Snapshot } from '../../../src/plugin/core/snapshot';

const rejects = (raw: unknown): void =>
  assert.throws(() => buildSnapshot(raw), (e: SyncError) => e.code === 'invalid_payload');

describe('plugin/snapshot', () => {
  it('builds a deep-frozen, null-prototype object', () => {
    const snap = buildSnapshot({ B: 'b', A: 'a', DB: { user: 'u', pass: 'p' } });
    assert.equal(Object.getPrototypeOf(snap.secrets), null);
    assert.ok(Object.isFrozen(snap.secrets));
    const db = snap.secrets.DB as Record<string, string>;
    assert.equal(Object.getPrototypeOf(db), null);
    assert.ok(Object.isFrozen(db));
    assert.deepEqual(snap.keys, ['A', 'B', 'DB']);
    assert.throws(() => {
      'use strict';
      (snap.secrets as Record<string, string>).A = 'changed';
    }, TypeError);
  });

  it('lists keys in code-unit order whether the answer came sorted or not', () => {
    const expected = ['-x', '0', 'A', 'Z', '_', 'a', 'b10', 'b9'];
    assert.deepEqual(buildSnapshot(Object.fromEntries(expected.map((k) => [k, 'v']))).keys, expected);
    assert.deepEqual(buildSnapshot(Object.fromEntries([...expected].reverse().map((k) => [k, 'v']))).keys, expected);
    assert.deepEqual(buildSnapshot({ b9: 'v', '0': 'v', a: 'v', Z: 'v', _: 'v', '-x': 'v', A: 'v', b10: 'v' }).keys, expected);
  });

  it('rejects the whole payload for values of the wrong shape', () => {
    rejects({ A: null });
    rejects({ A: ['x'] });
    rejects({ A: { x: null } });
    rejects({ A: { x: ['1'] } });
    rejects({ A: { x: { y: 'z' } } });
    rejects({ A: { 'a.b': 'x' } });
    rejects({ A: 5, B: null });
    rejects(['A']);
    rejects('A');
    rejects(null);
  });

  it('skips and names a key whose value or pair is a number or a boolean (never turned into text), keeping the others', () => {
    // As JSON sends them: 12345678901234567890 would arrive rounded, so no text could be trusted.
    const snap = buildSnapshot(JSON.parse('{"A":"a","PORT":1883,"BIG":12345678901234567890,"FLAG":true,"BROKER":{"host":"h","port":1883},"P":{"x":"1"}}'));
    assert.deepEqual(snap.keys, ['A', 'P']);
    assert.deepEqual(JSON.parse(JSON.stringify(snap.secrets)), { A: 'a', P: { x: '1' } });
    assert.ok(Object.isFrozen(snap.secrets.P));
    assert.deepEqual(snap.skipped, [
      { key: 'PORT', reason: 'a number, not text: store it as a string' },
      { key: 'BIG', reason: 'a number, not text: store it as a string' },
      { key: 'FLAG', reason: 'a boolean, not text: store it as a string' },
      { key: 'BROKER', reason: "pair 'port' is a number, not text: store it as a string" },
    ]);
  });

  it('rejects a payload with more keys than the limit instead of truncating it', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_KEYS + 1 }, (_, i) => [`K${i}`, 'v']));
    rejects(many);
  });

  it('skips keys flows cannot address safely and names them, without polluting prototypes', () => {
    const raw = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"x","prototype":"y","a.b":"c","with space":"d","ok":"fine"}') as unknown;
    const snap = buildSnapshot(raw);
    assert.deepEqual(snap.keys, ['ok']);
    assert.deepEqual(snap.skipped.map((s) => s.key).sort(), ['__proto__', 'a.b', 'constructor', 'prototype', 'with space']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((snap.secrets as Record<string, unknown>).polluted, undefined);
  });

  it('takes the handed-over object as the snapshot (no copy), and leaves a rejected one as it came', () => {
    const raw = JSON.parse('{"A":"a","P":{"x":"1"},"bad key":"z"}') as Record<string, unknown>;
    const snap = buildSnapshot(raw);
    assert.equal(snap.secrets, raw);
    assert.equal(snap.secrets.P, raw.P);
    assert.equal('bad key' in raw, false);
    const rejected = JSON.parse('{"A":"a","P":{"x":"1"},"bad key":"z","PORT":5,"N":null}') as Record<string, unknown>;
    rejects(rejected);
    assert.equal(Object.getPrototypeOf(rejected), Object.prototype);
    assert.equal(Object.isFrozen(rejected) || Object.isFrozen(rejected.P), false);
    assert.deepEqual(Object.keys(rejected), ['A', 'P', 'bad key', 'PORT', 'N']);
  });

  it('diffs by key and value as it builds, names only', () => {
    const before = buildSnapshot({ A: '1', B: '2', P: { x: '1' } });
    assert.deepEqual(nextSnapshot({ A: '1', B: '3', C: '4', P: { x: '2' } }, before).diff, { added: ['C'], changed: ['B', 'P'], removed: [] });
    assert.deepEqual(nextSnapshot({}, nextSnapshot({ A: '1', B: '3', C: '4', P: { x: '2' } }, before).snapshot).diff, { added: [], changed: [], removed: ['A', 'B', 'C', 'P'] });
    assert.ok(isEmptyDiff(nextSnapshot({ P: { x: '1' }, B: '2', A: '1' }, before).diff));
    const first = nextSnapshot({ B: 'b', A: 'a' }, EMPTY_SNAPSHOT);
    assert.deepEqual(first.diff.added, ['A', 'B'], 'the first sync adds every key, in order');
  });

  it('checks only what is new: a kept value is compared, a new or changed one is checked, a key that turned bad is skipped and removed', () => {
    const before = buildSnapshot({ A: 'a', B: 'b', P: { x: '1' } });
    const change = nextSnapshot({ A: 'a', B: 7, P: { x: '1' }, 'bad key': 'v', C: { y: true } }, before);
    assert.deepEqual(change.diff, { added: [], changed: [], removed: ['B'] });
    assert.deepEqual(change.snapshot.keys, ['A', 'P']);
    assert.deepEqual(change.snapshot.skipped.map((s) => s.key).sort(), ['B', 'C', 'bad key']);
    assert.throws(() => nextSnapshot({ A: 'a', P: { x: null } }, before), (e: SyncError) => e.code === 'invalid_payload', 'a changed pair is checked');
    assert.throws(() => nextSnapshot({ A: 'a', P: 'p', B: ['x'] }, before), (e: SyncError) => e.code === 'invalid_payload');
    const unchangedPair = nextSnapshot({ A: 'a', B: 'b', P: { x: '1' } }, before);
    assert.ok(isEmptyDiff(unchangedPair.diff));
    assert.ok(Object.isFrozen(unchangedPair.snapshot.secrets.P) && Object.getPrototypeOf(unchangedPair.snapshot.secrets.P) === null, 'a kept pair is frozen too');
  });

  it('keeps the key list of before when the same keys came back, and sorts what an unordered answer changed', () => {
    const before = buildSnapshot({ A: 'a', B: 'b', C: 'c' });
    assert.equal(nextSnapshot({ C: 'c2', A: 'a', B: 'b2' }, before).snapshot.keys, before.keys);
    const unordered = nextSnapshot({ D: 'd', C: 'c2', A: 'a2', E: 'e' }, before);
    assert.deepEqual(unordered.diff, { added: ['D', 'E'], changed: ['A', 'C'], removed: ['B'] });
    assert.deepEqual(nextSnapshot({ C: 'c3', B: 'b3', A: 'a' }, before).diff.changed, ['B', 'C'], 'the same keys, unordered');
    const numbered = buildSnapshot({ 9: 'nine', 10: 'ten' });
    assert.deepEqual(numbered.keys, ['10', '9']);
    assert.deepEqual(nextSnapshot({ 9: 'nine-2', 10: 'ten-2' }, numbered).diff.changed, ['10', '9'], 'integer-like names, which Object.keys puts first by number');
    assert.deepEqual(unordered.snapshot.keys, ['A', 'C', 'D', 'E']);
    assert.ok(Object.isFrozen(unordered.diff.added) && Object.isFrozen(unordered.snapshot.keys));
  });

  it('finds the diff a key-by-key comparison finds, over a thousand random changes', () => {
    // A seeded generator: the same sequence on every run, and a failure names the step.
    let seed = 25;
    // The high bits of a linear congruential generator (its low bits repeat with short periods).
    const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), Math.floor(seed / 2 ** 16) % n);
    const entry = (): unknown => [() => `v${random(4)}`, () => ({ u: `u${random(3)}`, p: `p${random(2)}` }), () => random(2), () => 'same'][random(4)]!();
    const names = ['K0', 'K1', 'K2', 'K3', 'K4', 'K5', 'bad.key', 'K7', '9', '10', 'constructor', '__proto__'];
    let before: Snapshot = EMPTY_SNAPSHOT;
    for (let step = 0; step < 2_000; step++) {
      const raw: Record<string, unknown> = {};
      // Every fourth answer keeps exactly the names of before (in another order), the path that keeps the key list.
      const chosen = random(4) === 0 && before.keys.length > 0 ? [...before.keys] : names.filter(() => random(3) > 0);
      for (let i = chosen.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
      }
      for (const key of chosen) Object.defineProperty(raw, key, { value: entry(), enumerable: true, writable: true, configurable: true });
      const { snapshot, diff } = nextSnapshot(structuredClone(raw), before);
      const expected = buildSnapshot(structuredClone(raw));
      assert.deepEqual(snapshot.keys, expected.keys, `step ${step}: keys`);
      assert.deepEqual({ ...snapshot.secrets }, { ...expected.secrets }, `step ${step}: values`);
      const wanted = before.keys.length === 0
        ? { added: expected.keys, changed: [], removed: [] }
        : {
            added: expected.keys.filter((k) => before.secrets[k] === undefined),
            changed: expected.keys.filter((k) => before.secrets[k] !== undefined && !sameEntry(before.secrets[k], expected.secrets[k])),
            removed: before.keys.filter((k) => expected.secrets[k] === undefined),
          };
      assert.deepEqual(diff, wanted, `step ${step}: diff`);
      before = snapshot;
    }
  });
});
