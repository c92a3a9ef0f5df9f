// Tests for src/manager/lib/http/fast-healthz.ts: `GET /healthz` answered without Express, with Express's very bytes, counted and logged as before.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fastHealthz } from 'secret-sync-manager/dist/http/fast-healthz';
import { createLogger } from 'secret-sync-manager/dist/logger';
import { RequestCounts } from 'secret-sync-manager/dist/metrics/request-counts';
import { startFastPathServer } from '../../helpers/fast-path-server';
import { request } from '../../helpers/http';
import { startTestManager } from '../../helpers/manager';
import { sample, scrape } from '../../helpers/prometheus';

/** The raw answer to `GET path`, as it crosses the socket, without its Date line (the one header that differs by the second). */
function rawGet(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(text.replace(/^Date: .*\r\n/m, '')));
    socket.on('error', reject);
  });
}

describe('manager/http fast /healthz', () => {
  it('sends the bytes the Express route sends, counts each answer in the metrics and logs it at debug', async () => {
    const m = await startTestManager();
    try {
      const fast = await rawGet(m.url, '/healthz');
      // A query takes the request past the fast path to the Express route, which ignores it.
      const express = await rawGet(m.url, '/healthz?from=test');
      assert.equal(fast, express);
      assert.match(fast, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(fast.endsWith('\r\n\r\n{"status":"ok"}'));
      for (let i = 0; i < 3; i++) assert.equal((await request('GET', `${m.url}/healthz`)).status, 200);
      const families = await scrape(m.url, m.adminToken);
      assert.equal(sample(families, 'secret_manager_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 5, 'the fast four and the Express one');
      assert.equal(m.logs.filter((line) => / debug: GET \/healthz 200 \d+\.\dms$/.test(line)).length, 5);
    } finally {
      await m.stop();
    }
  });

  it('passes on, having written nothing, every request but a GET of /healthz without a query', async () => {
    const requests = new RequestCounts();
    const healthz = fastHealthz({ logger: createLogger({ level: 'error', sink: () => undefined }), requests });
    const server = await startFastPathServer(healthz);
    const { url, passed } = server;
    try {
      const cases = [
        ['HEAD', '/healthz'],
        ['POST', '/healthz'],
        ['GET', '/healthz?x=1'],
        ['GET', '/healthz/'],
        ['GET', '/healthzz'],
        ['GET', '/v1/healthz'],
      ] as const;
      for (const [method, path] of cases) assert.equal((await request(method, url + path)).status, 418, `${method} ${path}`);
      assert.equal(passed.length, cases.length);
      assert.equal((await request('GET', `${url}/healthz`)).status, 200);
      assert.equal(requests.healthz, 1);
      assert.deepEqual(requests.tallies(), [{ method: 'GET', route: '/healthz', status: 200, count: 1 }]);
    } finally {
      server.close();
    }
  });
});
