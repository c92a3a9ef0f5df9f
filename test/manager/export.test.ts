// `secret-manager export` end to end: the script it writes, run against a real OpenBao, gives the Vault provider the very secrets the manager serves.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { VaultProvider } from '../../src/providers/vault/vault-provider';
import { runCli } from '../helpers/cli';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { countBaoTests, requireBao, startBaoDev } from '../helpers/openbao';
import type { BaoDev } from '../helpers/openbao';

describe('manager/export to OpenBao', function () {
  this.timeout(60_000);
  countBaoTests(this, 'export');
  let manager: TestManager;
  let bao: BaoDev;
  const values = [canary('export-token'), canary('export-pass'), canary('export-org'), canary('export-space-wins')];

  before(async function () {
    requireBao(this);
    manager = await startTestManager();
    bao = await startBaoDev();
    const add = async (path: string, name: string, value: unknown): Promise<void> => {
      assert.equal((await manager.api('POST', path, { body: { name, value } })).status, 201);
    };
    await add('/v1/spaces/demo/secrets', 'API_TOKEN', `${values[0]} "quoted" $HOME \`x\``);
    await add('/v1/spaces/demo/secrets', 'MQTT', { username: 'device-1', password: values[1]! });
    await add('/v1/org/secrets', 'SHARED', values[2]);
    await add('/v1/org/secrets', 'CLASH', 'org-value-loses');
    await add('/v1/spaces/demo/secrets', 'CLASH', values[3]);
    await add('/v1/spaces/other/secrets', 'ONLY_OTHER', 'other-space');
  });

  after(async () => {
    await bao?.stop();
    await manager?.stop();
  });

  const served = async (space: string): Promise<unknown> => ((await manager.api('GET', `/v1/spaces/${space}/secrets`, { token: await manager.readToken(space) })).body as { secrets: unknown }).secrets;

  it('writes a bao script that keeps every value off the command line, and that gives the folder layout the same secrets', async () => {
    const result = await runCli(['--data-dir', manager.dataDir, 'export']);
    assert.equal(result.code, 0, result.stderr);
    const commands = result.stdout.split('\n').filter((line) => line.startsWith('bao '));
    assert.equal(commands.length, 6);
    for (const line of commands) for (const value of values) assert.ok(!line.includes(value), `a value on the command line: ${line}`);
    const run = spawnSync('sh', ['-c', result.stdout], { env: { ...process.env, BAO_ADDR: bao.url, BAO_TOKEN: bao.rootToken }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    for (const space of ['demo', 'other']) {
      const provider = new VaultProvider({ addresses: [bao.url], space, token: bao.rootToken, mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder' });
      const fetched = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
      assert.deepEqual(fetched.status === 'changed' ? fetched.secrets : undefined, await served(space));
      provider.close();
    }
  });

  it('writes JSON for the entry layout, each space with the organization keys it sees', async () => {
    const result = await runCli(['--data-dir', manager.dataDir, 'export', '--format', 'json', '--layout', 'entry', '--path-prefix', 'entries']);
    assert.equal(result.code, 0, result.stderr);
    const { mount, writes } = JSON.parse(result.stdout) as { mount: string; writes: { path: string; data: Record<string, unknown> }[] };
    for (const write of writes) assert.equal((await bao.api('POST', `${mount}/data/${write.path}`, { body: { data: write.data } })).status, 200);
    const provider = new VaultProvider({ addresses: [bao.url], space: 'demo', token: bao.rootToken, mount: 'secret', pathPrefix: 'entries', orgPath: '_org', layout: 'entry' });
    const fetched = await provider.fetch({ signal: AbortSignal.timeout(10_000) });
    assert.deepEqual(fetched.status === 'changed' ? fetched.secrets : undefined, await served('demo'));
    provider.close();
  });
});
