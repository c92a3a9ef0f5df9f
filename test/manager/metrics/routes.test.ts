// Tests for src/manager/lib/metrics/routes.ts and request-counts.ts: every path maps to one of a fixed set of route labels.
import assert from 'node:assert/strict';
import { OTHER_ROUTE, ROUTE_LABELS, methodLabel, routeOf } from 'secret-sync-manager/dist/metrics/routes';
import { RequestCounts } from 'secret-sync-manager/dist/metrics/request-counts';

describe('manager/metrics/routes', () => {
  it('names each API route by its pattern, whatever the space, key or id', () => {
    const cases: [string, string][] = [
      ['/healthz', '/healthz'],
      ['/metrics', '/metrics'],
      ['/v1/spaces/demo/secrets', '/v1/spaces/:space/secrets'],
      ['/v1/spaces/other-space/secrets?x=1', '/v1/spaces/:space/secrets'],
      ['/v1/spaces/demo/secrets?version=3&wait=30', '/v1/spaces/:space/secrets?wait'],
      ['/v1/spaces/demo/secrets?wait=30', '/v1/spaces/:space/secrets?wait'],
      ['/v1/spaces/demo/secrets?nowait=1', '/v1/spaces/:space/secrets'],
      ['/v1/spaces/demo/secrets/meta', '/v1/spaces/:space/secrets/meta'],
      ['/v1/spaces/demo/secrets/API_KEY', '/v1/spaces/:space/secrets/:name'],
      ['/v1/org/secrets/API_KEY?force=true', '/v1/org/secrets/:name'],
      ['/v1/spaces/demo/instances/abc/usage', '/v1/spaces/:space/instances/:id/usage'],
      ['/v1/tokens/t-123', '/v1/tokens/:id'],
      ['/v1/audit?before=10', '/v1/audit'],
      ['/v1/backup', '/v1/backup'],
      ['/', 'console'],
      ['/console.js', 'console'],
    ];
    for (const [url, route] of cases) assert.equal(routeOf(url), route, url);
  });

  it('counts any other path as `other`: no path a client makes up becomes a label value', () => {
    for (const url of ['/x', '/v1/spaces//secrets', '/v1/spaces/a/secrets/', '/v1/spaces/a/secrets/b/c', '/v1/nope', '/%2e%2e/etc/passwd', '//v1/audit', '/v1/tokens/', '']) {
      assert.equal(routeOf(url), OTHER_ROUTE, url);
    }
    assert.equal(methodLabel('PROPFIND'), OTHER_ROUTE);
    assert.equal(methodLabel(undefined), OTHER_ROUTE);
    assert.equal(methodLabel('PATCH'), 'PATCH');
  });

  it('keeps one tally per method, route and status: 5,000 random paths add one entry', () => {
    const counts = new RequestCounts();
    for (let i = 0; i < 5_000; i++) counts.count('GET', `/random-${i}/${Math.random().toString(36)}`, 404);
    for (let i = 0; i < 5_000; i++) counts.count('GET', `/v1/spaces/space-${i}/secrets/KEY_${i}`, 401);
    counts.fastNotModified += 7;
    counts.fastOk += 2;
    const tallies = counts.tallies();
    assert.deepEqual(
      tallies.map((t) => `${t.method} ${t.route} ${t.status} ${t.count}`).sort(),
      ['GET /v1/spaces/:space/secrets 200 2', 'GET /v1/spaces/:space/secrets 304 7', 'GET /v1/spaces/:space/secrets/:name 401 5000', 'GET other 404 5000'],
    );
    for (const t of tallies) assert.ok(ROUTE_LABELS.includes(t.route), t.route);
  });

  it('adds the fast path to the same route and status answered by Express', () => {
    const counts = new RequestCounts();
    counts.count('GET', '/v1/spaces/demo/secrets', 304);
    counts.fastNotModified = 3;
    assert.deepEqual(counts.tallies(), [{ method: 'GET', route: '/v1/spaces/:space/secrets', status: 304, count: 4 }]);
    // Reading the tallies changes nothing: a second scrape sees the same counts.
    assert.equal(counts.tallies()[0]?.count, 4);
  });
});
