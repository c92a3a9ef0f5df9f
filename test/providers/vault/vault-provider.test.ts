// Tests for src/providers/vault/ against a real OpenBao dev server: layouts, scopes, cheap polls, AppRole, namespaces, 403 and 404.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import type { VaultOptions } from '../../../src/providers/vault/vault-options';
import { canary, tempDir } from '../../helpers/manager';
import { countBaoTests, requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';
import { failure, secretsOf } from '../../helpers/provider-results';

const signal = (): AbortSignal => AbortSignal.timeout(10_000);

describe('providers/vault against a real OpenBao dev server', function () {
  this.timeout(60_000);
  countBaoTests(this, 'provider');
  let bao: BaoDev;
  const token = canary('vault-api-token');
  const pass = canary('vault-mqtt-pass');
  const base = (): VaultOptions => ({ addresses: [bao.url], space: 'demo', token: bao.rootToken, mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' });

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
    await bao.put('spaces/demo/API_TOKEN', { value: token });
    await bao.put('spaces/demo/MQTT', { username: 'device-1', password: pass });
    await bao.put('spaces/_org/SHARED', { value: 'org-shared-value' });
    await bao.put('spaces/_org/API_TOKEN', { value: 'org-value-loses' });
    await bao.put('spaces/other/API_TOKEN', { value: 'another-space' });
    await bao.put('spaces/demo-entry', { API_TOKEN: token, PORT: 1883, MQTT: { username: 'device-1', password: pass } });
  });

  after(async () => bao?.stop());

  describe('folder layout', () => {
    it('reads string and multi-pair secrets, organization keys, and the space wins a clash', async () => {
      const provider = new VaultProvider(base());
      assert.deepEqual(secretsOf(await provider.fetch({ signal: signal() })), {
        API_TOKEN: token,
        MQTT: { username: 'device-1', password: pass },
        SHARED: 'org-shared-value',
      });
      assert.equal(provider.address, bao.url);
      provider.close();
    });

    it('answers "unchanged" for an unchanged space with metadata reads only, and reads only the key that moved', async () => {
      const provider = new VaultProvider(base());
      const first = await provider.fetch({ signal: signal() });
      assert.equal(first.status, 'changed');
      const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
      const before = provider.requests;
      assert.deepEqual(await provider.fetch({ etag, signal: signal() }), { status: 'unchanged' });
      // lookup-self is done once; then LIST space + LIST org + one metadata read per key (3 keys).
      assert.equal(provider.requests - before, 5);
      await bao.put('spaces/demo/API_TOKEN', { value: `${token}-rotated` });
      const counted = provider.requests;
      const next = secretsOf(await provider.fetch({ etag, signal: signal() }));
      assert.equal(next.API_TOKEN, `${token}-rotated`);
      assert.equal(provider.requests - counted, 6, 'five reads as before, plus one data read for the moved key');
      await bao.put('spaces/demo/API_TOKEN', { value: token });
      provider.close();
    });

    it('sees created and deleted keys (a deleted version counts as gone)', async () => {
      const provider = new VaultProvider(base());
      await bao.put('spaces/demo/NEW_ONE', { value: 'new-value-1' });
      assert.equal(secretsOf(await provider.fetch({ signal: signal() })).NEW_ONE, 'new-value-1');
      assert.equal((await bao.api('DELETE', 'secret/data/spaces/demo/NEW_ONE')).status, 204);
      assert.ok(!('NEW_ONE' in secretsOf(await provider.fetch({ signal: signal() }))));
      assert.equal((await bao.api('DELETE', 'secret/metadata/spaces/demo/NEW_ONE')).status, 204);
      provider.close();
    });

    it('never reads a listed name flows cannot address, and hands it on to be reported as skipped', async () => {
      const odd = 'odd<img src=x onerror=alert(1)>';
      await bao.put('spaces/oddspace/GOOD', { value: 'good-value' });
      await bao.put(`spaces/oddspace/${encodeURIComponent(odd)}`, { value: 'never-read-value' });
      const provider = new VaultProvider({ ...base(), space: 'oddspace', orgPath: '' });
      const before = provider.requests;
      assert.deepEqual(secretsOf(await provider.fetch({ signal: signal() })), { [odd]: '', GOOD: 'good-value' });
      // lookup-self, LIST, then one metadata and one data read: of GOOD only.
      assert.equal(provider.requests - before, 4);
      provider.close();
    });

    it('fails with not_found, never an empty space, on a mistyped prefix or space', async () => {
      for (const options of [{ ...base(), pathPrefix: 'spacez' }, { ...base(), space: 'nope' }, { ...base(), mount: 'secrett' }]) {
        const error = await failure(new VaultProvider(options).fetch({ signal: signal() }));
        assert.equal(error.code, 'not_found', error.message);
        assert.equal(error.retryable, false);
        assert.match(error.message, /vault\.mount, vault\.pathPrefix/);
      }
    });
  });

  describe('entry layout', () => {
    it('reads the fields of one KV secret, and an unchanged space costs one metadata read', async () => {
      const provider = new VaultProvider({ ...base(), space: 'demo-entry', layout: 'entry' });
      const first = await provider.fetch({ signal: signal() });
      // A number is handed on as sent: the snapshot skips it (test/providers/vault/vault-space-rules.test.ts).
      assert.deepEqual(secretsOf(first), { API_TOKEN: token, PORT: 1883, MQTT: { username: 'device-1', password: pass } });
      const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
      assert.equal(first.status === 'changed' ? first.version : null, 1);
      const before = provider.requests;
      assert.deepEqual(await provider.fetch({ etag, signal: signal() }), { status: 'unchanged' });
      assert.equal(provider.requests - before, 1);
      provider.close();
    });
  });

  describe('auth and access', () => {
    before(async () => {
      const policy = [
        'path "secret/data/spaces/demo/*" { capabilities = ["read"] }',
        'path "secret/metadata/spaces/demo/*" { capabilities = ["read", "list"] }',
        'path "secret/data/spaces/_org/*" { capabilities = ["read"] }',
        'path "secret/metadata/spaces/_org/*" { capabilities = ["read", "list"] }',
      ].join('\n');
      assert.equal((await bao.api('PUT', 'sys/policies/acl/demo-read', { body: { policy } })).status, 204);
      assert.equal((await bao.api('POST', 'sys/auth/approle', { body: { type: 'approle' } })).status, 204);
      assert.equal((await bao.api('POST', 'auth/approle/role/node-red-demo', { body: { token_policies: ['demo-read'], token_ttl: '1h' } })).status, 204);
    });

    async function appRole(): Promise<{ roleId: string; secretId: string }> {
      const role = await bao.api('GET', 'auth/approle/role/node-red-demo/role-id');
      const secret = await bao.api('POST', 'auth/approle/role/node-red-demo/secret-id');
      return { roleId: (role.body as { data: { role_id: string } }).data.role_id, secretId: (secret.body as { data: { secret_id: string } }).data.secret_id };
    }

    it('logs in with AppRole (secret ID from a file) and logs in again after the token is revoked', async () => {
      const { roleId, secretId } = await appRole();
      const file = join(tempDir('vault-secret-id-'), 'secret-id');
      writeFileSync(file, `${secretId}\n`);
      const provider = new VaultProvider({ ...base(), token: '', roleId, secretIdFile: file });
      assert.equal(secretsOf(await provider.fetch({ signal: signal() })).API_TOKEN, token);
      // What `bao token revoke` does to every token AppRole handed out.
      assert.equal((await bao.api('PUT', 'sys/leases/revoke-prefix/auth/approle/login')).status, 204);
      assert.equal(secretsOf(await provider.fetch({ signal: signal() })).API_TOKEN, token);
      provider.close();
    });

    it('names the path the policy must allow when it forbids a read (403, no retry)', async () => {
      const { roleId, secretId } = await appRole();
      const error = await failure(new VaultProvider({ ...base(), token: '', roleId, secretId, space: 'other' }).fetch({ signal: signal() }));
      assert.equal(error.code, 'forbidden');
      assert.equal(error.retryable, false);
      assert.match(error.message, /must allow "list" on "secret\/metadata\/spaces\/other\/"/);
    });

    it('reports a token Vault does not know (wrong, revoked) as vault_token_invalid naming the token settings, not as a policy problem', async () => {
      const wrong = canary('wrong-vault-token');
      const created = await bao.api('POST', 'auth/token/create', { body: { policies: ['demo-read'], ttl: '1h' } });
      const revoked = (created.body as { auth: { client_token: string } }).auth.client_token;
      const live = new VaultProvider({ ...base(), token: revoked });
      assert.equal(secretsOf(await live.fetch({ signal: signal() })).API_TOKEN, token, 'the token works before it is revoked');
      assert.equal((await bao.api('POST', 'auth/token/revoke', { body: { token: revoked } })).status, 204);
      for (const [what, provider] of [
        ['wrong', new VaultProvider({ ...base(), token: wrong })],
        ['revoked after use', live],
      ] as const) {
        const error = await failure(provider.fetch({ signal: signal() }));
        assert.equal(error.code, 'vault_token_invalid', what);
        assert.equal(error.retryable, false);
        assert.match(error.message, /unknown, expired or revoked/);
        assert.match(error.message, /secretSync\.token or secretSync\.tokenFile/);
        assert.doesNotMatch(error.message, /policy/, `${what}: not a policy hint`);
        for (const secret of [wrong, revoked]) assert.ok(!JSON.stringify({ m: error.message, e: error }).includes(secret), `${what}: no token in the error`);
        provider.close();
      }
    });

    it('keeps the policy hint for a valid token whose policy lacks the path', async () => {
      const created = await bao.api('POST', 'auth/token/create', { body: { policies: ['demo-read'], ttl: '1h' } });
      const valid = (created.body as { auth: { client_token: string } }).auth.client_token;
      const provider = new VaultProvider({ ...base(), token: valid, space: 'other' });
      const error = await failure(provider.fetch({ signal: signal() }));
      assert.equal(error.code, 'forbidden');
      assert.match(error.message, /must allow "list" on "secret\/metadata\/spaces\/other\/"/);
      provider.close();
    });

    it('refuses a wrong secret ID as unauthorized, without the secret in the message', async () => {
      const { roleId } = await appRole();
      const wrong = canary('wrong-secret-id');
      const error = await failure(new VaultProvider({ ...base(), token: '', roleId, secretId: wrong }).fetch({ signal: signal() }));
      assert.equal(error.code, 'unauthorized');
      assert.ok(!error.message.includes(wrong) && !JSON.stringify(error).includes(wrong));
    });

    it('renews a renewable token before it expires', async function () {
      this.timeout(30_000);
      // Long enough that a busy machine still looks it up well before it expires.
      const created = await bao.api('POST', 'auth/token/create', { body: { policies: ['demo-read'], ttl: '6s', renewable: true } });
      const short = (created.body as { auth: { client_token: string } }).auth.client_token;
      const provider = new VaultProvider({ ...base(), token: short });
      assert.equal(secretsOf(await provider.fetch({ signal: signal() })).API_TOKEN, token);
      // Past the first TTL: the renewal timer (at two thirds) has kept the token alive.
      await new Promise((r) => setTimeout(r, 7_500));
      assert.equal(secretsOf(await provider.fetch({ signal: signal() })).API_TOKEN, token);
      const lookup = await bao.api('POST', 'auth/token/lookup', { body: { token: short } });
      assert.equal(lookup.status, 200, 'the token is still alive');
      provider.close();
    });

    it('sends X-Vault-Namespace: reads the namespace given, and not the root one', async () => {
      assert.equal((await bao.api('POST', 'sys/namespaces/team-a')).status, 200);
      assert.equal((await bao.api('POST', 'sys/mounts/secret', { namespace: 'team-a', body: { type: 'kv', options: { version: '2' } } })).status, 204);
      const res = await bao.api('POST', 'secret/data/spaces/demo/API_TOKEN', { namespace: 'team-a', body: { data: { value: 'namespaced-value' } } });
      assert.equal(res.status, 200, res.text);
      const provider = new VaultProvider({ ...base(), namespace: 'team-a' });
      assert.deepEqual(secretsOf(await provider.fetch({ signal: signal() })), { API_TOKEN: 'namespaced-value' });
      provider.close();
    });
  });
});
