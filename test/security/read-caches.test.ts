// Attacks on what the manager keeps in memory to answer fast (issue 25): a revoked token's kept record, an answer encoded before a change.
import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

const INSTANCE = 'x-secret-sync-instance';

describe('security: the read caches (issue 25)', function () {
  this.timeout(20_000);
  let m: TestManager;

  beforeEach(async () => {
    m = await startTestManager();
  });
  afterEach(async () => {
    await m.stop();
  });

  it('refuses a revoked token on its very next poll, 304 or full, fast path or long poll, though its record was kept', async () => {
    const value = canary('revoked-reader');
    await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value } });
    const created = await m.api('POST', '/v1/tokens', { body: { space: 'demo' } });
    const { id, token } = created.body as { id: string; token: string };
    const url = `${m.url}/v1/spaces/demo/secrets`;
    const headers = { [INSTANCE]: 'revoked-node; name=host; version=1.0.0' };
    const first = await request('GET', url, { token, headers });
    const etag = first.headers.get('etag') ?? '';
    // A fleet's steady state: the record and the encoded answer are kept and used.
    for (let i = 0; i < 20; i++) assert.equal((await request('GET', url, { token, headers: { ...headers, 'if-none-match': etag } })).status, 304);
    assert.equal((await m.api('DELETE', `/v1/tokens/${id}`)).status, 204);
    for (const [path, extra] of [['', { 'if-none-match': etag }], ['', {}], ['?wait=1&version=0', {}]] as const) {
      const res = await request('GET', url + path, { token, headers: { ...headers, ...extra } });
      assert.equal(res.status, 401, `GET${path} ${JSON.stringify(extra)}`);
      assert.equal(res.text.includes(value), false);
    }
  });

  it('never serves an answer encoded before a change: an organization rotation reaches every space at once', async () => {
    const before = canary('org-before');
    const after = canary('org-after');
    await m.api('POST', '/v1/org/secrets', { body: { name: 'SHARED', value: before } });
    await m.api('POST', '/v1/spaces/a/secrets', { body: { name: 'OWN', value: 'own-a-value' } });
    const tokenA = await m.readToken('a');
    const tokenB = await m.readToken('b');
    const read = async (space: string, token: string): Promise<{ etag: string; text: string }> => {
      const res = await request('GET', `${m.url}/v1/spaces/${space}/secrets`, { token });
      return { etag: res.headers.get('etag') ?? '', text: res.text };
    };
    const [a1, b1] = [await read('a', tokenA), await read('b', tokenB)];
    assert.ok(a1.text.includes(before) && b1.text.includes(before));
    await m.api('PATCH', '/v1/org/secrets/SHARED', { body: { value: after } });
    for (const [space, token, old] of [['a', tokenA, a1], ['b', tokenB, b1]] as const) {
      // The old ETag no longer matches: the poll gets the new answer, and the new answer only.
      const res = await request('GET', `${m.url}/v1/spaces/${space}/secrets`, { token, headers: { 'if-none-match': old.etag } });
      assert.equal(res.status, 200, space);
      assert.ok(res.text.includes(after), space);
      assert.equal(res.text.includes(before), false, space);
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text), `${space}: the length is the new answer's`);
    }
  });
});
