// The manager answers reads from memory; these check that memory never serves a stale answer, a stale version or a revoked token.
import assert from 'node:assert/strict';
import { request } from '../../helpers/http';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

interface Answer {
  version: number;
  secrets: Record<string, unknown>;
}

describe('manager/http reads served from memory', () => {
  let m: TestManager;
  let token: string;
  const read = async (space = 'demo'): Promise<Answer & { etag: string | null }> => {
    const res = await request('GET', `${m.url}/v1/spaces/${space}/secrets`, { token: space === 'demo' ? token : await m.readToken(space) });
    assert.equal(res.status, 200);
    return { ...(res.body as Answer), etag: res.headers.get('etag') };
  };

  before(async () => {
    m = await startTestManager();
    await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: canary('first') } });
    token = await m.readToken('demo');
  });
  after(async () => m.stop());

  it('shows a write at once: new value, new version, new ETag', async () => {
    const before = await read();
    const next = canary('second');
    assert.equal((await m.api('PATCH', '/v1/spaces/demo/secrets/A', { body: { value: next } })).status, 200);
    const after = await read();
    assert.equal(after.secrets.A, next);
    assert.equal(after.version, before.version + 1);
    assert.notEqual(after.etag, before.etag);
    const conditional = await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token, headers: { 'if-none-match': after.etag ?? '' } });
    assert.equal(conditional.status, 304);
  });

  it('keeps the answer of a write that failed (rolled back)', async () => {
    const before = await read();
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: 'duplicate' } })).status, 409);
    assert.deepEqual(await read(), before);
  });

  it('moves every space on an organization change, and only the space on a space change', async () => {
    await m.api('POST', '/v1/spaces/other/secrets', { body: { name: 'B', value: 'b-value-1' } });
    const [demo, other] = [await read(), await read('other')];
    await m.api('POST', '/v1/org/secrets', { body: { name: 'ORG', value: 'org-value-1' } });
    const [demo2, other2] = [await read(), await read('other')];
    assert.equal(demo2.secrets.ORG, 'org-value-1');
    assert.equal(other2.secrets.ORG, 'org-value-1');
    assert.ok(demo2.version > demo.version && other2.version > other.version);
    await m.api('PATCH', '/v1/spaces/other/secrets/B', { body: { value: 'b-value-2' } });
    assert.equal((await read()).version, demo2.version, 'demo did not move');
  });

  it('refuses a revoked token on the very next request', async () => {
    const created = await m.api('POST', '/v1/tokens', { body: { space: 'demo' } });
    const { id, token: fresh } = created.body as { id: string; token: string };
    assert.equal((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: fresh })).status, 200);
    assert.equal((await m.api('DELETE', `/v1/tokens/${id}`)).status, 204);
    assert.equal((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: fresh })).status, 401);
  });
});
