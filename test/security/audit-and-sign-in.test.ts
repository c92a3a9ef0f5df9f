// Attacks on the manager's audit trail and sign-in: a sign-in flood, wrong-token guesses, a crash between a change and its entry.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { request } from '../helpers/http';
import type { TestResponse } from '../helpers/http';
import { KILL_AT_AUDIT_ENV } from '../helpers/kill-at-audit';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  scope: string | null;
  target: string | null;
  ip: string | null;
  count: number;
}

const CONSOLE = { 'x-secret-manager-console': '1' };
const KILL_HOOK = join(__dirname, '../helpers/kill-at-audit.js');

describe('security: audit trail and sign-in', function () {
  this.timeout(60_000);
  let m: TestManager;

  beforeEach(async () => {
    m = await startTestManager();
  });
  afterEach(async () => m.stop());

  const auditOf = async (base: string, token: string): Promise<Entry[]> => {
    const res = await request('GET', `${base}/v1/audit`, { token });
    assert.equal(res.status, 200, res.text);
    return (res.body as { entries: Entry[] }).entries;
  };
  const signIn = (token: string): Promise<TestResponse> => request('POST', `${m.url}/v1/session`, { body: { token } });
  const countOf = (entries: Entry[], action: string, actor: string): number =>
    entries.filter((e) => e.action === action && e.actor === actor).reduce((sum, e) => sum + e.count, 0);

  it('refuses a sign-in flood with a valid viewer token (429, Retry-After), and the first audit page still shows the last real change', async () => {
    const viewer = (await m.api('POST', '/v1/tokens', { body: { role: 'viewer', description: 'flooding viewer' } })).body as { token: string };
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'LAST_REAL_CHANGE', value: canary('flood') } })).status, 201);
    const attempts = 300;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < attempts; i++) {
      const res = await signIn(viewer.token);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter ??= res.headers.get('retry-after');
        assert.equal((res.body as { error: string }).error, 'rate_limited');
        assert.equal(res.headers.get('set-cookie'), null, 'a refused sign-in opens no session');
      }
    }
    const signedIn = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    assert.equal(signedIn + refused, attempts, `only 200 and 429: ${[...new Set(statuses)].join(', ')}`);
    assert.ok(signedIn > 0 && refused >= attempts - 20, `${signedIn} signed in, ${refused} refused`);
    assert.match(retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');

    const entries = await auditOf(m.url, m.adminToken);
    assert.ok(
      entries.slice(0, 5).some((e) => e.action === 'secret.create' && e.target === 'LAST_REAL_CHANGE'),
      `first entries: ${entries.slice(0, 5).map((e) => e.action).join(', ')}`,
    );
    assert.ok(entries.filter((e) => e.action.startsWith('session.')).length <= 2, 'the flood is folded into an entry or two');
    // Folded, not dropped: every attempt is counted.
    assert.equal(countOf(entries, 'session.create', 'flooding viewer'), signedIn);
    assert.equal(countOf(entries, 'session.limit', 'flooding viewer'), refused);
  });

  it('answers wrong-token guesses 429 once an address is over its budget, while a valid token keeps reading', async () => {
    const value = canary('guess-value');
    assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'GUESSED', value } })).status, 201);
    const reader = await m.readToken('demo');
    const guesses: string[] = [];
    let limited = 0;
    for (let i = 0; i < 200; i++) {
      const guess = `ssm_${canary('guess')}`;
      guesses.push(guess);
      // The plain read is the fleet's fast path, which hands an unknown token to the checks every route has.
      const res = await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: guess });
      assert.ok(res.status === 401 || res.status === 429, `guess ${i}: ${res.status}`);
      if (res.status === 429) {
        limited++;
        assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
        assert.equal((res.body as { error: string }).error, 'rate_limited');
      }
      if (i % 20 === 19) {
        const read = await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: reader });
        assert.equal(read.status, 200, `a valid read during the flood (after guess ${i})`);
        assert.equal((read.body as { secrets: Record<string, string> }).secrets.GUESSED, value);
        const poll = await request('GET', `${m.url}/v1/spaces/demo/secrets/meta`, { token: reader });
        assert.equal(poll.status, 200, 'a valid token on an Express route during the flood');
      }
    }
    assert.ok(limited >= 150, `${limited} of 200 guesses refused with 429`);
    const guessedSignIn = await signIn(`ssm_${canary('sign-in-guess')}`);
    assert.equal(guessedSignIn.status, 429, 'sign-in guesses share the address budget');

    const entries = await auditOf(m.url, m.adminToken);
    const trips = entries.filter((e) => e.action === 'auth.limit');
    assert.equal(trips.length, 1, 'one folded entry for the whole flood');
    assert.equal(trips[0]?.count, limited + 1);
    assert.ok(trips[0]?.ip, 'with the address');
    const text = JSON.stringify(entries);
    for (const guess of guesses) assert.ok(!text.includes(guess), 'no guessed token in the audit');
    for (const line of m.logs) assert.ok(!guesses.some((g) => line.includes(g)), 'no guessed token in the log');
  });

  it('audits failed sign-ins (folded per address, never the token) and sign-outs', async () => {
    const reader = (await m.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'a plugin token' } })).body as { token: string };
    const wrong = [canary('wrong-a'), canary('wrong-b'), canary('wrong-c')];
    for (const token of wrong) assert.equal((await signIn(token)).status, 401);
    assert.equal((await signIn(reader.token)).status, 403);
    const admin = await signIn(m.adminToken);
    assert.equal(admin.status, 200);
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.equal((await request('DELETE', `${m.url}/v1/session`, { headers: { cookie, ...CONSOLE } })).status, 204);

    const entries = await auditOf(m.url, m.adminToken);
    assert.deepEqual(
      entries.slice(0, 5).map((e) => `${e.action} ${e.actor} ×${e.count}`),
      [
        'session.delete from SECRET_MANAGER_ADMIN_TOKEN ×1',
        'session.create from SECRET_MANAGER_ADMIN_TOKEN ×1',
        'session.fail a plugin token ×1',
        'session.fail unknown token ×3',
        'token.create from SECRET_MANAGER_ADMIN_TOKEN ×1',
      ],
    );
    assert.ok(entries.slice(0, 5).every((e) => e.ip !== null), 'from which address');
    const text = JSON.stringify(entries);
    for (const token of [...wrong, reader.token, m.adminToken]) assert.ok(!text.includes(token), 'no token in the audit');
  });

  describe('a crash between a change and its audit entry', () => {
    let dataDir: string;
    let serve: ServeProcess | undefined;

    beforeEach(() => {
      dataDir = tempDir();
    });
    afterEach(async () => {
      if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
        serve.child.kill('SIGKILL');
        await serve.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('commits neither when the manager is killed with SIGKILL at the audit write', async () => {
      serve = await startServe(dataDir, { NODE_OPTIONS: `--require ${KILL_HOOK}`, [KILL_AT_AUDIT_ENV]: 'DIES_MID_WRITE' });
      const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
      const secrets = `${serve.url}/v1/spaces/demo/secrets`;
      assert.equal((await request('POST', secrets, { token: admin, body: { name: 'BEFORE_CRASH', value: canary('before') } })).status, 201);
      await assert.rejects(request('POST', secrets, { token: admin, body: { name: 'DIES_MID_WRITE', value: canary('dies') } }), 'the process died mid-request');
      assert.equal(await serve.exited, 'SIGKILL');

      serve = await startServe(dataDir);
      const meta = await request('GET', `${serve.url}/v1/spaces/demo/secrets/meta`, { token: admin });
      const stored = (meta.body as { secrets: { name: string }[] }).secrets.map((s) => s.name).sort();
      const audited = (await auditOf(serve.url, admin)).filter((e) => e.action === 'secret.create').map((e) => e.target).sort();
      assert.deepEqual(stored, audited, 'every stored secret has its audit entry, and every entry its change');
      assert.deepEqual(stored, ['BEFORE_CRASH']);
    });
  });
});
