// The shared provider suite: the rules every provider keeps, run against a real source through its harness (README, "Write a provider").
import assert from 'node:assert/strict';
import type { FetchResult } from '../../../src/providers/provider';
import { SyncError } from '../../../src/shared/sync-error';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import { buildSnapshot } from '../../../src/plugin/core/snapshot';
import { canary } from '../../helpers/manager';
import { memoryLogger } from '../../helpers/logger';
import type { HarnessSpace, ProviderHarness } from './provider-harness';

/** A snake_case error code, as every SyncError carries. */
const CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Longest any single wait of this suite may take before the test fails: a bound, not a timing goal. */
const BOUND_MS = 20_000;

/** The name every test uses for a key the plugin cannot accept (a dot: not letters, digits, '_' or '-'). */
export const BAD_NAME = 'bad.name';

const signal = (): AbortSignal => AbortSignal.timeout(BOUND_MS);

/** The secrets of a `changed` answer (fails the test on any other). */
function secretsOf(result: FetchResult | undefined): Record<string, unknown> {
  assert.ok(result, 'expected an answer');
  assert.equal(result.status, 'changed');
  return result.status === 'changed' ? (result.secrets as Record<string, unknown>) : {};
}

function etagOf(result: FetchResult): string | undefined {
  return result.status === 'changed' ? (result.etag ?? undefined) : undefined;
}

/** Resolves with how `promise` settled, or 'pending' when it has not after `ms`. */
async function settled<T>(promise: Promise<T>, ms: number): Promise<{ state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } | { state: 'pending' }> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<{ state: 'pending' }>((done) => (timer = setTimeout(() => done({ state: 'pending' }), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ state: 'resolved' as const, value })).catch((error: unknown) => ({ state: 'rejected' as const, error })), guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Skips the running test, its reason in the title the report shows. */
function skipBecause(context: Mocha.Context, reason: string): never {
  if (context.test) context.test.title += ` (skipped: ${reason})`;
  context.skip();
}

/**
 * Defines the shared suite for one provider: strings and multi-pair secrets,
 * organization keys (the space wins), changes on the next fetch, cheap
 * unchanged answers, names the plugin cannot accept skipped and named, a
 * failing source as a coded SyncError with no value in it or in the logs and
 * the last good secrets kept, `waitForChange` where the provider watches, and
 * abort.
 */
