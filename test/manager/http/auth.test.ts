// Tests for token checks over real HTTP: 401 for unknown or revoked tokens, 403 across spaces and roles.
import assert from 'node:assert/strict';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

describe('manager/http/auth', () => {
  let m: TestManager;
  beforeEach(async () => {
    m = await startTestManager();
    await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value: 'demo-value' } });
    await m.api('POST', '/v1/spaces/prod/secrets', { body: { name: 'A', value: 'prod-value' } });
  });
  afterEach(() => m.stop());

  it('answers 401 without a token, with an unknown one and with a malformed header', async () => {
    const none = await m.api('GET', '/v1/spaces/demo/secrets', { token: undefined, headers: {} });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await m.api('GET', '/v1/spaces/demo/secrets', { token: 'ssm_unknown' })).status, 401);
    const basic = await m.api('GET', '/v1/spaces/demo/secrets', { token: undefined, headers: { authorization: 'Basic abc' } });
    assert.equal(basic.status, 401);
  });

  it('lets a read token read its own space and nothing else', async () => {
    const token = await m.readToken('demo');
    const own = await m.api('GET', '/v1/spaces/demo/secrets', { token });
    assert.equal(own.status, 200);
    assert.deepEqual((own.body as { secrets: unknown }).secrets, { A: 'demo-value' });
    assert.equal((await m.api('GET', '/v1/spaces/demo/secrets/meta', { token })).status, 200);
    const other = await m.api('GET', '/v1/spaces/prod/secrets', { token });
    assert.equal(other.status, 403);
    assert.equal((other.body as { error: string }).error, 'forbidden');
    assert.ok(!other.text.includes('prod-value'));
    assert.equal((await m.api('GET', '/v1/spaces/prod/secrets/meta', { token })).status, 403);
  });

  it('refuses every management route to a read token', async () => {
    const token = await m.readToken('demo');
    const calls: [string, string, unknown?][] = [
      ['POST', '/v1/spaces/demo/secrets', { name: 'B', value: 'x' }],
      ['PATCH', '/v1/spaces/demo/secrets/A', { value: 'y' }],
      ['DELETE', '/v1/spaces/demo/secrets/A'],
      ['GET', '/v1/org/secrets/meta'],
      ['POST', '/v1/org/secrets', { name: 'B', value: 'x' }],
      ['GET', '/v1/tokens'],
      ['POST', '/v1/tokens', { space: 'prod' }],
      ['DELETE', '/v1/tokens/whatever'],
    ];
    for (const [method, path, body] of calls) {
      const res = await m.api(method, path, { token, body });
      assert.equal(res.status, 403, `${method} ${path}`);
    }
    const read = await m.api('GET', '/v1/spaces/demo/secrets', { token });
    assert.deepEqual((read.body as { secrets: unknown }).secrets, { A: 'demo-value' }, 'nothing changed');
  });

  it('refuses a write by a read or viewer token before reading its body: no large or malformed body is parsed', async () => {
    const read = await m.readToken('demo');
    const viewer = ((await m.api('POST', '/v1/tokens', { body: { role: 'viewer' } })).body as { token: string }).token;
    // Malformed JSON a parser would answer 400 invalid_json, and a body over the 256 KiB limit it would answer 413:
    // both answer 403 forbidden, so neither body was read.
    const malformed = `{"name":"B","value":"${'x'.repeat(200 * 1024)}`;
    const oversized = JSON.stringify({ name: 'B', value: 'x'.repeat(300 * 1024) });
    for (const token of [read, viewer]) {
      for (const [method, path] of [['POST', '/v1/spaces/demo/secrets'], ['PATCH', '/v1/org/secrets/A'], ['POST', '/v1/tokens']] as const) {
        for (const raw of [malformed, oversized]) {
          const res = await m.api(method, path, { token, raw });
          assert.equal(res.status, 403, `${method} ${path}`);
          assert.equal((res.body as { error: string }).error, 'forbidden');
        }
      }
    }
    // The one write a read token makes still reads its body (and its own, smaller bound applies).
    const usage = await m.api('PUT', '/v1/spaces/demo/instances/i-1/usage', { token: read, raw: malformed });
    assert.equal(usage.status, 413);
    const malformedUsage = await m.api('PUT', '/v1/spaces/demo/instances/i-1/usage', { token: read, raw: '{"keys":' });
    assert.equal((malformedUsage.body as { error: string }).error, 'invalid_json');
  });

  it('stops accepting a token the moment it is revoked', async () => {
    const created = await m.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'ci' } });
    const { id, token } = created.body as { id: string; token: string };
    assert.equal((await m.api('GET', '/v1/spaces/demo/secrets', { token })).status, 200);
    assert.equal((await m.api('DELETE', `/v1/tokens/${id}`)).status, 204);
    assert.equal((await m.api('GET', '/v1/spaces/demo/secrets', { token })).status, 401);
    assert.equal((await m.api('DELETE', `/v1/tokens/${id}`)).status, 404, 'already revoked');
  });

  it('does not hand a change to a long poll whose token was revoked while it waited', async () => {
    const created = await m.api('POST', '/v1/tokens', { body: { space: 'demo' } });
    const { id, token } = created.body as { id: string; token: string };
    const { version } = (await m.api('GET', '/v1/spaces/demo/secrets', { token })).body as { version: number };
    const poll = m.api('GET', `/v1/spaces/demo/secrets?wait=20&version=${version}`, { token });
    await new Promise((r) => setTimeout(r, 100));
    await m.api('DELETE', `/v1/tokens/${id}`);
    await m.api('PATCH', '/v1/spaces/demo/secrets/A', { body: { value: 'rotated-after-revoke' } });
    const res = await poll;
    assert.equal(res.status, 401);
    assert.ok(!res.text.includes('rotated-after-revoke'));
  });

  it('lists tokens without the tokens themselves', async () => {
    const token = await m.readToken('demo');
    const list = await m.api('GET', '/v1/tokens');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(token));
    assert.ok(!list.text.includes(m.adminToken));
    const roles = (list.body as { tokens: { role: string; space: string | null }[] }).tokens.map((t) => `${t.role}:${t.space}`);
    assert.deepEqual(roles.sort(), ['admin:null', 'read:demo']);
  });
});
