// Console sessions over real HTTP: the cookie's flags, who may sign in, CSRF on writes, no values through a session, revocation and sign-out; the bound on sessions.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { openDatabase } from 'secret-sync-manager/dist/database';
import { IDLE_MS, MAX_SESSIONS_PER_TOKEN, Sessions } from 'secret-sync-manager/dist/http/sessions';
import { TokenStore } from 'secret-sync-manager/dist/token-store';
import { request } from '../../helpers/http';
import type { TestResponse } from '../../helpers/http';
import { canary, startTestManager, tempDir } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

const CONSOLE = { 'x-secret-manager-console': '1' };

describe('manager/http console sessions', () => {
  let m: TestManager;
  const value = canary('session-value');

  before(async () => {
    m = await startTestManager();
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value } })).status, 201);
  });
  after(async () => m.stop());

  /** Signs in with `token`; the answer and the `name=value` of its cookie. */
  const signIn = async (token: string): Promise<{ res: TestResponse; cookie: string }> => {
    const res = await request('POST', `${m.url}/v1/session`, { body: { token } });
    return { res, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  };
  const withCookie = (cookie: string, extra: Record<string, string> = {}): Record<string, string> => ({ cookie, ...extra });
  const newToken = async (body: Record<string, unknown>): Promise<{ id: string; token: string }> => {
    const res = await m.api('POST', '/v1/tokens', { body });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; token: string };
  };

  it('signs in an admin into an HttpOnly, SameSite=Strict cookie that carries no token', async () => {
    const { res, cookie } = await signIn(m.adminToken);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { role: 'admin', description: 'from SECRET_MANAGER_ADMIN_TOKEN' });
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^ssm_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    assert.ok(!setCookie.includes(m.adminToken) && !res.text.includes(m.adminToken));
    assert.equal((await request('GET', `${m.url}/v1/session`, { headers: withCookie(cookie) })).status, 200);
  });

  it('refuses read tokens, unknown tokens and an empty body', async () => {
    const reader = await newToken({ space: 'demo' });
    assert.equal((await signIn(reader.token)).res.status, 403);
    const unknown = await signIn('ssm_not-a-token-at-all');
    assert.equal(unknown.res.status, 401);
    assert.equal(unknown.res.headers.get('set-cookie'), null);
    const empty = await request('POST', `${m.url}/v1/session`, { body: {} });
    assert.equal((empty.body as { error: string }).error, 'token_required');
  });

  it('extends the cookie with every use, as the session is extended', async () => {
    const { cookie } = await signIn(m.adminToken);
    const res = await request('GET', `${m.url}/v1/session`, { headers: withCookie(cookie) });
    assert.equal(res.headers.get('set-cookie'), `${cookie}; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800`);
  });

  it('refuses a cookie write without the console header (csrf_refused), takes it with the header', async () => {
    const { cookie } = await signIn(m.adminToken);
    const body = { name: 'FROM_CONSOLE', value: canary('console-write') };
    const refused = await request('POST', `${m.url}/v1/spaces/demo/secrets`, { headers: withCookie(cookie), body });
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { error: string }).error, 'csrf_refused');
    assert.equal((await request('POST', `${m.url}/v1/spaces/demo/secrets`, { headers: withCookie(cookie, CONSOLE), body })).status, 201);
    const forced = await request('DELETE', `${m.url}/v1/spaces/demo/secrets/FROM_CONSOLE`, { headers: withCookie(cookie) });
    assert.equal((forced.body as { error: string }).error, 'csrf_refused');
  });

  it('never reads a value through a session, not even an admin one, plain or long poll', async () => {
    const { cookie } = await signIn(m.adminToken);
    for (const path of ['/v1/spaces/demo/secrets', '/v1/spaces/demo/secrets?wait=1&version=0']) {
      const res = await request('GET', m.url + path, { headers: withCookie(cookie) });
      assert.equal(res.status, 403, path);
      assert.ok(!res.text.includes(value));
    }
    const meta = await request('GET', `${m.url}/v1/spaces/demo/secrets/meta`, { headers: withCookie(cookie) });
    assert.equal(meta.status, 200, 'names, descriptions and dates are what the console shows');
    assert.ok(!meta.text.includes(value));
  });

  it('gives a viewer session no writes', async () => {
    const viewer = await newToken({ role: 'viewer', description: 'ops' });
    const { cookie } = await signIn(viewer.token);
    const res = await request('POST', `${m.url}/v1/spaces/demo/secrets`, { headers: withCookie(cookie, CONSOLE), body: { name: 'NOPE', value: 'x' } });
    assert.equal(res.status, 403);
    assert.equal((res.body as { error: string }).error, 'forbidden');
  });

  it('ends the session when its token is revoked', async () => {
    const admin = await newToken({ role: 'admin', description: 'second admin' });
    const { cookie } = await signIn(admin.token);
    assert.equal((await request('GET', `${m.url}/v1/session`, { headers: withCookie(cookie) })).status, 200);
    assert.equal((await m.api('DELETE', `/v1/tokens/${admin.id}`)).status, 204);
    assert.equal((await request('GET', `${m.url}/v1/session`, { headers: withCookie(cookie) })).status, 401);
  });

  it('signs out with the console header, clears the cookie, and clears it again for an ended session', async () => {
    const { cookie } = await signIn(m.adminToken);
    assert.equal((await request('DELETE', `${m.url}/v1/session`, { headers: withCookie(cookie) })).status, 403, 'sign-out is a console write');
    const out = await request('DELETE', `${m.url}/v1/session`, { headers: withCookie(cookie, CONSOLE) });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^ssm_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/);
    assert.equal((await request('GET', `${m.url}/v1/session`, { headers: withCookie(cookie) })).status, 401);
    assert.equal((await request('DELETE', `${m.url}/v1/session`, { headers: withCookie(cookie, CONSOLE) })).status, 204);
  });

  describe('in memory', () => {
    it('holds at most MAX_SESSIONS_PER_TOKEN live sessions per token: a further sign-in ends the least recently used', () => {
      const db = openDatabase(join(tempDir(), 'secrets.db'));
      try {
        const tokens = new TokenStore(db);
        const viewer = tokens.create({ role: 'viewer', space: null, description: 'v' }, MANAGER_ACTOR).record;
        const other = tokens.create({ role: 'viewer', space: null, description: 'w' }, MANAGER_ACTOR).record;
        let now = 0;
        const sessions = new Sessions(tokens, () => now);
        const others = sessions.create(other);
        const ids = Array.from({ length: MAX_SESSIONS_PER_TOKEN + 5 }, () => {
          now += 1000;
          return sessions.create(viewer);
        });
        const live = ids.map((id) => sessions.principal(id) !== undefined);
        assert.deepEqual(live, [...Array<boolean>(5).fill(false), ...Array<boolean>(MAX_SESSIONS_PER_TOKEN).fill(true)]);
        assert.equal(sessions.principal(others)?.id, other.id, "another token's session is not touched");
        now += IDLE_MS + 1;
        assert.equal(sessions.principal(ids.at(-1) as string), undefined, 'idle sessions end');
      } finally {
        db.close();
      }
    });
  });
});
