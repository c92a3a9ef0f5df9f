// README "Scale out with OpenBao or Vault", run as written against a fresh OpenBao server that is not in dev mode: its policy, set-up commands and read token, then a sync in each layout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import { memoryLogger } from '../../helpers/logger';
import { canary, tempDir } from '../../helpers/manager';
import { REPO_ROOT } from '../../helpers/node-red';
import { countBaoTests, requireBao, startBaoCluster } from '../../helpers/openbao';
import type { BaoCluster } from '../../helpers/openbao';

/** The README's "Scale out with OpenBao or Vault" section. */
function vaultSection(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Scale out with OpenBao or Vault');
  assert.ok(start >= 0, 'the README has the section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of `language` in `text`. */
function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

describe("README's OpenBao set-up, run as written against a server that is not in dev mode", function () {
  this.timeout(120_000);
  countBaoTests(this, 'README');
  let server: BaoCluster;
  let dir: string;
  const apiToken = canary('readme-api-token');
  const mqttPassword = canary('readme-mqtt-password');
  const section = vaultSection();
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, BAO_ADDR: server.nodes[0]!.url, BAO_TOKEN: server.rootToken });
  const sh = (script: string): ReturnType<typeof spawnSync> => spawnSync('sh', ['-e', '-c', script], { cwd: dir, env: env(), encoding: 'utf8' });
  let readToken: string;

  before(async function () {
    requireBao(this);
    server = await startBaoCluster(1);
    dir = tempDir('bao-readme-');
  });

  after(async () => server?.stop());

  it('a server that is not in dev mode has no KV mount: a kv put fails until `bao secrets enable`', () => {
    const refused = sh('bao kv put -mount=secret spaces/production-line-3/X value=x');
    assert.notEqual(refused.status, 0);
    // Even the root token gets a 403 naming the mount, which reads like a permission problem.
    assert.match(String(refused.stderr), /preflight capability check returned 403, please ensure client.s policies grant access to path "secret\/"/);
    assert.ok(section.includes('preflight capability check returned 403'), 'the README quotes it');
  });

  it("runs the README's set-up block: mount, policy, secrets in both layouts, a read token in a file", () => {
    const policy = blocks(section, 'hcl').find((b) => b.includes('production-line-3'));
    assert.ok(policy, 'the README has the policy');
    writeFileSync(join(dir, 'line-3-read.hcl'), policy);
    const setup = blocks(section, 'sh').find((b) => b.includes('bao secrets enable'));
    assert.ok(setup, 'the README has the set-up block');
    for (const step of ['bao secrets enable -path=secret kv-v2', 'bao kv put -mount=secret spaces/production-line-3 - <<', 'mkdir -p /etc/node-red/secrets', 'bao token create']) {
      assert.ok(setup.includes(step), step);
    }
    writeFileSync(join(dir, 'api-token.txt'), apiToken);
    writeFileSync(join(dir, 'mqtt-password.txt'), mqttPassword);
    // As written, but with BAO_ADDR and BAO_TOKEN of the test server, and /etc/node-red/ inside the test's directory.
    const script = setup
      .split('\n')
      .filter((line) => !line.startsWith('export BAO_ADDR'))
      .join('\n')
      .replaceAll('/etc/node-red/', `${dir}/etc/node-red/`);
    const ran = sh(script);
    assert.equal(ran.status, 0, `${String(ran.stdout)}\n${String(ran.stderr)}`);
    readToken = readFileSync(join(dir, 'etc/node-red/secrets/bao-token'), 'utf8').trim();
    assert.match(readToken, /^s\./, 'a token, alone in the file');
  });

  it('the token is an orphan, renewable for good (a period), and holds only the read policy', async () => {
    const lookup = await server.api('POST', 'auth/token/lookup', { body: { token: readToken } });
    const data = (lookup.body as { data: { orphan: boolean; period: number; renewable: boolean; policies: string[] } }).data;
    assert.deepEqual([data.orphan, data.renewable, data.period], [true, true, 168 * 3600]);
    assert.deepEqual([...data.policies].sort(), ['default', 'line-3-read']);
  });

  /** Syncs the space with the README's read token in `layout`; returns what flows would see. */
  async function syncWith(layout: 'folder' | 'entry'): Promise<Record<string, unknown>> {
    const provider = new VaultProvider({ addresses: [server.nodes[0]!.url], space: 'production-line-3', token: readToken, mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout });
    const engine = new SyncEngine({ provider, policy: { ...DEFAULT_RETRY_POLICY, retries: 0 }, logger: memoryLogger(), space: 'production-line-3' });
    await engine.sync('manual');
    provider.close();
    assert.equal(engine.state.state, 'ok', JSON.stringify(engine.state.error));
    return JSON.parse(JSON.stringify(engine.snapshot.secrets)) as Record<string, unknown>;
  }

  it("syncs the folder layout with that token: values read from standard input, a multi-pair secret, the organization's keys", async () => {
    assert.equal((await server.api('POST', 'secret/data/spaces/_org/SHARED', { body: { data: { value: 'org-value' } } })).status, 200);
    assert.deepEqual(await syncWith('folder'), { API_TOKEN: apiToken, MQTT_BROKER: { username: 'device-1', password: mqttPassword }, SHARED: 'org-value' });
  });

  it('syncs the entry layout with that token: the JSON on standard input, patched, and no organization key (README: folder layout only)', async () => {
    assert.deepEqual(await syncWith('entry'), { API_TOKEN: 'replace-me', PORT: '8883', MQTT_BROKER: { username: 'device-1', password: 'replace-me' } });
    assert.match(section, /Organization keys apply in the `folder` layout only/);
  });
});
