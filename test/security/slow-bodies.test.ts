// Attacks on the real manager with request bodies that never finish or are never wanted: slow usage reports and sign-ins, refused writes whose body would be drained, refused sign-ins filling the log.
import assert from 'node:assert/strict';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { SecretManagerProvider } from '../../src/providers/secret-manager-provider';
import type { FetchResult } from '../../src/providers/provider';
import { request } from '../helpers/http';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { CHUNKED_BYTE, headWithBody, pushBody, rawClient, slowBodyFlood, until } from '../helpers/sockets';
import type { RawClient } from '../helpers/sockets';

/** The plugin's own read: the provider a Node-RED instance uses. */
async function pluginRead(url: string, token: string): Promise<Record<string, unknown>> {
  const provider = new SecretManagerProvider({ url, space: 'demo', token });
  const result = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
  assert.equal(result.status, 'changed');
  return result.secrets as Record<string, unknown>;
}

/** Sockets still open that got no answer: requests whose body the manager is still waiting for. */
const waitingForBody = (clients: RawClient[]): number => clients.filter((c) => !c.closed() && c.received() === '').length;
const statusLine = (c: RawClient): string => c.received().split('\r\n')[0] ?? '';
const header = (c: RawClient, name: string): string | undefined => new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(c.received())?.[1];

/** 64 MiB: far more than the kernel buffers of a loopback connection hold, so a body the manager does not read cannot all be sent. */
const HUGE = 64 << 20;

