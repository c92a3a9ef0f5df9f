// Tests for src/providers/vault/vault-auth.ts with a scripted Vault and fake timers: renewal stops at the token's maximum TTL.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { VaultAuth } from '../../../src/providers/vault/vault-auth';
import type { VaultAnswer, VaultHttp, VaultRequest } from '../../../src/providers/vault/vault-http';

/** A Vault whose tokens live `ttl` seconds per renewal, but never past `maxTtl` seconds after creation. */
function scriptedVault(clock: sinon.SinonFakeTimers, ttl: number, maxTtl: number): { http: VaultHttp; calls: string[] } {
  const calls: string[] = [];
  const start = clock.now;
  const createdAt = new Map<string, number>([['tok', clock.now]]);
  const left = (token: string | undefined): number => Math.max(0, Math.min(ttl, Math.floor(((createdAt.get(token ?? '') ?? 0) + maxTtl * 1000 - clock.now) / 1000)));
  const answer = (body: unknown): VaultAnswer => ({ status: 200, body, retryAfter: undefined, address: 'http://vault' });
  const send = (request: VaultRequest): Promise<VaultAnswer> => {
    calls.push(request.path === 'auth/token/renew-self' ? `renew@${(clock.now - start) / 1000}` : request.path);
    const token = request.token;
    if (request.path === 'auth/token/lookup-self') return Promise.resolve(answer({ data: { ttl: left(token), renewable: true } }));
    if (request.path === 'auth/token/renew-self') return Promise.resolve(answer({ auth: { client_token: token, lease_duration: left(token), renewable: true } }));
    if (request.path === 'auth/approle/login') {
      const fresh = `login-${calls.length}`;
      createdAt.set(fresh, clock.now);
      return Promise.resolve(answer({ auth: { client_token: fresh, lease_duration: left(fresh), renewable: true } }));
    }
    return Promise.resolve({ status: 404, body: undefined, retryAfter: undefined, address: 'http://vault' });
  };
  return { http: { send } as unknown as VaultHttp, calls };
}

describe('providers/vault/vault-auth', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: Date.parse('2026-11-29T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] })));
  afterEach(() => clock.restore());

  it('renews a token by timer, and stops renewing once a renewal no longer moves its expiry', async () => {
    const vault = scriptedVault(clock, 30, 100);
    const auth = new VaultAuth(vault.http, { kind: 'token', token: 'tok' });
    assert.equal(await auth.token(new AbortController().signal), 'tok');
    await clock.tickAsync(300_000);
    const renewals = vault.calls.filter((path) => path.startsWith('renew@')).length;
    // Renewals at 20 s, 40 s (30 s each), 60 s, 80 s (capped: 30 s, then 20 s left, no longer moved), then none.
    assert.ok(renewals >= 3 && renewals <= 5, `${renewals} renewals: ${vault.calls.join(', ')}`);
    auth.close();
  });

  it('logs in again with AppRole at a capped token instead of renewing it ever more often', async () => {
    const vault = scriptedVault(clock, 30, 45);
    const auth = new VaultAuth(vault.http, { kind: 'approle', roleId: 'role', secretId: 'secret-id' });
    await auth.token(new AbortController().signal);
    await clock.tickAsync(120_000);
    const renewals = vault.calls.filter((path) => path.startsWith('renew@')).length;
    const logins = vault.calls.filter((path) => path === 'auth/approle/login').length;
    assert.ok(renewals <= 12, `${renewals} renewals in 2 minutes`);
    assert.ok(logins >= 2, `${logins} logins`);
    auth.close();
  });
});
