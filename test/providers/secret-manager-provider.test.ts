// Tests for src/providers/secret-manager-provider.ts against real HTTP servers on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RESPONSE_BYTES } from '../../src/providers/http-client';
import { SecretManagerProvider } from '../../src/providers/secret-manager-provider';
import type { SyncError } from '../../src/shared/sync-error';
import { SyncEngine } from '../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../src/plugin/core/retry';
import { memoryLogger } from '../helpers/logger';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function fetchWith(handler: Handler, etag?: string): Promise<{ result?: unknown; error?: SyncError; seen: http.IncomingHttpHeaders[] }> {
  const server = await serve(handler);
  try {
    const provider = new SecretManagerProvider({ url: server.url, space: 'demo', token: 'tok-canary-1', now: () => Date.parse('2026-03-01T10:00:00Z') });
    try {
      return { result: await provider.fetch({ etag, signal: new AbortController().signal }), seen: server.seen };
    } catch (error) {
      return { error: error as SyncError, seen: server.seen };
    }
  } finally {
    await server.close();
  }
}

describe('providers/secret-manager-provider', () => {
  it('reads the space with the bearer token and returns version, ETag and secrets', async () => {
    const { result, seen } = await fetchWith(json(200, { space: 'demo', version: 4, secrets: { A: 'a' } }, { etag: '"x.4"' }));
    const body = JSON.stringify({ space: 'demo', version: 4, secrets: { A: 'a' } });
    assert.deepEqual(result, { status: 'changed', version: 4, etag: '"x.4"', secrets: { A: 'a' }, bytes: body.length });
    assert.equal(seen[0]?.authorization, 'Bearer tok-canary-1');
  });

  it('sends If-None-Match and maps 304 to unchanged', async () => {
    const { result, seen } = await fetchWith(json(304, ''), '"x.4"');
    assert.deepEqual(result, { status: 'unchanged' });
    assert.equal(seen[0]?.['if-none-match'], '"x.4"');
  });

  it('maps statuses to codes, retryable or not, with Retry-After in seconds or as a date', async () => {
    const cases: [number, Record<string, string>, string, boolean, number | undefined][] = [
      [401, {}, 'unauthorized', false, undefined],
      [403, {}, 'forbidden', false, undefined],
      [404, {}, 'not_found', false, undefined],
      [500, {}, 'server_error', true, undefined],
      [502, {}, 'server_error', true, undefined],
      [503, { 'retry-after': '7' }, 'server_error', true, 7_000],
      [429, { 'retry-after': '3' }, 'rate_limited', true, 3_000],
      [429, { 'retry-after': 'Sun, 01 Mar 2026 10:00:30 GMT' }, 'rate_limited', true, 30_000],
      [400, {}, 'http_error', false, undefined],
    ];
    for (const [status, headers, code, retryable, wait] of cases) {
      const { error } = await fetchWith(json(status, '{}', headers));
      assert.deepEqual([error?.code, error?.retryable, error?.retryAfterMs, error?.httpStatus], [code, retryable, wait, status], `${status}`);
    }
  });

  it("names a refused long poll with the manager's own code, and takes only a well-formed code from the answer", async () => {
    const refuse = async (body: string, headers: Record<string, string> = {}): Promise<SyncError> => {
      const server = await serve(json(503, body, headers));
      try {
        const provider = new SecretManagerProvider({ url: server.url, space: 'demo', token: 'tok-canary-3' });
        return await provider.waitForChange(4, 30, new AbortController().signal).then(
          () => assert.fail('expected a refusal'),
          (e: unknown) => e as SyncError,
        );
      } finally {
        await server.close();
      }
    };
    const refused = await refuse(JSON.stringify({ error: 'too_many_waiters', message: 'Too many long polls are open; retry later' }), { 'retry-after': '30' });
    assert.deepEqual([refused.code, refused.reason, refused.retryable, refused.retryAfterMs, refused.httpStatus], ['server_error', 'too_many_waiters', true, 30_000, 503]);
    assert.match(refused.message, /refused the long poll \(HTTP 503, too_many_waiters\)$/);
    assert.ok(!refused.message.includes('Too many long polls'), "the manager's message is not copied");
    // A code that is not a plain snake_case word (markup, a long text) is left out, never shown.
    for (const error of ['<img src=x onerror=alert(1)>', 'x'.repeat(65), 'Too Many']) {
      const odd = await refuse(JSON.stringify({ error, message: 'm' }));
      assert.equal(odd.reason, undefined, error);
      assert.match(odd.message, /refused the long poll \(HTTP 503\)$/);
    }
  });

  it('does not follow a redirect, so the token never reaches another host', async () => {
    const elsewhere = await serve(json(200, { space: 'demo', version: 1, secrets: {} }));
    try {
      const { error } = await fetchWith((_req, res) => {
        res.writeHead(307, { location: `${elsewhere.url}/v1/spaces/demo/secrets` });
        res.end();
      });
      assert.equal(error?.code, 'redirect_refused');
      assert.equal(elsewhere.seen.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  it('rejects whole: HTML, truncated JSON, a wrong shape, another space', async () => {
    const cases: [Handler, string][] = [
      [(_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      }, 'invalid_payload'],
      [json(200, '{"space":"demo","versi'), 'invalid_payload'],
      [json(200, { space: 'demo', version: 1 }), 'invalid_payload'],
      [json(200, { space: 'prod', version: 1, secrets: { A: 'a' } }), 'space_mismatch'],
    ];
    for (const [handler, code] of cases) {
      const { error } = await fetchWith(handler);
      assert.equal(error?.code, code);
      assert.equal(error?.retryable, false);
    }
  });

  it('skips and names a key whose value is a number or a boolean (as the Vault provider does), and syncs the others', async () => {
    // The reference manager stores text only; a compatible server may still send JSON numbers.
    const server = await serve(json(200, { space: 'demo', version: 2, secrets: { GOOD: 'good-value', PORT: 1883, FLAG: false, BROKER: { host: 'h', port: 1883 } } }));
    try {
      const provider = new SecretManagerProvider({ url: server.url, space: 'demo', token: 'tok-canary-4' });
      const engine = new SyncEngine({ provider, policy: { ...DEFAULT_RETRY_POLICY, retries: 0 }, logger: memoryLogger(), space: 'demo' });
      await engine.sync('manual');
      assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
      assert.deepEqual({ ...engine.snapshot.secrets }, { GOOD: 'good-value' });
      const reasons = Object.fromEntries(engine.state.skippedKeys.map((s) => [s.key, s.reason]));
      assert.deepEqual(Object.keys(reasons).sort(), ['BROKER', 'FLAG', 'PORT']);
      assert.match(reasons.PORT!, /a number, not text/);
      assert.match(reasons.FLAG!, /a boolean, not text/);
      assert.match(reasons.BROKER!, /pair 'port' is a number, not text/);
    } finally {
      await server.close();
    }
  });

  it('names a plain media type, and never copies a hostile or overlong Content-Type into the message', async () => {
    const answer = (type: string | undefined): Handler => (_req, res) => {
      res.writeHead(200, type === undefined ? {} : { 'content-type': type });
      res.end('{"space":"demo","secrets":{}}');
    };
    const cases: [string | undefined, string][] = [
      ['text/html; charset=utf-8', 'answered with text/html instead of JSON'],
      [undefined, 'answered with no content type instead of JSON'],
      ['<img src=x onerror=alert(1)>', 'answered with an unexpected content type instead of JSON'],
      ['<img/src=x/onerror=alert(1)>json', 'answered with an unexpected content type instead of JSON'],
      [`text/${'x'.repeat(500)}`, 'answered with an unexpected content type instead of JSON'],
    ];
    for (const [type, said] of cases) {
      const { error } = await fetchWith(answer(type));
      assert.equal(error?.code, 'invalid_payload', type);
      assert.ok(error?.message.endsWith(said), error?.message);
      assert.doesNotMatch(error?.message ?? '', /[<>]|xxxx/);
    }
  });

  it('rejects an answer larger than the limit without reading it all into a secret', async () => {
    const big = JSON.stringify({ space: 'demo', version: 1, secrets: { A: 'x'.repeat(MAX_RESPONSE_BYTES) } });
    const { error } = await fetchWith(json(200, big));
    assert.equal(error?.code, 'response_too_large');
  });

  it('maps a refused connection and a reset to retryable codes, with no token in the message', async () => {
    const down = new SecretManagerProvider({ url: 'http://127.0.0.1:9', space: 'demo', token: 'tok-canary-2' });
    const refused = await down.fetch({ signal: new AbortController().signal }).catch((e: unknown) => e as SyncError);
    assert.deepEqual([(refused as SyncError).code, (refused as SyncError).retryable], ['unreachable', true]);
    assert.ok(!(refused as SyncError).message.includes('tok-canary-2'));
    const { error } = await fetchWith((req) => req.socket.destroy());
    assert.deepEqual([error?.code, error?.retryable], ['connection_reset', true]);
  });
});
