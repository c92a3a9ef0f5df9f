// Tests for src/plugin/core/matcher-thread.ts (and the worker entry and branch table it relies on): a compile in a worker finds what one on this thread finds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { BranchTable } from '../../../src/plugin/core/branch-table';
import { layerPatterns } from '../../../src/plugin/core/mask-forms';
import { prepareMasker } from '../../../src/plugin/core/masker';
import { compileInWorker } from '../../../src/plugin/core/matcher-thread';
import { SecretMatcher } from '../../../src/plugin/core/secret-matcher';
import { buildSnapshot } from '../../../src/plugin/core/snapshot';

describe('plugin/core/matcher-thread', function () {
  this.timeout(20_000);

  it('compiles in a worker thread the same matcher as on this thread', async () => {
    const values = Array.from({ length: 3_000 }, (_, i) => `v${i}-${randomBytes(9).toString('base64')}`);
    const pairs = [['admin', 'pair-password-1']];
    const inWorker = await compileInWorker(values, pairs);
    const here = new SecretMatcher(layerPatterns(values, pairs));
    assert.equal(inWorker.size, here.size);
    const text = [values[0], Buffer.from(values[1]!).toString('base64'), encodeURIComponent(values[2_999]!), Buffer.from('admin:pair-password-1').toString('base64'), 'nothing', values[17]!.slice(0, 8)].join(' | ');
    assert.deepEqual(inWorker.ranges(text), here.ranges(text));
    assert.equal(inWorker.ranges(text).length, 4);
  });

  it('rejects with matcher_worker_failed when the worker cannot compile (the caller then compiles on its own thread)', async () => {
    // A value that cannot be cloned into the worker: the job never reaches it.
    const failing = compileInWorker([Symbol('not a string') as unknown as string], []);
    await assert.rejects(failing, (err: { code?: string }) => err.code === 'matcher_worker_failed');
  });

  it('gives a large snapshot a masker compiled off the event loop that masks every value', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`K${i}`, `worker-value-${i}-${randomBytes(6).toString('hex')}`]));
    const snapshot = buildSnapshot({ ...secrets });
    // The compile must come from a worker, not from the fallback on this thread: count the workers that answered.
    let answered = 0;
    const onWorker = (worker: Worker): void => void worker.once('message', () => answered++);
    process.on('worker', onWorker);
    let masker;
    try {
      masker = await prepareMasker(snapshot);
    } finally {
      process.off('worker', onWorker);
    }
    assert.equal(answered, 1, 'one worker compiled the masker');
    for (const i of [0, 1_234, 2_499]) assert.equal(masker.text(`a ${secrets[`K${i}`]} b`), 'a •••••••• b');
  });
});

describe('plugin/core/branch-table', () => {
  it('answers every stored transition and nothing else, also across colliding slots', () => {
    const entries = new Map<number, number>();
    for (let state = 1; state < 2_000; state += 7) for (const code of [0, 45, 65_535]) entries.set(state * 65536 + code, state + code);
    const table = BranchTable.from(entries);
    for (const [key, value] of entries) assert.equal(table.get(Math.floor(key / 65536), key % 65536), value);
    assert.equal(table.get(2, 45), undefined);
    assert.equal(table.get(1, 46), undefined);
    assert.equal(BranchTable.from(new Map()).get(0, 0), undefined);
  });
});
