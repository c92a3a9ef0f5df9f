// Tests for src/plugin/core/sync-engine.ts with a scripted provider: one publication per sync, single flight, last known good, events.
import assert from 'node:assert/strict';
import type { FetchRequest, FetchResult, SecretProvider } from '../../../src/providers/provider';
import { SyncError } from '../../../src/shared/sync-error';
import { memoryLogger } from '../../helpers/logger';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import type { Publication } from '../../../src/plugin/core/publication';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { prepareMasker } from '../../../src/plugin/core/masker';
import type { SecretsChangedEvent } from '../../../src/shared/contract';

type Step = FetchResult | SyncError | (() => Promise<FetchResult>);

class ScriptedProvider implements SecretProvider {
  readonly name = 'scripted';
  readonly requests: FetchRequest[] = [];
  constructor(readonly steps: Step[]) {}
  fetch(request: FetchRequest): Promise<FetchResult> {
    this.requests.push(request);
    const step = this.steps.shift();
    if (step === undefined) return Promise.reject(new Error('no more steps'));
    if (step instanceof SyncError) return Promise.reject(step);
    if (typeof step === 'function') return step();
    return Promise.resolve(step);
  }
}

function setup(steps: Step[]): { engine: SyncEngine; provider: ScriptedProvider; published: Publication[]; lines: string[] } {
  const provider = new ScriptedProvider(steps);
  const published: Publication[] = [];
  const lines: string[] = [];
  const engine = new SyncEngine({
    provider,
    onPublish: (p) => published.push(p),
    policy: { ...DEFAULT_RETRY_POLICY, retries: 0 },
    logger: memoryLogger(lines),
    space: 'demo',
  });
  return { engine, provider, published, lines };
}

const changed = (secrets: unknown, version = 1, etag = `"e${version}"`): FetchResult => ({ status: 'changed', version, etag, secrets });

