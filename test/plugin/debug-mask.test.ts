// Tests for src/plugin/debug-mask.ts: every occurrence masked, the sender's message untouched, cycles and odd objects survive.
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { maskSecrets, secretValues } from '../../src/plugin/debug-mask';
import { buildSnapshot } from '../../src/plugin/snapshot';

const M = '••••••••';

describe('plugin/debug-mask', () => {
  const snapshot = buildSnapshot({ TOKEN: 'tok-12345', DB: { user: 'app', pass: 'pass-67890' }, SHORT: 'abc' });
  const secrets = secretValues(snapshot);

  it('collects values worth masking, longest first, skipping very short ones', () => {
    assert.deepEqual(secrets, ['pass-67890', 'tok-12345']);
  });

  it('masks whole values and values inside longer strings, at any depth', () => {
    const msg = { payload: 'tok-12345', headers: { Authorization: 'Bearer tok-12345' }, list: ['x', { deep: 'pass-67890!' }], n: 5 };
    assert.deepEqual(maskSecrets(msg, secrets), {
      payload: M,
      headers: { Authorization: `Bearer ${M}` },
      list: ['x', { deep: `${M}!` }],
      n: 5,
    });
  });

  it('never modifies the original message, and copies it faithfully when nothing matches', () => {
    const msg = { payload: { token: 'tok-12345' } };
    const copy = JSON.parse(JSON.stringify(msg)) as unknown;
    maskSecrets(msg, secrets);
    assert.deepEqual(msg, copy);
    const clean = { payload: 'nothing here', nested: { a: [1, 2] } };
    assert.deepEqual(maskSecrets(clean, secrets), clean);
  });

  it('masks messages built inside a function node sandbox (another realm)', () => {
    const msg = vm.runInNewContext('({ payload: { list: ["tok-12345"], header: "Bearer tok-12345" } })') as object;
    assert.deepEqual(JSON.parse(JSON.stringify(maskSecrets(msg, secrets))), { payload: { list: [M], header: `Bearer ${M}` } });
  });

  it('masks Buffers and survives cycles', () => {
    const buffer = maskSecrets(Buffer.from('key=tok-12345'), secrets) as Buffer;
    assert.equal(buffer.toString(), `key=${M}`);
    const cyclic: Record<string, unknown> = { payload: 'tok-12345' };
    cyclic.self = cyclic;
    const out = maskSecrets(cyclic, secrets) as Record<string, unknown>;
    assert.equal(out.payload, M);
    assert.equal(out.self, out);
  });

  it('passes objects that are not plain (requests, sockets, dates) through untouched', () => {
    const date = new Date();
    class Client {
      secret = 'tok-12345';
    }
    const client = new Client();
    const out = maskSecrets({ date, client }, secrets) as { date: Date; client: Client };
    assert.equal(out.date, date);
    assert.equal(out.client, client);
  });
});
