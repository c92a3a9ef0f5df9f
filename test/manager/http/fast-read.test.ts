// Tests for src/manager/lib/http/fast-read.ts: the fleet's plain poll answered without Express, exactly as Express would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { openDatabase } from 'secret-sync-manager/dist/database';
import { FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { fastRead } from 'secret-sync-manager/dist/http/fast-read';
import { createLogger } from 'secret-sync-manager/dist/logger';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { TokenStore } from 'secret-sync-manager/dist/token-store';
import { startFastPathServer } from '../../helpers/fast-path-server';
import type { FastPathServer } from '../../helpers/fast-path-server';
import { request } from '../../helpers/http';
import { canary, startTestManager, tempDir } from '../../helpers/manager';

/** Status, the headers that matter, and the body: what a client can tell apart. */
async function answer(url: string, token: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await request('GET', url, { token, headers });
  const kept = ['cache-control', 'etag', 'content-type', 'content-length'];
  return { status: res.status, headers: Object.fromEntries(kept.map((h) => [h, res.headers.get(h)])), text: res.text };
}

describe('manager/http fast read', () => {
  it('answers 200 and 304 with the same headers and body as the Express route', async () => {
    const m = await startTestManager();
    try {
      const value = canary('fast');
      await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'A', value } });
      await m.api('POST', '/v1/org/secrets', { body: { name: 'ORG', value: { user: 'u', pass: 'org-pass-1' } } });
      const token = await m.readToken('demo');
      const fast = `${m.url}/v1/spaces/demo/secrets`;
      // A query sends the request past the fast path to Express; wait=0 answers at once.
      const express = `${fast}?wait=0&version=0`;
      const full = await answer(fast, token);
      assert.deepEqual(full, await answer(express, token));
      assert.match((full as { text: string }).text, new RegExp(value));
      const etag = (full as { headers: { etag: string } }).headers.etag;
      const conditional = await answer(fast, token, { 'if-none-match': `W/"x", ${etag}` });
      assert.equal((conditional as { status: number }).status, 304);
      assert.deepEqual(conditional, await answer(express, token, { 'if-none-match': etag }));
      assert.ok(m.logs.some((line) => line.includes('GET /v1/spaces/demo/secrets 200')), 'reads are logged at debug, path only');
      assert.equal(m.logs.some((line) => line.includes(value) || line.includes(token)), false);
    } finally {
      await m.stop();
    }
  });

  describe('as a handler in front of another', () => {
    let server: FastPathServer;
    let url: string;
    let passed: string[];
    let tokens: TokenStore;
    let fleet: FleetStore;
    let secrets: SecretStore;
    const db = openDatabase(join(tempDir(), 'secrets.db'));

    before(async () => {
      secrets = new SecretStore(db, new Cipher(randomBytes(32)), new ChangeFeed());
      secrets.create({ kind: 'space', space: 'demo' }, { name: 'A', value: 'a-value-1', description: '' }, MANAGER_ACTOR);
      tokens = new TokenStore(db);
      fleet = new FleetStore(db);
      const fast = fastRead({ secrets, tokens, fleet, instanceId: 'db1', logger: createLogger({ level: 'error', sink: () => undefined }) });
      server = await startFastPathServer(fast);
      ({ url, passed } = server);
    });
    after(() => {
      server.close();
      fleet.close();
      db.close();
    });

    it('passes on everything it does not answer: other paths, queries, methods, missing, revoked or foreign tokens', async () => {
      const reader = tokens.create({ role: 'read', space: 'demo', description: 'r' }, MANAGER_ACTOR);
      const admin = tokens.create({ role: 'admin', space: null, description: 'a' }, MANAGER_ACTOR);
      const other = tokens.create({ role: 'read', space: 'other', description: 'o' }, MANAGER_ACTOR);
      const revoked = tokens.create({ role: 'read', space: 'demo', description: 'x' }, MANAGER_ACTOR);
      tokens.revoke(revoked.record.id, MANAGER_ACTOR);
      assert.equal((await request('GET', `${url}/v1/spaces/demo/secrets`, { token: reader.token })).status, 200);
      const cases: [string, string, string | undefined][] = [
        ['GET', '/v1/spaces/demo/secrets?wait=5&version=1', reader.token],
        ['GET', '/v1/spaces/demo/secrets/meta', reader.token],
        ['HEAD', '/v1/spaces/demo/secrets', reader.token],
        ['GET', '/v1/spaces/de%6do/secrets', reader.token],
        ['GET', '/v1/spaces/demo/secrets', undefined],
        ['GET', '/v1/spaces/demo/secrets', revoked.token],
        ['GET', '/v1/spaces/demo/secrets', other.token],
        ['GET', '/v1/spaces/demo/secrets', 'not-a-token'],
        ['GET', '/v1/spaces/__proto__/secrets', admin.token],
      ];
      for (const [method, path, token] of cases) {
        const res = await request(method, url + path, token === undefined ? {} : { token });
        assert.equal(res.status, 418, `${method} ${path}`);
      }
      assert.equal(passed.length, cases.length);
    });

    it('passes the request on, with no header set, when reading the answer fails, and the server goes on', async () => {
      const reader = tokens.create({ role: 'read', space: 'demo', description: 'r' }, MANAGER_ACTOR);
      const readBody = secrets.readBody.bind(secrets);
      secrets.readBody = () => {
        throw new Error('disk I/O error');
      };
      try {
        const before = passed.length;
        assert.equal((await request('GET', `${url}/v1/spaces/demo/secrets`, { token: reader.token })).status, 418);
        assert.equal(passed.length, before + 1);
      } finally {
        secrets.readBody = readBody;
      }
      assert.equal((await request('GET', `${url}/v1/spaces/demo/secrets`, { token: reader.token })).status, 200);
    });

    it('records the instance that polled, and the version it now has', async () => {
      const reader = tokens.create({ role: 'read', space: 'demo', description: 'r' }, MANAGER_ACTOR);
      await request('GET', `${url}/v1/spaces/demo/secrets`, { token: reader.token, headers: { 'x-secret-sync-instance': 'node-a; name=host-a; version=1.2.3' } });
      const [instance] = fleet.page('demo', 10).instances;
      assert.equal(instance?.id, 'node-a');
      assert.equal(instance?.syncedVersion, 1);
    });
  });
});
