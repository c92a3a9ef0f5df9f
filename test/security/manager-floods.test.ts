// Attacks on the real manager's connections and long polls: silent and dripping sockets, a flood under a low open-file limit, one token's long-poll flood.
import assert from 'node:assert/strict';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { SecretManagerProvider } from '../../src/providers/secret-manager-provider';
import type { FetchResult } from '../../src/providers/provider';
import { SyncError } from '../../src/shared/sync-error';
import { createTestPki } from '../helpers/certs';
import { startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { request } from '../helpers/http';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { dripFlood, silentFlood, until } from '../helpers/sockets';
import type { RawClient } from '../helpers/sockets';

/** The plugin's own read: the provider a Node-RED instance uses. */
async function pluginRead(url: string, token: string, caFile?: string): Promise<Record<string, unknown>> {
  const provider = new SecretManagerProvider({ url, space: 'demo', token, caFile });
  const result = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
  assert.equal(result.status, 'changed');
  return result.secrets as Record<string, unknown>;
}

const stillOpen = (clients: RawClient[]): number => clients.filter((c) => !c.closed()).length;

describe('security: floods against the manager', function () {
  this.timeout(60_000);
  let manager: TestManager | undefined;
  let value: string;
  let token: string;
  const flood: RawClient[] = [];

  async function start(options: Parameters<typeof startTestManager>[0]): Promise<TestManager> {
    const m = (manager = await startTestManager(options));
    value = canary('flood');
    // Through the stores: the same over HTTP and HTTPS (whose test CA the admin client does not know).
    m.server.secrets.create({ kind: 'space', space: 'demo' }, { name: 'DB_PASSWORD', value, description: '' }, MANAGER_ACTOR);
    token = m.server.tokens.create({ role: 'read', space: 'demo', description: 'plugin' }, MANAGER_ACTOR).token;
    return m;
  }

  afterEach(async () => {
    for (const c of flood.splice(0)) c.socket.destroy();
    await manager?.stop();
    manager = undefined;
  });

  it('300 silent sockets: the manager keeps its cap of 40 open, and a plugin read still succeeds', async () => {
    const m = await start({ connections: { maxConnections: 40 } });
    flood.push(...(await silentFlood(m.server.port, 300)));
    await until(() => stillOpen(flood) <= 40, 'the manager to hold no more than its cap');
    assert.equal((await pluginRead(m.url, token)).DB_PASSWORD, value);
    assert.ok(stillOpen(flood) <= 40);
    assert.match(m.logs.join('\n'), /connection limit \(40\) reached/);
  });

  it('silent sockets are closed once the request-head timeout passes, not after 90 s', async () => {
    const m = await start({ connections: { headersTimeoutMs: 300 } });
    flood.push(...(await silentFlood(m.server.port, 100)));
    await until(() => stillOpen(flood) === 0, 'every silent socket closed', 15_000);
  });

  it('header-dripping sockets are closed at the request-head timeout, and a read succeeds while they fill the cap', async () => {
    const m = await start({ connections: { maxConnections: 40, headersTimeoutMs: 1_000 } });
    const drip = await dripFlood(m.server.port, 100, 50);
    flood.push(...drip.clients);
    try {
      assert.equal((await pluginRead(m.url, token)).DB_PASSWORD, value);
      await until(() => stillOpen(drip.clients) === 0, 'every dripping socket closed', 15_000);
    } finally {
      drip.stop();
    }
  });

  it('over HTTPS, 200 sockets that never start their handshake: the cap holds and a plugin read succeeds', async () => {
    const pki = createTestPki();
    const m = await start({ tls: { certFile: pki.good.cert, keyFile: pki.good.key }, connections: { maxConnections: 30 } });
    flood.push(...(await silentFlood(m.server.port, 200)));
    await until(() => stillOpen(flood) <= 30, 'the manager to hold no more than its cap');
    assert.equal((await pluginRead(m.url, token, pki.caFile)).DB_PASSWORD, value);
  });

  describe('under a low open-file limit (a manager process with ulimit -n 256)', () => {
    let serve: ServeProcess | undefined;
    afterEach(async () => {
      serve?.child.kill('SIGKILL');
      await serve?.exited;
      serve = undefined;
    });

    it('400 silent sockets do not exhaust its files: with the cap below the limit, a plugin read succeeds', async () => {
      const admin = `admin-${canary()}`;
      serve = await startServe(tempDir(), { SECRET_MANAGER_ADMIN_TOKEN: admin, SECRET_MANAGER_MAX_CONNECTIONS: '200' }, 256);
      const secret = canary('fd');
      await request('POST', `${serve.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'DB_PASSWORD', value: secret } });
      const read = ((await request('POST', `${serve.url}/v1/tokens`, { token: admin, body: { space: 'demo' } })).body as { token: string }).token;
      flood.push(...(await silentFlood(Number(new URL(serve.url).port), 400)));
      assert.equal((await pluginRead(serve.url, read)).DB_PASSWORD, secret);
      assert.equal(serve.child.exitCode, null, 'the manager is still running');
    });
  });

  describe("one token's long-poll flood", () => {
    const polls: AbortController[] = [];
    afterEach(() => polls.splice(0).forEach((p) => p.abort()));

    it("holds every free slot but cannot keep another space's watch out: that poll gets a slot and is woken by a change", async () => {
      // 20 slots: a token keeps 2 and a space 5 when all are taken.
      const m = await start({ limits: { maxWaiters: 20 } });
      const hog = await m.readToken('hog');
      const answers: { status: number; error?: string; retryAfter: string | null }[] = [];
      const poll = (): void => {
        const abort = new AbortController();
        polls.push(abort);
        request('GET', `${m.url}/v1/spaces/hog/secrets?wait=60&version=0`, { token: hog, signal: abort.signal }).then(
          (res) => answers.push({ status: res.status, error: (res.body as { error?: string } | undefined)?.error, retryAfter: res.headers.get('retry-after') }),
          () => undefined,
        );
      };
      for (let i = 0; i < 30; i++) poll();
      await until(() => answers.length === 10, 'the polls beyond the 20 slots refused');
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.error} ${a.retryAfter}`)), new Set(['429 too_many_waiters_for_token 30']));

      // Space demo's plugin watches: its long poll takes the hog's longest-waiting slot.
      const provider = new SecretManagerProvider({ url: m.url, space: 'demo', token });
      const demo = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
      const version = (demo as Extract<FetchResult, { status: 'changed' }>).version ?? 0;
      const watch = provider.waitForChange(version, 60, AbortSignal.timeout(30_000));
      await until(() => answers.length === 11, "one of the hog's polls to give way");
      // While the slots are full, what the hog's plugin sees when its long poll is refused: a retryable rate limit that names the wait.
      const refused = await new SecretManagerProvider({ url: m.url, space: 'hog', token: hog }).waitForChange(0, 60, AbortSignal.timeout(10_000)).catch((err: unknown) => err);
      assert.ok(refused instanceof SyncError);
      assert.deepEqual([refused.code, refused.httpStatus, refused.retryable, refused.retryAfterMs], ['rate_limited', 429, true, 30_000]);
      const rotated = canary('rotated');
      await m.api('PATCH', '/v1/spaces/demo/secrets/DB_PASSWORD', { body: { value: rotated } });
      const woken = await watch;
      assert.equal(woken?.status, 'changed');
      assert.equal((woken.secrets as Record<string, unknown>).DB_PASSWORD, rotated);
    });
  });
});
