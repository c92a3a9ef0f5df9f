// Tests for src/providers/vault/vault-write.ts against a real OpenBao: a move's create in the folder and entry layouts, never overwriting, with the move's token only.
import assert from 'node:assert/strict';
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import type { VaultOptions } from '../../../src/providers/vault/vault-options';
import { SyncError } from '../../../src/shared/sync-error';
import { canary } from '../../helpers/manager';
import { countBaoTests, requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';

describe('providers/vault: createSecret for a move, against a real OpenBao', function () {
  this.timeout(60_000);
  countBaoTests(this, 'vault-write');
  let bao: BaoDev;
  let readOnly = '';
  const base = (layout: 'folder' | 'entry'): VaultOptions => ({ addresses: [bao.url], space: 'demo', token: 'the-plugin-token-is-not-used', mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout });
  const signal = (): AbortSignal => AbortSignal.timeout(10_000);
  const data = async (path: string): Promise<Record<string, unknown> | undefined> => ((await bao.api('GET', `secret/data/${path}`)).body as { data?: { data?: Record<string, unknown> } } | undefined)?.data?.data;
  const code = async (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (err: unknown) => (err instanceof SyncError ? err.code : String(err)));

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
    await bao.api('PUT', 'sys/policies/acl/read-only', { body: { policy: 'path "secret/data/*" { capabilities = ["read"] }' } });
    readOnly = ((await bao.api('POST', 'auth/token/create', { body: { policies: ['read-only'] } })).body as { auth: { client_token: string } }).auth.client_token;
    await bao.put('spaces/demo-entry', { KEEP: 'kept-value' });
  });
  after(async () => bao?.stop());

  it('folder layout: creates <pathPrefix>/<space>/<NAME>, says existed for the same value, refuses another, and a read-only token', async () => {
    const value = canary('vault-move');
    const provider = new VaultProvider(base('folder'));
    const create = (name: string, v: string, credential = bao.rootToken, scope: 'space' | 'org' = 'space'): Promise<{ existed: boolean }> => provider.createSecret({ name, value: v, scope, credential, signal: signal() });
    assert.equal(await code(create('MOVED_RO', value, readOnly)), 'credential_refused');
    assert.equal(await data('spaces/demo/MOVED_RO'), undefined);
    assert.deepEqual(await create('MOVED', value), { existed: false });
    assert.deepEqual(await data('spaces/demo/MOVED'), { value });
    assert.deepEqual(await create('MOVED', value), { existed: true });
    assert.equal(await code(create('MOVED', canary('other'))), 'secret_exists');
    assert.deepEqual(await data('spaces/demo/MOVED'), { value });
    assert.deepEqual(await create('ORG_MOVED', value, bao.rootToken, 'org'), { existed: false });
    assert.deepEqual(await data('spaces/_org/ORG_MOVED'), { value });
    // The space's own key wins over the organization's: another value there stops an organization move.
    assert.equal(await code(create('MOVED', canary('org'), bao.rootToken, 'org')), 'secret_exists');
    provider.close();
  });

  it('entry layout: adds one field to the space entry with check-and-set, keeps the others, has no organization', async () => {
    const value = canary('vault-entry-move');
    const provider = new VaultProvider({ ...base('entry'), space: 'demo-entry' });
    assert.deepEqual(await provider.createSecret({ name: 'ADDED', value, scope: 'space', credential: bao.rootToken, signal: signal() }), { existed: false });
    assert.deepEqual(await data('spaces/demo-entry'), { KEEP: 'kept-value', ADDED: value });
    assert.equal(await code(provider.createSecret({ name: 'KEEP', value, scope: 'space', credential: bao.rootToken, signal: signal() })), 'secret_exists');
    assert.equal(await code(provider.createSecret({ name: 'X', value, scope: 'org', credential: bao.rootToken, signal: signal() })), 'move_unsupported');
    assert.equal(await code(provider.createSecret({ name: 'RO', value, scope: 'space', credential: readOnly, signal: signal() })), 'credential_refused');
    provider.close();
  });
});
