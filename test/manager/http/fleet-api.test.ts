// The fleet, the viewer role and the audit trail over real HTTP: instances seen on reads, usage reports, in-use deletes, who did what.
import assert from 'node:assert/strict';
import { request } from '../../helpers/http';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

describe('manager/http fleet, viewer and audit', () => {
  let m: TestManager;
  let readToken: string;
  let viewerToken: string;
  const value = canary('fleet-value');
  const space = '/v1/spaces/demo/secrets';
  const read = (headers: Record<string, string> = {}): ReturnType<typeof request> => request('GET', m.url + space, { token: readToken, headers });

  before(async () => {
    m = await startTestManager();
    assert.equal((await m.api('POST', space, { body: { name: 'API_TOKEN', value, description: 'for the fleet test' } })).status, 201);
    assert.equal((await m.api('POST', '/v1/org/secrets', { body: { name: 'SHARED', value: canary('org-value') } })).status, 201);
    readToken = await m.readToken('demo');
    const viewer = await m.api('POST', '/v1/tokens', { body: { role: 'viewer', description: 'ops dashboard' } });
    assert.equal(viewer.status, 201, viewer.text);
    viewerToken = (viewer.body as { token: string }).token;
  });

  after(async () => m.stop());

  it('records an instance on every read that names itself, with the version it got', async () => {
    const first = await read({ 'x-secret-sync-instance': 'inst-1; name=line%203%20pi; version=1.2.3' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-secret-sync-usage-wanted'), '1', 'a new instance is asked for its usage');
    assert.equal((await read()).status, 200, 'a read without the header is served all the same');
    const list = await request('GET', `${m.url}/v1/spaces/demo/instances`, { token: viewerToken });
    assert.equal(list.status, 200);
    const body = list.body as { version: number; instances: { id: string; name: string; version: string; syncedVersion: number }[] };
    assert.deepEqual(
      body.instances.map(({ id, name, version, syncedVersion }) => ({ id, name, version, syncedVersion })),
      [{ id: 'inst-1', name: 'line 3 pi', version: '1.2.3', syncedVersion: body.version }],
    );
  });

  it('takes usage reports from the space read token only, with names and counts', async () => {
    const put = (token: string, body: unknown): ReturnType<typeof request> => request('PUT', `${m.url}/v1/spaces/demo/instances/inst-1/usage`, { token, body });
    assert.equal((await put(readToken, { keys: [{ key: 'API_TOKEN', nodes: 3 }, { key: 'SHARED', nodes: 1 }] })).status, 204);
    const after = await read({ 'x-secret-sync-instance': 'inst-1; name=line%203%20pi; version=1.2.3' });
    assert.equal(after.headers.get('x-secret-sync-usage-wanted'), null, 'not once it has reported');
    const etag = after.headers.get('etag') ?? '';
    const poll = await read({ 'x-secret-sync-instance': 'inst-2; name=new; version=1.2.3', 'if-none-match': etag });
    assert.deepEqual([poll.status, poll.headers.get('x-secret-sync-usage-wanted')], [304, '1'], 'a 304 asks too');
    assert.equal((await put(await m.readToken('other'), { keys: [] })).status, 403);
    assert.equal((await put(viewerToken, { keys: [] })).status, 403);
    assert.equal((await put(readToken, { keys: [{ key: 'bad name', nodes: 1 }] })).status, 400);
    assert.equal((await put(readToken, { keys: [{ key: 'A', nodes: -1 }] })).status, 400);
    const unknown = await request('PUT', `${m.url}/v1/spaces/demo/instances/never-seen/usage`, { token: readToken, body: { keys: [] } });
    assert.equal((unknown.body as { error: string }).error, 'instance_not_found');
    const list = (await request('GET', `${m.url}/v1/spaces/demo/instances`, { token: viewerToken })).body as { instances: { id: string; usage: unknown }[] };
    assert.deepEqual(list.instances.find((i) => i.id === 'inst-1')?.usage, [{ key: 'API_TOKEN', nodes: 3 }, { key: 'SHARED', nodes: 1 }]);
    const orgUsage = async (): Promise<unknown> => ((await request('GET', `${m.url}/v1/org/secrets/meta`, { token: viewerToken })).body as { usage: unknown }).usage;
    assert.deepEqual(await orgUsage(), { SHARED: { nodes: 1, instances: 1 } }, 'the organization tab shows where its keys are used');
    assert.equal((await m.api('POST', space, { body: { name: 'SHARED', value: canary('hiding-value') } })).status, 201);
    assert.deepEqual(await orgUsage(), {}, 'a space key of the same name hides the organization key there');
    assert.equal((await m.api('DELETE', `${space}/SHARED?force=true`)).status, 204);
  });

  it('bounds usage reports: counts, keys named twice, how many keys, body size; keys the space does not have are dropped and named', async () => {
    const put = (body: unknown): ReturnType<typeof request> => request('PUT', `${m.url}/v1/spaces/demo/instances/inst-1/usage`, { token: readToken, body });
    for (const nodes of [100_001, Number.MAX_SAFE_INTEGER, 2.5, '3']) {
      const res = await put({ keys: [{ key: 'API_TOKEN', nodes }] });
      assert.deepEqual([res.status, (res.body as { error: string }).error], [400, 'invalid_body'], `nodes ${String(nodes)}`);
    }
    assert.equal((await put({ keys: [{ key: 'API_TOKEN', nodes: 1 }, { key: 'API_TOKEN', nodes: 2 }] })).status, 400, 'a key named twice');
    assert.equal((await put({ keys: Array.from({ length: 1001 }, (_, i) => ({ key: `K${i}`, nodes: 1 })) })).status, 400, 'over 1,000 keys');
    const big = await put({ keys: Array.from({ length: 1000 }, (_, i) => ({ key: `K${i}`.padEnd(200, 'x').slice(0, 128), nodes: 1, pad: 'y'.repeat(50) })) });
    assert.deepEqual([big.status, (big.body as { error: string }).error], [413, 'payload_too_large'], 'over 160 KiB');
    const many = await put({ keys: [{ key: 'API_TOKEN', nodes: 3 }, { key: 'SHARED', nodes: 1 }, ...Array.from({ length: 20 }, (_, i) => ({ key: `GONE_${i}`, nodes: 1 }))] });
    assert.equal(many.status, 204);
    assert.equal(many.headers.get('x-secret-sync-usage-dropped'), `${Array.from({ length: 16 }, (_, i) => `GONE_${i}`).join(', ')}, +4 more`);
    const list = (await request('GET', `${m.url}/v1/spaces/demo/instances`, { token: viewerToken })).body as { instances: { id: string; usage: unknown }[] };
    assert.deepEqual(list.instances.find((i) => i.id === 'inst-1')?.usage, [{ key: 'API_TOKEN', nodes: 3 }, { key: 'SHARED', nodes: 1 }]);
  });

  it('pages the fleet list and sums usage per key in the space meta (admins and viewers; not a read token)', async () => {
    for (const id of ['page-a', 'page-b', 'page-c']) assert.equal((await read({ 'x-secret-sync-instance': `${id}; name=${id}` })).status, 200);
    const page = async (query: string): Promise<{ instances: { id: string }[]; next: string | null; total: number; current: number; version: number }> => {
      const res = await request('GET', `${m.url}/v1/spaces/demo/instances${query}`, { token: viewerToken });
      assert.equal(res.status, 200, res.text);
      return res.body as Awaited<ReturnType<typeof page>>;
    };
    const first = await page('?limit=2');
    assert.deepEqual(first.instances.map((i) => i.id), ['inst-1', 'inst-2']);
    assert.equal(first.next, 'inst-2');
    assert.deepEqual([first.total, first.current], [5, 3], 'inst-1 and inst-2 last read an older version');
    const rest = await page(`?limit=2&cursor=${first.next}`);
    assert.deepEqual(rest.instances.map((i) => i.id), ['page-a', 'page-b']);
    const last = await page(`?limit=2&cursor=${rest.next ?? ''}`);
    assert.deepEqual([last.instances.map((i) => i.id), last.next], [['page-c'], null]);
    for (const query of ['?limit=0', '?limit=501', '?limit=x', '?cursor=a%2Fb', '?cursor=']) {
      const res = await request('GET', `${m.url}/v1/spaces/demo/instances${query}`, { token: viewerToken });
      assert.deepEqual([res.status, (res.body as { error: string }).error], [400, 'invalid_query'], query);
    }
    const meta = async (token: string): Promise<{ usage?: unknown }> => (await request('GET', `${m.url}${space}/meta`, { token })).body as { usage?: unknown };
    assert.deepEqual((await meta(viewerToken)).usage, { API_TOKEN: { nodes: 3, instances: 1 } });
    assert.equal((await meta(readToken)).usage, undefined, 'a read token sees no fleet');
  });

  it('refuses to delete a key deployed flows use (409 secret_in_use, with who), unless forced', async () => {
    const refused = await m.api('DELETE', `${space}/API_TOKEN`);
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, {
      error: 'secret_in_use',
      message: "'API_TOKEN' is used by 3 nodes in 1 instance; delete with ?force=true to go ahead",
      details: { nodes: 3, instanceCount: 1, instances: [{ space: 'demo', id: 'inst-1', name: 'line 3 pi', nodes: 3 }] },
    });
    const org = await m.api('DELETE', '/v1/org/secrets/SHARED');
    assert.equal((org.body as { error: string }).error, 'secret_in_use', 'an organization key in use in a space');
    assert.equal((await m.api('DELETE', `${space}/API_TOKEN?force=true`)).status, 204);
    assert.equal((await m.api('DELETE', '/v1/org/secrets/SHARED?force=true')).status, 204);
  });

  it('lets a viewer see names, descriptions, dates, instances and the audit trail, and nothing more', async () => {
    await m.api('POST', space, { body: { name: 'VISIBLE', value: canary('viewer-value') } });
    const meta = await request('GET', `${m.url}${space}/meta`, { token: viewerToken });
    assert.equal(meta.status, 200);
    assert.deepEqual((meta.body as { secrets: { name: string }[] }).secrets.map((s) => s.name), ['VISIBLE']);
    assert.equal((await request('GET', `${m.url}/v1/org/secrets/meta`, { token: viewerToken })).status, 200);
    assert.equal((await request('GET', m.url + space, { token: viewerToken })).status, 403, 'no values');
    assert.equal((await request('POST', m.url + space, { token: viewerToken, body: { name: 'X', value: 'y' } })).status, 403);
    assert.equal((await request('DELETE', `${m.url}${space}/VISIBLE`, { token: viewerToken })).status, 403);
    assert.equal((await request('GET', `${m.url}/v1/tokens`, { token: viewerToken })).status, 403);
    assert.equal((await request('GET', `${m.url}/v1/spaces/demo/instances`, { token: readToken })).status, 403, 'a read token sees no fleet');
  });

  it('keeps an audit trail of every change to a secret or a token: who, what, when, from where; never a value', async () => {
    const created = await m.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'line 4' } });
    const id = (created.body as { id: string }).id;
    await m.api('DELETE', `/v1/tokens/${id}`);
    await m.api('PATCH', `${space}/VISIBLE`, { body: { description: 'changed' } });
    const audit = await request('GET', `${m.url}/v1/audit`, { token: viewerToken });
    assert.equal(audit.status, 200);
    const entries = (audit.body as { entries: { action: string; scope: string | null; target: string | null; actor: string; ip: string | null; at: string }[] }).entries;
    const summary = entries.map((e) => `${e.action} ${e.scope ?? '-'} ${e.target ?? '-'}`);
    assert.deepEqual(summary.slice(0, 6), [
      'secret.update demo VISIBLE',
      `token.revoke - ${id}`,
      `token.create demo ${id}`,
      'secret.create demo VISIBLE',
      'secret.delete org SHARED',
      'secret.delete demo API_TOKEN',
    ]);
    assert.ok(summary.includes('secret.create org SHARED') && summary.includes('secret.create demo API_TOKEN'));
    assert.equal(entries.find((e) => e.action === 'secret.update')?.actor, 'from SECRET_MANAGER_ADMIN_TOKEN', 'the actor is the token description');
    // Requests carry their address; the manager itself registered the configured admin token, first of all.
    assert.ok(entries.every((e) => e.actor.length > 0 && e.at.endsWith('Z') && (e.ip !== null || e.actor === 'secret-manager')));
    assert.deepEqual([entries.at(-1)?.action, entries.at(-1)?.actor, entries.at(-1)?.ip], ['token.create', 'secret-manager', null]);
    for (const secret of [value]) assert.ok(!audit.text.includes(secret));
  });

  it('answers 404 for deleting a key that is not there, even if flows once used a key of that name', async () => {
    const res = await m.api('DELETE', `${space}/API_TOKEN`);
    assert.equal(res.status, 404);
    assert.equal((res.body as { error: string }).error, 'secret_not_found');
  });

  it('forgets a decommissioned instance (admin only, audited); its usage no longer blocks a delete', async () => {
    await m.api('POST', space, { body: { name: 'GONE_WITH_IT', value: canary('forget-value') } });
    assert.equal((await read({ 'x-secret-sync-instance': 'inst-old; name=old%20box; version=1.0.0' })).status, 200);
    assert.equal((await request('PUT', `${m.url}/v1/spaces/demo/instances/inst-old/usage`, { token: readToken, body: { keys: [{ key: 'GONE_WITH_IT', nodes: 1 }] } })).status, 204);
    assert.equal((await m.api('DELETE', `${space}/GONE_WITH_IT`)).status, 409);
    assert.equal((await request('DELETE', `${m.url}/v1/spaces/demo/instances/inst-old`, { token: viewerToken })).status, 403);
    assert.equal((await request('DELETE', `${m.url}/v1/spaces/demo/instances/inst-old`, { token: readToken })).status, 403);
    assert.equal((await m.api('DELETE', '/v1/spaces/demo/instances/inst-old')).status, 204);
    const again = await m.api('DELETE', '/v1/spaces/demo/instances/inst-old');
    assert.equal((again.body as { error: string }).error, 'instance_not_found');
    const list = (await request('GET', `${m.url}/v1/spaces/demo/instances`, { token: viewerToken })).body as { instances: { id: string }[] };
    assert.ok(!list.instances.some((i) => i.id === 'inst-old'));
    assert.equal((await m.api('DELETE', `${space}/GONE_WITH_IT`)).status, 204);
    const audit = (await request('GET', `${m.url}/v1/audit`, { token: viewerToken })).body as { entries: { action: string; scope: string; target: string }[] };
    assert.ok(audit.entries.some((e) => e.action === 'instance.forget' && e.scope === 'demo' && e.target === 'inst-old'));
  });

  it('shows when each token was last used', async () => {
    const tokens = (await m.api('GET', '/v1/tokens')).body as { tokens: { description: string; lastUsedAt: string | null }[] };
    const used = tokens.tokens.find((t) => t.description === 'ops dashboard')?.lastUsedAt;
    assert.match(used ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
