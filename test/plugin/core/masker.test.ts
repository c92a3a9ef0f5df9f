// Tests for src/plugin/core/masker.ts and mask-layers.ts: one mask for text and message trees, encodings included, the original never touched; deltas from the diff alone.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import vm from 'node:vm';
import { Masker, prepareMasker, unmaskedKeys } from '../../../src/plugin/core/masker';
import { MIN_MASKED_LENGTH } from '../../../src/plugin/core/mask-forms';
import { deltaOf } from '../../../src/plugin/core/mask-layers';
import { EMPTY_SNAPSHOT, buildSnapshot, nextSnapshot } from '../../../src/plugin/core/snapshot';
import type { Snapshot } from '../../../src/plugin/core/snapshot';

const M = '••••••••';

describe('plugin/core/masker', () => {
  const snapshot = buildSnapshot({ TOKEN: 'tok-12345', DB: { user: 'app', pass: 'pass-67890' }, SHORT: 'abc', PEM: 'line-one-aaaa\nline-two-bbbb' });
  const masker = new Masker(snapshot);

  it('masks whole values and values inside longer strings, at any depth', () => {
    const msg = { payload: 'tok-12345', headers: { Authorization: 'Bearer tok-12345' }, list: ['x', { deep: 'pass-67890!' }], n: 5 };
    assert.deepEqual(masker.value(msg), { payload: M, headers: { Authorization: `Bearer ${M}` }, list: ['x', { deep: `${M}!` }], n: 5 });
  });

  it('masks base64 (any offset), URI-encoded, JSON-escaped forms, each line, and user:password in Basic auth', () => {
    const b64 = Buffer.from('x=tok-12345;').toString('base64');
    assert.ok(!masker.text(b64).includes(Buffer.from('tok-12345').toString('base64').slice(2, 10)));
    assert.equal(masker.text(encodeURIComponent('a b tok-12345')), `a%20b%20${M}`);
    assert.equal(masker.text(JSON.stringify({ pem: 'line-one-aaaa\nline-two-bbbb' })), `{"pem":"${M}"}`);
    assert.equal(masker.text('line-one-aaaa\r\nline-two-bbbb'), `${M}\r\n${M}`, 'each line, whatever the line ends');
    assert.equal(masker.text('first: line-two-bbbb'), `first: ${M}`);
    assert.equal(masker.text(`Basic ${Buffer.from('app:pass-67890').toString('base64')}`), `Basic ${M}`);
  });

  it('names the values too short to mask, and leaves them alone', () => {
    assert.deepEqual(unmaskedKeys(snapshot), ['DB.user', 'SHORT']);
    assert.deepEqual(masker.unmaskedKeys, ['DB.user', 'SHORT']);
    assert.equal(masker.text('abc app'), 'abc app');
  });

  it('never modifies the original, and hands it back as is when it held no secret', () => {
    const msg = { payload: { token: 'tok-12345' } };
    const copy = structuredClone(msg);
    masker.value(msg);
    assert.deepEqual(msg, copy);
    const clean = { payload: 'nothing', list: [1, 2] };
    assert.equal(masker.value(clean), clean);
  });

  it('masks messages built in another realm (the function node sandbox), Errors, Buffers, Maps and Sets', () => {
    const foreign = vm.runInNewContext('({ payload: { list: ["tok-12345"] }, err: new Error("failed with tok-12345") })') as { err: Error };
    const out = masker.value(foreign) as { payload: { list: string[] }; err: Error };
    assert.deepEqual(out.payload.list, [M]);
    assert.equal(out.err.message, `failed with ${M}`);
    assert.ok(!String(out.err.stack).includes('tok-12345'));
    assert.ok(foreign.err.message.includes('tok-12345'), 'the original error is untouched');
    const err = Object.assign(new TypeError('bad tok-12345'), { code: 'x', cause: new Error('pass-67890') });
    const masked = masker.value(err);
    assert.ok(masked instanceof TypeError);
    assert.match(inspect(masked), /TypeError: bad ••••••••/, 'still shown as an error, with its stack');
    assert.equal(masked.message, `bad ${M}`);
    assert.equal((masked.cause as { message?: string }).message, M);
    assert.equal((masker.value(Buffer.from('key=tok-12345')) as Buffer).toString(), `key=${M}`);
    assert.deepEqual([...masker.value(new Map([['k', 'tok-12345']]))], [['k', M]]);
    assert.deepEqual([...masker.value(new Set(['pass-67890']))], [M]);
  });

  it('survives cycles and passes other objects (sockets, dates, class instances) through untouched', () => {
    const cyclic: Record<string, unknown> = { secret: 'tok-12345' };
    cyclic.self = cyclic;
    const out = masker.value(cyclic);
    assert.equal(out.secret, M);
    assert.equal(out.self, out);
    class Client {
      token = 'tok-12345';
    }
    const client = new Client();
    const date = new Date();
    const kept = masker.value({ date, client });
    assert.equal(kept.date, date);
    assert.equal(kept.client, client);
  });

  describe('prepareMasker', () => {
    const many = (n: number, tag: string): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`K${i}`, `${tag}-value-${i}-abcdef`]));

    it('masks like a masker compiled at once, and names the same values too short to mask', async () => {
      const prepared = await prepareMasker(snapshot);
      const line = `tok-12345 ${Buffer.from('app:pass-67890').toString('base64')} line-two-bbbb abc`;
      assert.equal(prepared.text(line), masker.text(line));
      assert.deepEqual(prepared.unmaskedKeys, unmaskedKeys(snapshot));
      assert.ok(Object.isFrozen(prepared.unmaskedKeys), 'the names travel in a publication: frozen');
    });

    it('compiles the first secrets as a full layer, not as a delta over the empty masker of before the first sync', async () => {
      const first = await prepareMasker(buildSnapshot(many(3, 'a')), new Masker(buildSnapshot({})));
      assert.equal(first.layered, false);
      assert.equal(first.text('a-value-2-abcdef'), M);
    });

    it('compiles a small change as a delta over the previous full layer, masking new and replaced values', async () => {
      const first = await prepareMasker(buildSnapshot(many(100, 'a')));
      const second = buildSnapshot({ ...many(100, 'a'), K1: 'rotated-value-1', NEW: { user: 'admin', pass: 'pair-pass-1' } });
      const masker = await prepareMasker(second, first);
      assert.ok(masker.layered);
      const line = `a-value-0-abcdef rotated-value-1 a-value-1-abcdef ${Buffer.from('admin:pair-pass-1').toString('base64')} a-value-99-abcdefX`;
      assert.equal(masker.text(line), `${M} ${M} ${M} ${M} ${M}X`);
      assert.deepEqual(masker.text(line), new Masker(second).text(line.replace('a-value-1-abcdef', 'rotated-value-1')));
      assert.equal(masker.text('nothing here'), 'nothing here');
      // The next change builds its delta on the same full layer, not on the delta.
      const third = buildSnapshot({ ...many(100, 'a'), K1: 'rotated-value-1', K2: 'rotated-value-2' });
      const next = await prepareMasker(third, masker);
      assert.equal(next.fullLayer, masker.fullLayer);
      assert.equal(next.text('rotated-value-2 rotated-value-1'), `${M} ${M}`);
    });

    it('merges matches of both layers that overlap or touch into one mask', async () => {
      const first = await prepareMasker(buildSnapshot({ A: 'abcdef-111' }));
      const second = buildSnapshot({ A: 'abcdef-111', B: '111-ghijkl' });
      const masker = await prepareMasker(second, first);
      assert.ok(masker.layered);
      assert.equal(masker.text('x abcdef-111-ghijkl y'), `x ${M} y`);
      assert.equal(masker.text('x abcdef-111111-ghijkl y'), `x ${M} y`);
      assert.equal(masker.text('x abcdef-111 111-ghijkl y'), `x ${M} ${M} y`);
    });

    it('builds the delta from the diff alone exactly as from every key, over two hundred random changes', async () => {
      let seed = 7;
      const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), Math.floor(seed / 2 ** 16) % n);
      // Values of 4 to 12 characters: some too short to mask; a few shared between keys and pairs.
      const value = (): string => `v${random(40)}-${'x'.repeat(random(9))}`.slice(0, 4 + random(9));
      // A pair's fields in either order: the diff does not count a new order as a change, and the delta must agree.
      const pair = (user: string, pass: string): Record<string, string> => (random(2) === 0 ? { user, pass } : { pass, user });
      const raw = (): Record<string, unknown> => {
        const out: Record<string, unknown> = {};
        for (let k = 0; k < 12; k++) if (random(4) > 0) out[`K${k}`] = random(4) === 0 ? pair(value(), value()) : value();
        return out;
      };
      let before: Snapshot = EMPTY_SNAPSHOT;
      let masker = await prepareMasker(before);
      for (let step = 0; step < 200; step++) {
        // Mostly small changes (kept deltas), now and then a new space (a full compile).
        // Every pair of before again, each in a random field order, and two keys given new values (now and then a pair).
        const reordered = before.keys.flatMap((key): [string, unknown][] => {
          const entry = before.secrets[key];
          return entry === undefined || typeof entry === 'string' ? [] : [[key, pair(entry.user!, entry.pass!)]];
        });
        const fresh = (): unknown => (random(3) === 0 ? pair(value(), value()) : value());
        const next = random(10) === 0 ? raw() : { ...before.secrets, ...Object.fromEntries(reordered), [`K${random(12)}`]: fresh(), [`K${random(12)}`]: fresh() };
        const change = nextSnapshot(structuredClone(next), before);
        const fromDiff = await prepareMasker(change.snapshot, masker, change.diff);
        const fromKeys = await prepareMasker(change.snapshot, masker);
        // The same names; a pair whose fields only changed order keeps the order the list had (names, for the status).
        assert.deepEqual([...fromDiff.unmaskedKeys].sort(), unmaskedKeys(change.snapshot).sort(), `step ${step}: values too short to mask`);
        assert.equal(fromDiff.layered, fromKeys.layered, `step ${step}: layered`);
        if (fromDiff.fullLayer === masker.fullLayer) {
          // Maps compare unordered.
          assert.deepEqual(fromDiff.deltaEntries, deltaOf(masker.fullLayer, change.snapshot).entries, `step ${step}: delta entries`);
        }
        for (const key of change.snapshot.keys) {
          const entry = change.snapshot.secrets[key]!;
          for (const v of typeof entry === 'string' ? [entry] : Object.values(entry)) {
            if (v.length >= MIN_MASKED_LENGTH) assert.equal(fromDiff.text(`<${v}>`), `<${M}>`, `step ${step}: ${key} masked`);
          }
        }
        before = change.snapshot;
        masker = fromDiff;
      }
    });

    it('compiles everything again once the change outgrows a tenth of the full layer', async () => {
      const full = await prepareMasker(buildSnapshot(many(1_000, 'a')));
      const second = buildSnapshot(many(1_000, 'b'));
      const masker = await prepareMasker(second, full);
      assert.equal(masker.layered, false);
      assert.notEqual(masker.fullLayer, full.fullLayer);
      assert.equal(masker.text('a-value-5-abcdef b-value-5-abcdef'), `a-value-5-abcdef ${M}`, 'a full compile drops replaced values');
    });
  });
});