describe('security: slow and unwanted request bodies against the manager', function () {
  this.timeout(60_000);
  let manager: TestManager | undefined;
  let value: string;
  let token: string;
  const stops: (() => void)[] = [];
  const clients: RawClient[] = [];

  async function start(options: Parameters<typeof startTestManager>[0] = {}): Promise<TestManager> {
    const m = (manager = await startTestManager(options));
    value = canary('slow-body');
    m.server.secrets.create({ kind: 'space', space: 'demo' }, { name: 'DB_PASSWORD', value, description: '' }, MANAGER_ACTOR);
    token = readToken(m);
    return m;
  }
  const readToken = (m: TestManager): string => m.server.tokens.create({ role: 'read', space: 'demo', description: 'plugin' }, MANAGER_ACTOR).token;
  const usageHead = (bearer: string, i: number, length: number | 'chunked' = 100_000): string =>
    headWithBody('PUT', `/v1/spaces/demo/instances/i-${i}/usage`, length, { Authorization: `Bearer ${bearer}` });
  const signInHead = (): string => headWithBody('POST', '/v1/session', 4_000);

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    for (const c of clients.splice(0)) c.socket.destroy();
    await manager?.stop();
    manager = undefined;
  });

  it('(a) one read token sends 30 usage reports a byte at a time: at most 8 are read at once, the others are refused 429 rate_limited with Retry-After and closed', async () => {
    const m = await start();
    // Half declare a length, half are chunked: both are bodies in flight.
    const flood = await slowBodyFlood(m.server.port, 15, { head: (i) => usageHead(token, i), everyMs: 100 });
    const chunked = await slowBodyFlood(m.server.port, 15, { head: (i) => usageHead(token, 100 + i, 'chunked'), everyMs: 100, piece: CHUNKED_BYTE });
    stops.push(flood.stop, chunked.stop);
    const all = [...flood.clients, ...chunked.clients];
    await until(() => all.filter((c) => c.closed()).length >= 22, 'the reports beyond 8 refused and closed');
    const refused = all.filter((c) => c.received() !== '');
    assert.equal(refused.length, 22);
    for (const c of refused) {
      assert.equal(statusLine(c), 'HTTP/1.1 429 Too Many Requests');
      assert.match(c.received(), /"error":"rate_limited"/);
      assert.match(header(c, 'retry-after') ?? '', /^[1-9]\d*$/);
      assert.equal(header(c, 'connection'), 'close');
    }
    assert.equal(waitingForBody(all), 8);
    assert.equal((await pluginRead(m.url, token)).DB_PASSWORD, value);
  });

  it('(a) slow usage reports of 12 read tokens, each within its bound, fill the cap of 40: a plugin read succeeds, and a long poll opened before them is woken by a change, not cut', async () => {
    const m = await start({ connections: { maxConnections: 40 } });
    const provider = new SecretManagerProvider({ url: m.url, space: 'demo', token });
    const now = (await provider.fetch({ signal: AbortSignal.timeout(10_000) })) as Extract<FetchResult, { status: 'changed' }>;
    const watch = provider.waitForChange(now.version ?? 0, 60, AbortSignal.timeout(30_000));
    const tokens = Array.from({ length: 12 }, () => readToken(m));
    const flood = await slowBodyFlood(m.server.port, 60, { head: (i) => usageHead(tokens[i % 12]!, i), everyMs: 100 });
    stops.push(flood.stop);
    await until(() => flood.clients.filter((c) => !c.closed()).length <= 39, 'the manager at its cap');
    assert.equal((await pluginRead(m.url, token)).DB_PASSWORD, value);
    const rotated = canary('rotated');
    assert.equal((await m.api('PATCH', '/v1/spaces/demo/secrets/DB_PASSWORD', { body: { value: rotated } })).status, 200);
    const woken = await watch;
    assert.equal(woken?.status, 'changed');
    assert.equal((woken.secrets as Record<string, unknown>).DB_PASSWORD, rotated);
  });

  it('slow sign-ins (the one body read without a token) from one address: at most 8 are read at once, the others are refused 429 rate_limited and closed', async () => {
    const m = await start();
    const flood = await slowBodyFlood(m.server.port, 30, { head: signInHead, everyMs: 100 });
    stops.push(flood.stop);
    await until(() => flood.clients.filter((c) => c.closed()).length >= 22, 'the sign-ins beyond 8 refused and closed');
    for (const c of flood.clients.filter((c) => c.received() !== '')) {
      assert.equal(statusLine(c), 'HTTP/1.1 429 Too Many Requests');
      assert.match(header(c, 'retry-after') ?? '', /^[1-9]\d*$/);
    }
    assert.equal(waitingForBody(flood.clients), 8);
    // The refusals are one warning with a count, and their access lines are at debug: a flood of them does not flood the log.
    const logs = m.logs.join('\n');
    assert.match(logs, /warn: refused \d+ request\(s\) with a body beyond 8 on their way from this address/);
    assert.doesNotMatch(logs, /info: POST \/v1\/session 429/);
    assert.match(logs, /debug: POST \/v1\/session 429/);
  });

  it('slow sign-ins from 60 addresses, one each, fill the cap of 40: a plugin read succeeds', async () => {
    const m = await start({ connections: { maxConnections: 40 } });
    const flood = await slowBodyFlood(m.server.port, 60, { head: signInHead, everyMs: 100, localAddress: (i) => `127.0.1.${i + 1}` });
    stops.push(flood.stop);
    await until(() => flood.clients.filter((c) => !c.closed()).length <= 40, 'the manager at its cap');
    assert.equal((await pluginRead(m.url, token)).DB_PASSWORD, value);
  });

  describe('an answer given before the body is read closes the connection: the manager does not drain a body it refused', () => {
    const cases: { name: string; status: string; error: string; chunked?: true; head: (m: TestManager) => string | Promise<string> }[] = [
      {
        name: '(b) a viewer token writing a secret: 403',
        status: '403 Forbidden',
        error: 'forbidden',
        head: (m) => {
          const viewer = m.server.tokens.create({ role: 'viewer', space: null, description: 'viewer' }, MANAGER_ACTOR).token;
          return headWithBody('POST', '/v1/spaces/demo/secrets', HUGE, { Authorization: `Bearer ${viewer}` });
        },
      },
      {
        name: '(b) a read token writing a secret of its own space: 403',
        status: '403 Forbidden',
        error: 'forbidden',
        chunked: true,
        head: () => headWithBody('POST', '/v1/spaces/demo/secrets', 'chunked', { Authorization: `Bearer ${token}` }),
      },
      { name: '(c) no token: 401', status: '401 Unauthorized', error: 'unauthorized', head: () => headWithBody('POST', '/v1/spaces/demo/secrets', HUGE) },
      {
        name: '(c) a wrong token: 401',
        status: '401 Unauthorized',
        error: 'unauthorized',
        head: () => headWithBody('POST', '/v1/spaces/demo/secrets', HUGE, { Authorization: `Bearer wrong-${canary()}` }),
      },
      {
        name: '(c) a wrong token from an address over its budget: 429',
        status: '429 Too Many Requests',
        error: 'rate_limited',
        head: async (m) => {
          // The budget here is one wrong token: the first guess is 401, the second 429.
          for (const expected of [401, 429]) assert.equal((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: `wrong-${canary()}` })).status, expected);
          return headWithBody('PUT', '/v1/spaces/demo/instances/i-1/usage', HUGE, { Authorization: `Bearer wrong-${canary()}` });
        },
      },
      {
        name: '(a) a read token declaring a usage report over 160 KiB: 413 at once',
        status: '413 Payload Too Large',
        error: 'payload_too_large',
        head: () => usageHead(token, 1, HUGE),
      },
      { name: 'no token, a body on a path with no route: 404', status: '404 Not Found', error: 'not_found', head: () => headWithBody('POST', '/healthz', HUGE) },
    ];
    for (const { name, status, error, chunked, head } of cases) {
      it(name, async () => {
        const m = await start({ limits: { auth: { failuresPerAddress: 1, signInsPerToken: 10, windowSeconds: 60 } } });
        const client = rawClient(m.server.port);
        clients.push(client);
        await client.connected;
        client.socket.write(await head(m));
        const written = await pushBody(client, HUGE, chunked);
        await until(() => client.closed() || written === HUGE, 'the manager to close the connection or take the whole body');
        assert.ok(written < HUGE, `the manager took the whole ${HUGE}-byte body it had refused`);
        await until(() => client.closed(), 'the manager to close the connection');
        assert.equal(statusLine(client), `HTTP/1.1 ${status}`);
        assert.match(client.received(), new RegExp(`"error":"${error}"`));
        assert.equal(header(client, 'connection'), 'close');
      });
    }
  });

  it('a flood of sign-ins with a valid viewer token: the refused ones (429) are logged at debug, so the log gets no line per attempt', async () => {
    const m = await start();
    const viewer = m.server.tokens.create({ role: 'viewer', space: null, description: 'viewer' }, MANAGER_ACTOR).token;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await request('POST', `${m.url}/v1/session`, { body: { token: viewer } })).status);
    assert.equal(statuses.filter((s) => s === 429).length, 90);
    const info = m.logs.filter((line) => line.includes('info: POST /v1/session'));
    assert.equal(info.length, 10, 'one info line per sign-in, none per refusal');
  });

    it('a body must arrive within the request time limit, while a long poll, which has no body, outlives it', async () => {
    const m = await start({ connections: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 } });
    const version = ((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token })).body as { version: number }).version;
    const poll = request('GET', `${m.url}/v1/spaces/demo/secrets?wait=3&version=${version}`, { token });
    const slow = await slowBodyFlood(m.server.port, 1, { head: () => headWithBody('POST', '/v1/spaces/demo/secrets', 1_000, { Authorization: `Bearer ${m.adminToken}` }), everyMs: 100 });
    stops.push(slow.stop);
    const [dripper] = slow.clients;
    await until(() => dripper!.closed(), 'the slow body cut at the time limit');
    assert.equal(statusLine(dripper!), 'HTTP/1.1 408 Request Timeout');
    assert.equal((await poll).status, 304);
  });
});
