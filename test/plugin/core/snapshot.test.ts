// Tests for src/plugin/core/snapshot.ts: frozen null-prototype snapshots, rejected payloads, skipped keys and diffs.
import assert from 'node:assert/strict';
import type { SyncError } from '../../../src/shared/sync-error';
import { EMPTY_SNAPSHOT, MAX_KEYS, buildSnapshot, diffSnapshots, isEmptyDiff } from '../../../src/plugin/core/snapshot';

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

  it('diffs by key and value, names only', () => {
    const before = buildSnapshot({ A: '1', B: '2', P: { x: '1' } });
    const after = buildSnapshot({ A: '1', B: '3', C: '4', P: { x: '2' } });
    assert.deepEqual(diffSnapshots(before, after), { added: ['C'], changed: ['B', 'P'], removed: [] });
    assert.deepEqual(diffSnapshots(after, EMPTY_SNAPSHOT), { added: [], changed: [], removed: ['A', 'B', 'C', 'P'] });
    assert.ok(isEmptyDiff(diffSnapshots(before, buildSnapshot({ P: { x: '1' }, B: '2', A: '1' }))));
  });
});
