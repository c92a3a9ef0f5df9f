// Attacks on the real manager's metrics and JSON logs: a flood of made-up paths cannot grow the metrics, no value or token reaches them or a log line, a read token and guesses are refused.
import assert from 'node:assert/strict';
import { request, rawRequest } from '../helpers/http';
import { startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { scrape } from '../helpers/prometheus';

/** Every route label the manager can give, and `other`: the bound of the request counter's series per method and status. */
const ROUTE_COUNT = 20;

describe('security: metrics and JSON logs', function () {
  this.timeout(60_000);

  describe('GET /metrics', () => {
    let m: TestManager;
    beforeEach(async () => {
      m = await startTestManager();
    });
    afterEach(async () => {
      await m.stop();
    });

    it('a flood of 600 made-up paths, methods and spaces adds no label value: the request series stay within the route table', async () => {
      const marker = canary('path-flood');
      const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'MKCOL'];
      for (let i = 0; i < 600; i++) {
        const method = methods[i % methods.length] as string;
        const path = [
          `/${marker}-${i}`,
          `/v1/${marker}/${i}?q=${marker}`,
          `/v1/spaces/${marker}${i}/secrets/${marker}`,
          `/v1/spaces/s${i}/secrets?wait=1&${marker}=${i}`,
          `/console.js/${marker}${i}`,
          `/metrics/${marker}-${i}`,
        ][i % 6] as string;
        // Half with the admin token (answered by Express: 404, 400, 405…), half with a guessed one (refused in front of it: 401, then 429).
        const token = i % 2 === 0 ? m.adminToken : `${marker}-guess-${i}`;
        await rawRequest(m.server.port, method, path, { authorization: `Bearer ${token}` });
      }
      const res = await request('GET', `${m.url}/metrics`, { token: m.adminToken });
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes(marker), 'no path, query or token of the flood is in the metrics');
      const families = await scrape(m.url, m.adminToken);
      const series = families.get('secret_manager_http_requests_total')?.metrics ?? [];
      const routes = new Set(series.map((s) => s.labels?.route));
      const statuses = new Set(series.map((s) => s.labels?.status));
      assert.ok(routes.size <= ROUTE_COUNT, `${routes.size} routes: ${[...routes].join(', ')}`);
      assert.ok(new Set(series.map((s) => s.labels?.method)).size <= 8);
      assert.ok(series.length <= routes.size * 8 * statuses.size);
      // The whole flood is counted, under `other` and the patterns.
      const total = series.reduce((n, s) => n + Number(s.value), 0);
      assert.ok(total >= 600, `counted ${total}`);
      assert.ok(routes.has('other'));
    });

    it('holds no value and no token: names and counts only', async () => {
      const value = canary('metrics-value');
      await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_KEY', value } });
      await m.api('POST', '/v1/org/secrets', { body: { name: 'PAIRS', value: { user: 'u', password: value } } });
      const read = await m.readToken('demo');
      await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: read, headers: { 'x-secret-sync-instance': 'i-1; name=host; version=1.0.0' } });
      const res = await request('GET', `${m.url}/metrics`, { token: m.adminToken });
      assert.equal(res.status, 200);
      for (const secret of [value, read, m.adminToken]) assert.ok(!res.text.includes(secret), 'no value or token in the metrics');
    });

    it('a read token, which may read its space’s values, cannot read every space’s counts (403); guesses of a token are limited like any other (429)', async () => {
      const read = await m.readToken('demo');
      assert.equal((await request('GET', `${m.url}/metrics`, { token: read })).status, 403);
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push((await request('GET', `${m.url}/metrics`, { token: `guess-${i}-${canary()}` })).status);
      assert.equal(statuses.filter((s) => s === 401).length, 30);
      const limited = await request('GET', `${m.url}/metrics`, { token: 'one-more-guess-token' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      // A valid token from the same address is never slowed (README, "HTTP API").
      assert.equal((await request('GET', `${m.url}/metrics`, { token: m.adminToken })).status, 200);
    });
  });

  describe('--log-format json', () => {
    let serve: ServeProcess | undefined;
    afterEach(async () => {
      if (serve && serve.child.exitCode === null) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
      serve = undefined;
    });

    it('writes one JSON object a line (time, level, msg, fields) at debug level, with no value and no token in any line', async () => {
      const adminToken = canary('admin-token');
      const value = canary('json-log-value');
      const guess = canary('guessed-token');
      serve = await startServe(tempDir(), { SECRET_MANAGER_LOG_FORMAT: 'json', SECRET_MANAGER_LOG_LEVEL: 'debug', SECRET_MANAGER_ADMIN_TOKEN: adminToken });
      const url = serve.url;
      const api = (method: string, path: string, body?: unknown, token = adminToken): ReturnType<typeof request> => request(method, url + path, { token, ...(body === undefined ? {} : { body }) });
      assert.equal((await api('POST', '/v1/spaces/demo/secrets', { name: 'DB_PASSWORD', value })).status, 201);
      assert.equal((await api('POST', '/v1/org/secrets', { name: 'MQTT', value: { user: 'u', password: value } })).status, 201);
      const read = ((await api('POST', '/v1/tokens', { space: 'demo' })).body as { token: string }).token;
      const first = await api('GET', '/v1/spaces/demo/secrets', undefined, read);
      assert.ok(first.text.includes(value));
      await request('GET', `${url}/v1/spaces/demo/secrets`, { token: read, headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
      await api('PATCH', '/v1/org/secrets/MQTT', { fields: { password: `${value}-2` } });
      await request('PATCH', `${url}/v1/spaces/demo/secrets/DB_PASSWORD`, { token: adminToken, raw: `{"value": "${value}`, headers: { 'content-type': 'application/json' } });
      await request('POST', `${url}/v1/session`, { body: { token: guess } });
      await api('GET', '/v1/spaces/demo/secrets', undefined, guess);
      await api('GET', '/metrics', undefined, guess);
      assert.equal((await api('GET', '/metrics')).status, 200);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);

      const lines = serve.output().split('\n').filter((line) => line !== '');
      assert.ok(lines.length >= 10, `${lines.length} lines`);
      const levels = new Set<string>();
      for (const line of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        assert.equal(typeof entry.msg, 'string', line);
        assert.ok(!Number.isNaN(Date.parse(String(entry.time))), line);
        assert.ok(['debug', 'info', 'warn', 'error'].includes(String(entry.level)), line);
        levels.add(String(entry.level));
      }
      assert.ok(levels.has('debug') && levels.has('info'));
      // A request line carries its facts as fields: the route pattern, never a query or a body.
      const read304 = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.status === 304);
      assert.deepEqual({ ...read304, time: undefined, msg: undefined, ms: undefined }, {
        time: undefined,
        level: 'debug',
        msg: undefined,
        method: 'GET',
        path: '/v1/spaces/demo/secrets',
        route: '/v1/spaces/:space/secrets',
        status: 304,
        ms: undefined,
      });
      const output = serve.output();
      for (const secret of [value, adminToken, read, guess]) assert.ok(!output.includes(secret), 'no value or token in the log');
    });
  });
});
