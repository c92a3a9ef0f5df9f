// Tests for src/manager/lib/http/bodies-in-flight.ts over real HTTP: a token's bodies on their way are bounded, released when they arrive or their connection ends.
import assert from 'node:assert/strict';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { request } from '../../helpers/http';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { headWithBody, rawClient, until } from '../../helpers/sockets';
import type { RawClient } from '../../helpers/sockets';

describe('manager/http/bodies-in-flight', () => {
  let m: TestManager;
  const clients: RawClient[] = [];
  beforeEach(async () => {
    m = await startTestManager({ limits: { bodiesPerClient: 2 }, connections: { requestTimeoutMs: 4_000 } });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await m.stop();
  });

  const token = (): string => m.server.tokens.create({ role: 'read', space: 'demo', description: 'plugin' }, MANAGER_ACTOR).token;
  const body = JSON.stringify({ keys: [] });
  /** A usage report whose head and first byte are sent; the rest of its body is `rest`. */
  const started = async (bearer: string): Promise<RawClient> => {
    const client = rawClient(m.server.port);
    clients.push(client);
    await client.connected;
    client.socket.write(`${headWithBody('PUT', '/v1/spaces/demo/instances/i-1/usage', body.length, { Authorization: `Bearer ${bearer}` })}${body.slice(0, 1)}`);
    return client;
  };
  const rest = body.slice(1);
  const report = (bearer: string): Promise<number> =>
    request('PUT', `${m.url}/v1/spaces/demo/instances/i-1/usage`, { token: bearer, body: { keys: [] } }).then((res) => res.status);
  /**
   * Sends reports until one is answered `status`, at most 50 (the raw sockets' heads and closes reach the
   * manager on their own connections, so a report may overtake them); returns the last answer.
   */
  const reportUntil = async (bearer: string, status: number): Promise<number> => {
    let last = 0;
    for (let i = 0; i < 50 && last !== status; i++) {
      last = await report(bearer);
      if (last !== status) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return last;
  };

  it("refuses a token's body beyond its bound with 429 and Retry-After (the time a body may take), and never another token's or a read", async () => {
    const hog = token();
    await started(hog);
    await started(hog);
    // Both heads are in: the third body of the token is refused before it is read.
    assert.equal(await reportUntil(hog, 429), 429);
    const refused = await request('PUT', `${m.url}/v1/spaces/demo/instances/i-1/usage`, { token: hog, body: { keys: [] } });
    assert.equal(refused.status, 429);
    assert.equal((refused.body as { error: string }).error, 'rate_limited');
    assert.equal(refused.headers.get('retry-after'), '4');
    assert.match((refused.body as { message: string }).message, /this token/);
    // Another token of the same space, and the token's reads, are not refused.
    assert.equal(await report(token()), 404, 'instance_not_found: its body was read');
    assert.equal((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: hog })).status, 200);
  });

  it('counts a body until it has arrived or its connection ends', async () => {
    const hog = token();
    const first = await started(hog);
    const second = await started(hog);
    assert.equal(await reportUntil(hog, 429), 429);
    first.socket.write(rest);
    await until(() => first.received().startsWith('HTTP/1.1 404'), 'the first report read and answered');
    assert.equal(await report(hog), 404, 'room again once a body has arrived');
    const third = await started(hog);
    assert.equal(await reportUntil(hog, 429), 429);
    second.socket.destroy();
    third.socket.destroy();
    // Once the manager sees the two connections end, there is room for bodies again.
    assert.equal(await reportUntil(hog, 404), 404);
  });
});
