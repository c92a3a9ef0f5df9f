// Tests for src/manager/lib/http/fast-refuse.ts: wrong bearer tokens answered without Express, exactly as Express would, and counted by the same guard.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditStore, MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { openDatabase } from 'secret-sync-manager/dist/database';
import { AuthGuard } from 'secret-sync-manager/dist/http/auth-guard';
import { fastRefuse } from 'secret-sync-manager/dist/http/fast-refuse';
import { createLogger } from 'secret-sync-manager/dist/logger';
import { TokenStore } from 'secret-sync-manager/dist/token-store';
import { startFastPathServer } from '../../helpers/fast-path-server';
import type { FastPathServer } from '../../helpers/fast-path-server';
import { request } from '../../helpers/http';
import { startTestManager, tempDir } from '../../helpers/manager';

/** Status, the headers that matter, and the body: what a client can tell apart. */
async function answer(method: string, url: string, token: string): Promise<unknown> {
  const res = await request(method, url, { token });
  const kept = ['cache-control', 'content-type', 'www-authenticate', 'retry-after'];
  return { status: res.status, headers: Object.fromEntries(kept.map((h) => [h, res.headers.get(h)])), body: res.body };
}

describe('manager/http fast refusal of wrong tokens', () => {
  it('answers a wrong token as the Express route does, 401 and then 429, on any /v1 path, and never lets it through', async () => {
    const m = await startTestManager({ limits: { auth: { failuresPerAddress: 3, signInsPerToken: 10, windowSeconds: 60 } } });
    try {
      const guesses = ['GET /v1/spaces/demo/secrets', 'POST /v1/tokens', 'GET /v1/audit', 'DELETE /v1/spaces/demo/secrets/A', 'GET /v1/no-such-route'];
      const answers = [];
      for (const guess of guesses) {
        const [method, path] = guess.split(' ') as [string, string];
        answers.push(await answer(method, m.url + path, `ssm_wrong_${answers.length}`));
      }
      const unauthorized = {
        status: 401,
        headers: { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token"', 'retry-after': null },
        body: { error: 'unauthorized', message: 'The token is unknown or has been revoked' },
      };
      assert.deepEqual(answers.slice(0, 3), [unauthorized, unauthorized, unauthorized]);
      for (const limited of answers.slice(3)) {
        assert.equal((limited as { status: number }).status, 429);
        assert.equal((limited as { body: { error: string } }).body.error, 'rate_limited');
        assert.match((limited as { headers: Record<string, string> }).headers['retry-after'] ?? '', /^\d+$/);
      }
      const audit = (await m.api('GET', '/v1/audit')).body as { entries: { action: string; count: number }[] };
      assert.deepEqual(
        audit.entries.filter((e) => e.action === 'auth.limit').map((e) => e.count),
        [2],
        'one folded entry for the refusals',
      );
      assert.equal(m.logs.some((line) => line.includes('ssm_wrong_')), false, 'no guess in any log line');
    } finally {
      await m.stop();
    }
  });

  describe('as a handler in front of another', () => {
    let server: FastPathServer;
    let url: string;
    let passed: string[];
    let tokens: TokenStore;
    const db = openDatabase(join(tempDir(), 'secrets.db'));

    before(async () => {
      tokens = new TokenStore(db);
      const logger = createLogger({ level: 'error', sink: () => undefined });
      const guard = new AuthGuard(new AuditStore(db), logger);
      const refuse = fastRefuse({ tokens, guard, logger });
      server = await startFastPathServer(refuse);
      ({ url, passed } = server);
    });
    after(() => {
      server.close();
      db.close();
    });

    it('answers wrong and revoked tokens itself, and passes on valid tokens, no token, sessions and paths outside /v1', async () => {
      const reader = tokens.create({ role: 'read', space: 'demo', description: 'r' }, MANAGER_ACTOR);
      const revoked = tokens.create({ role: 'read', space: 'demo', description: 'x' }, MANAGER_ACTOR);
      tokens.revoke(revoked.record.id, MANAGER_ACTOR);
      assert.equal((await request('GET', `${url}/v1/spaces/demo/secrets`, { token: 'ssm_guess' })).status, 401);
      assert.equal((await request('POST', `${url}/v1/tokens`, { token: revoked.token, body: {} })).status, 401);
      const cases: [string, string, string | undefined][] = [
        ['GET', '/v1/spaces/demo/secrets', reader.token],
        ['PUT', '/v1/spaces/demo/instances/i-1/usage', reader.token],
        ['GET', '/v1/spaces/demo/secrets', undefined],
        ['POST', '/v1/session', 'ssm_guess'],
        ['DELETE', '/v1/session', 'ssm_guess'],
        ['GET', '/healthz', 'ssm_guess'],
        ['GET', '/index.html', 'ssm_guess'],
      ];
      for (const [method, path, token] of cases) {
        const res = await request(method, url + path, token === undefined ? {} : { token });
        assert.equal(res.status, 418, `${method} ${path}`);
      }
      assert.equal(passed.length, cases.length);
    });
  });
});
