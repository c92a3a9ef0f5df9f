// Tests for `GET /metrics` on the real manager: who may scrape, and every figure the README names, parsed with a real Prometheus text parser.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from 'secret-sync-manager/dist/database';
import { BACKUP_LAST_AT } from 'secret-sync-manager/dist/backup';
import { request } from '../../helpers/http';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { sample, scrape } from '../../helpers/prometheus';

const INSTANCE = 'x-secret-sync-instance';

describe('manager/http: GET /metrics', function () {
  this.timeout(20_000);
  let m: TestManager;

  beforeEach(async () => {
    m = await startTestManager();
  });
  afterEach(async () => {
    await m.stop();
  });

  const token = async (body: Record<string, unknown>): Promise<string> => ((await m.api('POST', '/v1/tokens', { body })).body as { token: string }).token;

  it('answers an admin or viewer bearer token; 401 without a token or with a wrong one, 403 for a read token', async () => {
    const viewer = await token({ role: 'viewer' });
    const read = await m.readToken('demo');
    assert.equal((await request('GET', `${m.url}/metrics`)).status, 401);
    const wrong = await request('GET', `${m.url}/metrics`, { token: 'not-a-token-of-this-manager' });
    assert.equal(wrong.status, 401);
    assert.equal((wrong.body as { error: string }).error, 'unauthorized');
    const forbidden = await request('GET', `${m.url}/metrics`, { token: read });
    assert.equal(forbidden.status, 403);
    assert.equal((forbidden.body as { error: string }).error, 'forbidden');
    for (const t of [viewer, m.adminToken]) {
      const res = await request('GET', `${m.url}/metrics`, { token: t });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const families = await scrape(m.url, viewer);
    assert.ok(families.has('secret_manager_http_requests_total'));
  });

  it('counts requests by route pattern and status: the fleet’s 200s and 304s give the ratio', async () => {
    await m.api('POST', '/v1/spaces/alpha/secrets', { body: { name: 'A', value: 'a' } });
    const read = await m.readToken('alpha');
    const first = await request('GET', `${m.url}/v1/spaces/alpha/secrets`, { token: read });
    const etag = first.headers.get('etag') ?? '';
    for (let i = 0; i < 3; i++) assert.equal((await request('GET', `${m.url}/v1/spaces/alpha/secrets`, { token: read, headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await request('GET', `${m.url}/v1/spaces/beta/secrets`, { token: read })).status, 403);
    assert.equal((await request('GET', `${m.url}/v1/spaces/alpha/secrets/meta`, { token: read })).status, 200);
    const families = await scrape(m.url, m.adminToken);
    const route = '/v1/spaces/:space/secrets';
    assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'GET', route, status: '200' }), 1);
    assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'GET', route, status: '304' }), 3);
    assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'GET', route, status: '403' }), 1);
    assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'GET', route: '/v1/spaces/:space/secrets/meta', status: '200' }), 1);
    assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'POST', route, status: '201' }), 1);
    assert.equal(families.get('secret_manager_http_requests_total')?.type, 'COUNTER');
  });

  it('shows the long polls waiting, and the most allowed', async () => {
    await m.api('POST', '/v1/spaces/alpha/secrets', { body: { name: 'A', value: 'a' } });
    const read = await m.readToken('alpha');
    const version = (await request('GET', `${m.url}/v1/spaces/alpha/secrets`, { token: read })).body as { version: number };
    const controller = new AbortController();
    const poll = request('GET', `${m.url}/v1/spaces/alpha/secrets?wait=30&version=${version.version}`, { token: read, signal: controller.signal }).catch(() => undefined);
    let waiting: number | undefined;
    for (let i = 0; i < 100 && waiting !== 1; i++) {
      waiting = sample(await scrape(m.url, m.adminToken), 'secret_manager_long_polls');
      if (waiting !== 1) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(waiting, 1);
    const families = await scrape(m.url, m.adminToken);
    assert.equal(sample(families, 'secret_manager_long_polls_max'), 600);
    controller.abort();
    await poll;
  });

  it('counts secrets per scope, tokens per role and space, the fleet current and behind, audit entries, the database size and the event loop', async () => {
    await m.api('POST', '/v1/org/secrets', { body: { name: 'ORG', value: 'o' } });
    for (const name of ['A', 'B']) await m.api('POST', '/v1/spaces/alpha/secrets', { body: { name, value: 'v' } });
    await m.api('POST', '/v1/spaces/beta/secrets', { body: { name: 'C', value: 'v' } });
    const read = await m.readToken('alpha');
    await m.readToken('alpha');
    await token({ role: 'viewer' });
    // One instance syncs, the space changes, another syncs: one behind, one current.
    await request('GET', `${m.url}/v1/spaces/alpha/secrets`, { token: read, headers: { [INSTANCE]: 'old-one; name=old; version=1.0.0' } });
    await m.api('POST', '/v1/spaces/alpha/secrets', { body: { name: 'D', value: 'v' } });
    await request('GET', `${m.url}/v1/spaces/alpha/secrets`, { token: read, headers: { [INSTANCE]: 'new-one; name=new; version=1.0.0' } });
    const audit = (await m.api('GET', '/v1/audit')).body as { entries: { seq: number }[] };

    const families = await scrape(m.url, m.adminToken);
    assert.equal(sample(families, 'secret_manager_secrets', { space: '@org' }), 1);
    assert.equal(sample(families, 'secret_manager_secrets', { space: 'alpha' }), 3);
    assert.equal(sample(families, 'secret_manager_secrets', { space: 'beta' }), 1);
    assert.equal(sample(families, 'secret_manager_spaces'), 2);
    assert.equal(sample(families, 'secret_manager_tokens', { role: 'read', space: 'alpha' }), 2);
    assert.equal(sample(families, 'secret_manager_tokens', { role: 'viewer' }), 1);
    assert.equal(sample(families, 'secret_manager_tokens', { role: 'admin' }), 1);
    assert.equal(sample(families, 'secret_manager_fleet_instances', { space: 'alpha', state: 'current' }), 1);
    assert.equal(sample(families, 'secret_manager_fleet_instances', { space: 'alpha', state: 'behind' }), 1);
    assert.equal(sample(families, 'secret_manager_audit_entries_total'), audit.entries[0]?.seq);
    assert.ok((sample(families, 'secret_manager_database_bytes', { file: 'secrets.db' }) ?? 0) > 0);
    assert.equal(sample(families, 'secret_manager_backup_last_timestamp_seconds'), 0, 'no backup yet');
    assert.equal(sample(families, 'secret_manager_backup_age_seconds'), Infinity);
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
      assert.ok(families.has(name), name);
    }
  });

  it('shows when the last backup completed and its age, from the meta key the backup writes', async () => {
    const at = Math.floor(Date.now() / 1000) - 3600;
    await m.stop(true);
    const db = openDatabase(join(m.dataDir, 'secrets.db'));
    db.transaction(() => db.setMeta(BACKUP_LAST_AT, new Date(at * 1000).toISOString()));
    db.close();
    m = await startTestManager({ dataDir: m.dataDir });
    const families = await scrape(m.url, m.adminToken);
    assert.equal(sample(families, 'secret_manager_backup_last_timestamp_seconds'), at);
    assert.ok((sample(families, 'secret_manager_backup_age_seconds') ?? 0) >= 3600);
  });
});