describe('plugin/sync-engine', () => {
  it('hands one immutable publication (version, snapshot, masker, diff, unmasked keys) to onPublish and reports ok', async () => {
    const { engine, published } = setup([changed({ A: 'a-value', B: 'b' }, 7)]);
    const outcome = await engine.sync('manual');
    assert.deepEqual(outcome, { ok: true, changed: true });
    assert.equal(published.length, 1);
    const [p] = published;
    assert.ok(p && Object.isFrozen(p) && Object.isFrozen(p.diff) && Object.isFrozen(p.diff.added));
    assert.deepEqual({ ...p.snapshot.secrets }, { A: 'a-value', B: 'b' });
    assert.equal(p.version, 7);
    assert.deepEqual({ ...p.diff }, { added: ['A', 'B'], changed: [], removed: [] });
    assert.deepEqual(p.unmaskedKeys, ['B']);
    assert.equal(p.masker.text('x a-value y'), 'x •••••••• y', 'the masker is compiled before anything sees the publication');
    assert.equal(engine.publication, p);
    const s = engine.state;
    assert.deepEqual([s.state, s.keyCount, s.version, s.consecutiveFailures, s.error], ['ok', 2, 7, 0, null]);
    assert.ok(s.lastSyncAt && s.lastAttemptAt);
  });

  it('sends the last ETag and changes nothing but lastSyncAt on "unchanged" (published again: the same secrets, no change)', async () => {
    const { engine, provider, published } = setup([changed({ A: 'a' }, 3, '"x.3"'), { status: 'unchanged' }]);
    await engine.sync('manual');
    const before = engine.state;
    await new Promise((r) => setTimeout(r, 5));
    await engine.sync('schedule');
    assert.equal(provider.requests[1]?.etag, '"x.3"');
    assert.equal(published.length, 2);
    assert.equal(published[1]?.snapshot, published[0]?.snapshot);
    assert.equal(published[1]?.masker, published[0]?.masker, 'nothing compiled again');
    assert.deepEqual({ ...published[1]?.diff }, { added: [], changed: [], removed: [] });
    const after = engine.state;
    assert.notEqual(after.lastSyncAt, before.lastSyncAt);
    assert.deepEqual({ ...after, lastSyncAt: null, lastAttemptAt: null }, { ...before, lastSyncAt: null, lastAttemptAt: null });
  });

  it('keeps the very same snapshot on any failure and counts failures', async () => {
    const { engine, published } = setup([
      changed({ A: 'a' }),
      new SyncError('unreachable', 'down', { retryable: true }),
      changed({ A: null }, 2),
      changed('not an object', 3),
    ]);
    await engine.sync('startup');
    const good = engine.snapshot;
    for (const code of ['unreachable', 'invalid_payload', 'invalid_payload']) {
      const outcome = await engine.sync('schedule');
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error?.code, code);
      assert.equal(engine.snapshot, good);
    }
    assert.equal(published.length, 1);
    assert.deepEqual([engine.state.state, engine.state.consecutiveFailures, engine.state.keyCount], ['error', 3, 1]);
  });

  it('joins a sync already running instead of starting another', async () => {
    let release: (r: FetchResult) => void = () => undefined;
    const { engine, provider } = setup([() => new Promise<FetchResult>((r) => (release = r))]);
    const calls = [engine.sync('manual'), engine.sync('deploy'), engine.sync('schedule')];
    await new Promise((r) => setImmediate(r));
    assert.equal(engine.busy, true);
    assert.equal(engine.state.state, 'syncing');
    release(changed({ A: 'a' }));
    const outcomes = await Promise.all(calls);
    assert.equal(provider.requests.length, 1);
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(engine.busy, false);
  });

  it('emits key names of what changed, never values', async () => {
    const { engine } = setup([changed({ A: 'a', B: 'b' }, 1), changed({ A: 'a2', C: 'c' }, 2), changed({ A: 'a2', C: 'c' }, 3)]);
    const events: SecretsChangedEvent[] = [];
    engine.on('changed', (e) => events.push(e));
    await engine.sync('startup');
    await engine.sync('manual');
    await engine.sync('manual');
    assert.deepEqual(events, [
      { version: 1, added: ['A', 'B'], changed: [], removed: [] },
      { version: 2, added: ['C'], changed: ['A'], removed: ['B'] },
    ]);
  });

  it('reports skipped keys by name in the state and the log', async () => {
    const { engine, lines } = setup([changed({ 'bad key': 'x', ok: 'y' })]);
    await engine.sync('manual');
    assert.deepEqual(engine.state.skippedKeys, [{ key: 'bad key', reason: "not letters, digits, '_' and '-'" }]);
    assert.ok(lines.some((l) => l.startsWith('warn:') && l.includes('bad?key')));
  });

  it('names at most 10 skipped keys in the log, each cut to safe characters', async () => {
    const hostile = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}<img src=x onerror=alert(1)>\nforged line ${'x'.repeat(200)}`, 'v']));
    const { engine, lines } = setup([changed(hostile)]);
    await engine.sync('manual');
    const warn = lines.find((l) => l.startsWith('warn:') && l.includes('skipped'));
    assert.ok(warn);
    assert.match(warn, /skipped 25 keys \(the status's skippedKeys says why\): .* and 15 more$/);
    assert.doesNotMatch(warn, /[<>\n]|forged line/);
    assert.ok(warn.length < 1000, 'bounded');
  });

  it('records a publication that could not be taken as an error and keeps the old snapshot', async () => {
    const provider = new ScriptedProvider([changed({ A: 'a' })]);
    const engine = new SyncEngine({
      provider,
      onPublish: () => {
        throw new SyncError('settings_missing', 'no functionGlobalContext');
      },
      policy: { ...DEFAULT_RETRY_POLICY, retries: 0 },
      logger: memoryLogger(),
      space: 'demo',
    });
    const outcome = await engine.sync('manual');
    assert.equal(outcome.error?.code, 'settings_missing');
    assert.equal(engine.state.keyCount, 0);
    assert.equal(engine.snapshot.keys.length, 0);
  });

  it('compiles the next masker (a delta over the previous one) before publishing, and fails the sync whole if it cannot', async () => {
    const order: string[] = [];
    const provider = new ScriptedProvider([changed({ A: 'a-value-1' }), changed({ A: 'a-value-2' })]);
    let failPrepare = false;
    const published: Publication[] = [];
    const engine = new SyncEngine({
      provider,
      onPublish: (p) => (order.push('publish'), published.push(p)),
      policy: { ...DEFAULT_RETRY_POLICY, retries: 0 },
      logger: memoryLogger(),
      space: 'demo',
      compileMasker: async (next, previous, diff) => {
        order.push(`compile ${previous.patternCount > 0 ? 'over a masker' : 'from nothing'}→${next.keys.length}`);
        await new Promise((r) => setImmediate(r));
        if (failPrepare) throw new SyncError('invalid_payload', 'cannot compile');
        return prepareMasker(next, previous, diff);
      },
    });
    assert.equal((await engine.sync('manual')).ok, true);
    assert.deepEqual(order, ['compile from nothing→1', 'publish']);
    failPrepare = true;
    const outcome = await engine.sync('manual');
    assert.equal(outcome.error?.code, 'invalid_payload');
    assert.equal(published.length, 1);
    assert.equal(engine.snapshot.secrets.A, 'a-value-1');
  });

  it('builds a large payload in slices, letting other work run in between', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`KEY_${i}`, `value-${i}`]));
    const { engine } = setup([changed(secrets)]);
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const outcome = await engine.sync('manual');
    ticking = false;
    assert.equal(outcome.ok, true);
    assert.equal(engine.snapshot.keys.length, 20_000);
    assert.equal(engine.snapshot.keys[0], 'KEY_0');
    // How many turns depends on the machine's speed; that there are any shows the build paused.
    assert.ok(turns >= 1, `turns: ${turns}`);
  });

  it('applies a small answer at once: a watch change of one key takes no turn of the event loop before flows see it', async () => {
    const base = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`KEY_${i}`, `value-${i}-abcdef`]));
    const first = changed(base, 1);
    const second = { ...changed({ ...base, KEY_0: 'rotated-value-0' }, 2), bytes: 400 };
    const { engine } = setup([first]);
    assert.equal((await engine.sync('manual')).ok, true);
    let turns = 0;
    setImmediate(() => turns++);
    // A slow machine, as the slicer sees it: every reading of the clock 5 ms later. A sliced build would take turns.
    const now = Object.getOwnPropertyDescriptor(performance, 'now');
    let fake = performance.now();
    Object.defineProperty(performance, 'now', { configurable: true, value: () => (fake += 5) });
    let outcome: Awaited<ReturnType<SyncEngine['sync']>>;
    try {
      outcome = await engine.sync('watch', second);
    } finally {
      if (now) Object.defineProperty(performance, 'now', now);
      else delete (performance as { now?: unknown }).now;
    }
    assert.equal(outcome.ok, true);
    assert.equal(engine.snapshot.secrets.KEY_0, 'rotated-value-0');
    assert.equal(engine.publication.masker.text('x rotated-value-0 y'), 'x •••••••• y', 'masked before it was published');
    assert.equal(engine.publication.masker.layered, true, 'a delta over the full layer');
    assert.equal(turns, 0, 'no turn was taken');
  });

  it('publishes a value with a lone surrogate, masked, like any other (the masker compiles it)', async () => {
    const odd = 'token-\ud800-abcdef';
    const provider = new ScriptedProvider([changed({ ODD: odd, A: 'a-value-1' })]);
    const engine = new SyncEngine({
      provider,
      policy: { ...DEFAULT_RETRY_POLICY, retries: 0 },
      logger: memoryLogger(),
      space: 'demo',
    });
    assert.equal((await engine.sync('manual')).ok, true);
    assert.equal(engine.publication.masker.text(`x ${odd} y`), 'x •••••••• y');
  });
});