export function describeProviderContract(harness: ProviderHarness): void {
  describe(`provider contract: ${harness.name}`, function () {
    this.timeout(90_000);
    const opened: HarnessSpace[] = [];

    before(async function () {
      this.timeout(120_000);
      await harness.setUp(this);
    });

    after(async () => {
      for (const space of opened) space.provider.close?.();
      await harness.tearDown();
    });

    const open = async (): Promise<HarnessSpace> => {
      const space = await harness.newSpace();
      opened.push(space);
      return space;
    };

    it('reads string secrets and multi-pair secrets, as a snapshot the engine accepts whole', async function () {
      const s = await open();
      const value = canary('contract-string');
      await s.put('space', 'API_TOKEN', value);
      if (harness.supports.multiPair) await s.put('space', 'MQTT', { username: 'device-1', password: canary('contract-pair') });
      const secrets = secretsOf(await s.provider.fetch({ signal: signal() }));
      assert.equal(secrets.API_TOKEN, value);
      if (harness.supports.multiPair) {
        const pairs = secrets.MQTT as Record<string, unknown>;
        assert.deepEqual(Object.keys(pairs).sort(), ['password', 'username']);
        assert.equal(pairs.username, 'device-1');
      }
      const snapshot = buildSnapshot(secrets);
      assert.deepEqual(snapshot.skipped, []);
      assert.ok(snapshot.keys.includes('API_TOKEN'));
    });

    it('hands over a fresh object each time: freezing one answer never touches the next', async () => {
      const s = await open();
      await s.put('space', 'A', 'a-1');
      if (harness.supports.multiPair) await s.put('space', 'P', { user: 'u', password: 'p-1' });
      const first = secretsOf(await s.provider.fetch({ signal: signal() }));
      buildSnapshot(first);
      await s.put('space', 'A', 'a-2');
      const second = secretsOf(await s.provider.fetch({ signal: signal() }));
      assert.notEqual(second, first);
      assert.ok(!Object.isFrozen(second), 'the second answer is a new, unfrozen object');
      assert.equal(buildSnapshot(second).secrets.A, 'a-2');
    });

    it('reads organization keys, and the space wins a clash', async function () {
      if (!harness.supports.org) skipBecause(this, 'the source has no organization keys');
      const s = await open();
      await s.put('org', 'SHARED_KEY', 'org-shared');
      await s.put('org', 'CLASH_KEY', 'org-loses');
      await s.put('space', 'CLASH_KEY', 'space-wins');
      // The space keeps a key of its own: an empty space may be an error (Vault: nothing at its path).
      await s.put('space', 'OWN_KEY', 'own');
      const secrets = secretsOf(await s.provider.fetch({ signal: signal() }));
      assert.equal(secrets.SHARED_KEY, 'org-shared');
      assert.equal(secrets.CLASH_KEY, 'space-wins');
      await s.remove('space', 'CLASH_KEY');
      assert.equal(secretsOf(await s.provider.fetch({ signal: signal() })).CLASH_KEY, 'org-loses', 'without the space key, the organization key shows');
    });

    it('shows a changed value, an added key and a deleted key on the next fetch (given the old ETag)', async () => {
      const s = await open();
      await s.put('space', 'KEEP', 'keep-1');
      await s.put('space', 'ROTATE', 'rotate-1');
      await s.put('space', 'DROP', 'drop-1');
      const first = await s.provider.fetch({ signal: signal() });
      secretsOf(first);
      await s.put('space', 'ROTATE', 'rotate-2');
      await s.put('space', 'ADDED', 'added-1');
      await s.remove('space', 'DROP');
      const next = secretsOf(await s.provider.fetch({ etag: etagOf(first), signal: signal() }));
      assert.equal(next.KEEP, 'keep-1');
      assert.equal(next.ROTATE, 'rotate-2');
      assert.equal(next.ADDED, 'added-1');
      assert.ok(!('DROP' in next), 'the deleted key is gone');
      if (harness.supports.multiPair) {
        await s.put('space', 'PAIRS', { user: 'u', password: 'p-1' });
        const withPairs = await s.provider.fetch({ etag: etagOf(first), signal: signal() });
        await s.put('space', 'PAIRS', { user: 'u', password: 'p-2' });
        const rotated = secretsOf(await s.provider.fetch({ etag: etagOf(withPairs), signal: signal() }));
        assert.equal((rotated.PAIRS as Record<string, unknown>).password, 'p-2', 'a changed pair shows too');
      }
    });

    it("answers an unchanged source's ETag with 'unchanged' (or, where the provider cannot tell, the same secrets)", async () => {
      const s = await open();
      await s.put('space', 'STILL', 'still-1');
      const first = await s.provider.fetch({ signal: signal() });
      const before = secretsOf(first);
      const again = await s.provider.fetch({ etag: etagOf(first), signal: signal() });
      if (harness.supports.unchanged ?? true) assert.deepEqual(again, { status: 'unchanged' });
      else assert.deepEqual(secretsOf(again), before);
    });

    it('skips and names a key the plugin cannot accept, and keeps the others', async function () {
      if (!(harness.supports.badNames ?? true)) skipBecause(this, 'the source refuses such names itself');
      const s = await open();
      const hidden = canary('contract-bad-name-value');
      await s.put('space', 'GOOD', 'good-1');
      await s.put('space', BAD_NAME, hidden);
      const result = await s.provider.fetch({ signal: signal() });
      const snapshot = buildSnapshot(secretsOf(result));
      const skipped = [...(result.status === 'changed' ? (result.skipped ?? []) : []), ...snapshot.skipped];
      assert.ok(
        skipped.some((entry) => entry.key === BAD_NAME),
        `'${BAD_NAME}' is named as skipped: ${JSON.stringify(skipped)}`,
      );
      assert.equal(snapshot.secrets.GOOD, 'good-1');
      assert.ok(!JSON.stringify({ secrets: snapshot.secrets, skipped }).includes(hidden), 'the skipped value is nowhere');
    });

    it('fails a broken source with a coded SyncError naming no value, logs no value, and the engine keeps the last good secrets', async () => {
      const s = await open();
      const value = canary('contract-leak');
      await s.put('space', 'SECRET_KEY', value);
      if (harness.supports.multiPair) await s.put('space', 'PAIR_KEY', { password: `${value}-pair` });
      const lines: string[] = [];
      const engine = new SyncEngine({
        provider: s.provider,
        policy: { ...DEFAULT_RETRY_POLICY, retries: 0, attemptTimeoutMs: 10_000, totalTimeoutMs: BOUND_MS },
        logger: memoryLogger(lines),
        space: s.space,
      });
      assert.equal((await engine.sync('manual')).ok, true);
      assert.equal(engine.snapshot.secrets.SECRET_KEY, value);
      await s.breakSource();
      try {
        let thrown: unknown;
        try {
          await s.provider.fetch({ signal: signal() });
        } catch (err) {
          thrown = err;
        }
        assert.ok(thrown instanceof SyncError, `a SyncError, not ${String(thrown)}`);
        assert.match(thrown.code, CODE);
        for (const text of [thrown.message, thrown.code, JSON.stringify(thrown), String(thrown.stack)]) assert.ok(!text.includes(value), `no value in: ${text}`);
        const outcome = await engine.sync('manual');
        assert.equal(outcome.ok, false);
        assert.match(outcome.error?.code ?? '', CODE);
        assert.equal(engine.snapshot.secrets.SECRET_KEY, value, 'the last good secrets stay');
        assert.equal(engine.state.state, 'error');
      } finally {
        await s.heal();
      }
      await s.put('space', 'SECRET_KEY', `${value}-2`);
      assert.equal((await engine.sync('manual')).ok, true, 'healed, the next sync succeeds');
      assert.equal(engine.snapshot.secrets.SECRET_KEY, `${value}-2`);
      assert.ok(lines.length > 0);
      for (const line of lines) assert.ok(!line.includes(value), `no value logged: ${line}`);
    });

    it('waitForChange answers a change with the new secrets, and undefined after its seconds without one', async function () {
      if (!harness.supports.watch) skipBecause(this, 'the provider has no waitForChange');
      const s = await open();
      const wait = s.provider.waitForChange?.bind(s.provider);
      assert.ok(wait, 'a watching provider has waitForChange');
      await s.put('space', 'WATCHED', 'watched-1');
      const first = await s.provider.fetch({ signal: signal() });
      const version = first.status === 'changed' ? first.version : null;
      assert.equal(typeof version, 'number', 'a watching provider gives a numeric version for the watch loop to wait on');
      assert.equal(await wait(version!, 1, signal()), undefined, 'no change: undefined after the seconds');
      const waiting = wait(version!, 30, signal());
      await new Promise((done) => setTimeout(done, 200));
      await s.put('space', 'WATCHED', 'watched-2');
      const answer = await settled(waiting, BOUND_MS);
      assert.equal(answer.state, 'resolved');
      const secrets = secretsOf(answer.state === 'resolved' ? answer.value : undefined);
      assert.equal(secrets.WATCHED, 'watched-2');
    });

    it('stops on abort: a fetch with an aborted signal rejects, and an aborted waitForChange settles without an answer', async () => {
      const s = await open();
      await s.put('space', 'ABORTED', 'aborted-1');
      const aborted = await settled(s.provider.fetch({ signal: AbortSignal.abort() }), BOUND_MS);
      assert.equal(aborted.state, 'rejected');
      if (!harness.supports.watch || !s.provider.waitForChange) return;
      const first = await s.provider.fetch({ signal: signal() });
      const version = first.status === 'changed' ? first.version : null;
      const controller = new AbortController();
      const waiting = s.provider.waitForChange(version ?? 0, 30, controller.signal);
      await new Promise((done) => setTimeout(done, 200));
      controller.abort();
      const outcome = await settled(waiting, BOUND_MS);
      assert.notEqual(outcome.state, 'pending', 'the wait ends at the abort, not after its 30 s');
      if (outcome.state === 'resolved') assert.equal(outcome.value, undefined);
    });
  });
}
