// Attack suite, issue 19 item 1: a read token poisons the fleet view (made-up instance ids, oversized or lying usage reports) of the real manager.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flood } from '../helpers/flood';
import { request } from '../helpers/http';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

interface ListedInstance {
  id: string;
  usage: { key: string; nodes: number }[];
}

const INSTANCE_HEADER = 'x-secret-sync-instance';

/** Issues a read token of `space`: the token and its id. */
async function readToken(m: TestManager, space: string): Promise<{ token: string; id: string }> {
  const res = await m.api('POST', '/v1/tokens', { body: { space, description: `reader of ${space}` } });
  assert.equal(res.status, 201, res.text);
  return res.body as { token: string; id: string };
}

/** Every instance of `space` the fleet list answers, page after page (at most `maxPages`), with the size of the largest page. */
async function listAll(m: TestManager, space: string, maxPages = 200): Promise<{ instances: ListedInstance[]; pages: number; largest: number }> {
  const instances: ListedInstance[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let largest = 0;
  do {
    const res = await m.api('GET', `/v1/spaces/${space}/instances${cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`}`);
    assert.equal(res.status, 200, `page ${pages + 1}: ${res.text.slice(0, 200)}`);
    largest = Math.max(largest, Buffer.byteLength(res.text));
    const body = res.body as { instances: ListedInstance[]; next?: string | null };
    instances.push(...body.instances);
    cursor = body.next ?? null;
    pages++;
  } while (cursor !== null && pages < maxPages);
  assert.equal(cursor, null, `the list ends within ${maxPages} pages`);
  return { instances, pages, largest };
}

/** A read of `space` naming instance `id`. */
function readAs(m: TestManager, token: string, space: string, id: string): ReturnType<typeof request> {
  return request('GET', `${m.url}/v1/spaces/${space}/secrets`, { token, headers: { [INSTANCE_HEADER]: `${id}; name=${id}; version=6.6.6` } });
}

/** `count` usage reports for instances `${prefix}${i}`, each with the body `body(i)`, over keep-alive connections. */
function reportFlood(m: TestManager, token: string, space: string, prefix: string, count: number, body: (i: number) => unknown): Promise<Map<number, number>> {
  return flood(m.url, count, (i) => ({
    method: 'PUT',
    path: `/v1/spaces/${space}/instances/${prefix}${i}/usage`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body(i)),
  }));
}

/** `count` reads of `space`, instance `${prefix}${i}` each, over keep-alive connections. */
function readFlood(m: TestManager, token: string, space: string, prefix: string, count: number): Promise<Map<number, number>> {
  return flood(m.url, count, (i) => ({
    method: 'GET',
    path: `/v1/spaces/${space}/secrets`,
    headers: { authorization: `Bearer ${token}`, [INSTANCE_HEADER]: `${prefix}${i}; name=fake; version=6.6.6` },
  }));
}

/** `count` made-up key names of 128 characters. */
function longKeys(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, i) => `${label}_${i}_`.padEnd(128, 'x'));
}

describe('security: fleet poisoning with a read token', function () {
  this.timeout(60_000);
  let m: TestManager;

  afterEach(async () => m?.stop());

  it('(a) one read token floods 12,000 made-up instance ids: every read is served, the token is logged once by id, and a real instance with another token is recorded and listed', async () => {
    m = await startTestManager();
    const value = canary('fleet-flood');
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value } })).status, 201);
    const flooder = await readToken(m, 'demo');
    const real = await readToken(m, 'demo');
    const statuses = await readFlood(m, flooder.token, 'demo', 'fake-', 12_000);
    assert.deepEqual([...statuses], [[200, 12_000]], 'never fail a read, recorded or not');
    const first = await readAs(m, real.token, 'demo', 'real-line-1');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-secret-sync-usage-wanted'), '1', 'the real instance is recorded, and asked for its usage');
    const { instances } = await listAll(m, 'demo');
    assert.ok(instances.some((i) => i.id === 'real-line-1'), 'the real instance is in the fleet list');
    const fakes = instances.filter((i) => i.id.startsWith('fake-')).length;
    assert.ok(fakes > 0 && fakes <= 2_000, `the flooding token recorded ${fakes} instances, within its quota`);
    const quota = m.logs.filter((line) => line.includes(flooder.id) && /quota/.test(line));
    assert.equal(quota.length, 1, `logged once, not per request:\n${quota.join('\n')}`);
    assert.ok(!m.logs.some((line) => line.includes(flooder.token) || line.includes(value)), 'no token and no value in any log line');
  });

  it('(b) oversized, unknown-key and huge-count usage reports are refused or dropped, and the database stays small', async () => {
    m = await startTestManager();
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value: canary('fleet-report') } })).status, 201);
    const { token } = await readToken(m, 'demo');
    const FAKES = 200;
    assert.deepEqual([...(await readFlood(m, token, 'demo', 'fake-', FAKES))], [[200, FAKES]]);
    // The reproduction's report: 1,550 keys of 128 characters (about 250 KB), every count 2^53-1.
    const huge = { keys: longKeys(1_550, 'BIG').map((key) => ({ key, nodes: Number.MAX_SAFE_INTEGER })) };
    const oversized = await reportFlood(m, token, 'demo', 'fake-', FAKES, () => huge);
    assert.deepEqual([...oversized], [[413, FAKES]], 'a report larger than a real one can be is refused unread');
    // Under the size bound, but naming keys the space does not have: dropped, never stored.
    const unknown = { keys: longKeys(900, 'NOPE').map((key) => ({ key, nodes: 1 })) };
    assert.deepEqual([...(await reportFlood(m, token, 'demo', 'fake-', FAKES, () => unknown))], [[204, FAKES]]);
    const named = await request('PUT', `${m.url}/v1/spaces/demo/instances/fake-0/usage`, { token, body: { keys: [{ key: 'API_TOKEN', nodes: 1 }, { key: 'NOT_HERE', nodes: 1 }] } });
    assert.equal(named.status, 204);
    assert.equal(named.headers.get('x-secret-sync-usage-dropped'), 'NOT_HERE', 'the dropped keys are named');
    for (const nodes of [Number.MAX_SAFE_INTEGER, 1e9, 1.5, -1]) {
      const res = await request('PUT', `${m.url}/v1/spaces/demo/instances/fake-1/usage`, { token, body: { keys: [{ key: 'API_TOKEN', nodes }] } });
      assert.equal(res.status, 400, `nodes: ${nodes}`);
      assert.equal((res.body as { error: string }).error, 'invalid_body');
    }
    const { instances } = await listAll(m, 'demo');
    const usage = instances.flatMap((i) => i.usage);
    assert.deepEqual(usage, [{ key: 'API_TOKEN', nodes: 1 }], 'only the key the space has, with a sane count');
    const dir = m.dataDir;
    await m.stop(true);
    const bytes = readdirSync(dir)
      .filter((f) => f.startsWith('secrets.db'))
      .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    rmSync(dir, { recursive: true, force: true });
    assert.ok(bytes < 1024 * 1024, `the database and its WAL hold ${bytes} bytes after ${FAKES * 2} poisoned reports`);
  });

  it('(c) a fleet of 1,200 instances with full usage reports is listed in bounded pages, each instance once, never a 500', async () => {
    m = await startTestManager();
    const KEYS = 200;
    const keys = longKeys(KEYS, 'K');
    const created = await flood(m.url, KEYS, (i) => ({
      method: 'POST',
      path: '/v1/spaces/demo/secrets',
      headers: { authorization: `Bearer ${m.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: keys[i], value: `v-${i}` }),
    }));
    assert.deepEqual([...created], [[201, KEYS]]);
    const report = { keys: keys.map((key) => ({ key, nodes: 1 })) };
    for (const group of ['a', 'b', 'c']) {
      const { token } = await readToken(m, 'demo');
      assert.deepEqual([...(await readFlood(m, token, 'demo', `${group}-`, 400))], [[200, 400]]);
      assert.deepEqual([...(await reportFlood(m, token, 'demo', `${group}-`, 400, () => report))], [[204, 400]]);
    }
    const firstPage = await m.api('GET', '/v1/spaces/demo/instances');
    assert.equal(firstPage.status, 200);
    const page = firstPage.body as { instances: unknown[]; next: string | null; total: number };
    assert.ok(page.instances.length <= 100 && page.next !== null, `the default page is bounded (${page.instances.length})`);
    assert.equal(page.total, 1_200);
    const { instances, pages, largest } = await listAll(m, 'demo');
    assert.equal(instances.length, 1_200);
    assert.equal(new Set(instances.map((i) => i.id)).size, 1_200, 'each instance once');
    assert.ok(pages >= 12, `${pages} pages`);
    assert.ok(largest < 8 * 1024 * 1024, `the largest page is ${largest} bytes`);
    const tooMany = await m.api('GET', '/v1/spaces/demo/instances?limit=1000000');
    assert.equal((tooMany.body as { error: string }).error, 'invalid_query');
    const bad = await m.api('GET', '/v1/spaces/demo/instances?cursor=%00');
    assert.equal((bad.body as { error: string }).error, 'invalid_query');
    const meta = await m.api('GET', '/v1/spaces/demo/secrets/meta');
    assert.deepEqual((meta.body as { usage: Record<string, unknown> }).usage[keys[0]!], { nodes: 1_200, instances: 1_200 }, 'the space meta sums the usage');
  });

  it('(d) a read token cannot claim usage of a key its space does not see, nor an absurd count: no fake "in use" blocks a delete', async () => {
    m = await startTestManager();
    assert.equal((await m.api('POST', '/v1/spaces/other/secrets', { body: { name: 'OTHER_ONLY', value: canary('other') } })).status, 201);
    const { token } = await readToken(m, 'demo');
    assert.equal((await readAs(m, token, 'demo', 'liar')).status, 200);
    const claim = await request('PUT', `${m.url}/v1/spaces/demo/instances/liar/usage`, { token, body: { keys: [{ key: 'NOT_YET', nodes: 5 }, { key: 'OTHER_ONLY', nodes: 5 }] } });
    assert.equal(claim.status, 204);
    // The key is created after the claim: the stale claim must not make it "in use".
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'NOT_YET', value: canary('later') } })).status, 201);
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'OTHER_ONLY', value: canary('later-2') } })).status, 201);
    assert.equal((await m.api('DELETE', '/v1/spaces/demo/secrets/NOT_YET')).status, 204, 'deleted without ?force=true');
    assert.equal((await m.api('DELETE', '/v1/spaces/demo/secrets/OTHER_ONLY')).status, 204);
    const meta = await m.api('GET', '/v1/spaces/demo/secrets/meta');
    assert.deepEqual((meta.body as { usage?: unknown }).usage, {}, 'no usage claimed for keys the space did not have');
    // A count no flow can have, on a key the space does have, is refused; the usage the console sums stays a safe number.
    assert.equal((await m.api('POST', '/v1/org/secrets', { body: { name: 'SHARED', value: canary('org') } })).status, 201);
    const absurd = await request('PUT', `${m.url}/v1/spaces/demo/instances/liar/usage`, { token, body: { keys: [{ key: 'SHARED', nodes: Number.MAX_SAFE_INTEGER }] } });
    assert.equal(absurd.status, 400);
    const org = (await m.api('GET', '/v1/org/secrets/meta')).body as { usage: Record<string, { nodes: number; instances: number }> };
    assert.deepEqual(org.usage, {});
    assert.equal((await m.api('DELETE', '/v1/org/secrets/SHARED')).status, 204);
  });
});
