// README "Install into your own Node-RED", run for real: npm pack, npm install <tarball> into a fresh user directory, a stock Node-RED started on it syncs and a flow reads the secret.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '../helpers/http';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { freePort } from '../helpers/openbao';
import { npm, packRepository, placeRuntimeDependencies } from '../helpers/packed-install';
import type { PackedTarball } from '../helpers/packed-install';

const PACKAGE = '@secret-sync/node-red-secret-sync';

/** http in → function → http response: answers the length of SECRETS.API_TOKEN, never the value. */
const FLOWS = [
  { id: 'install-tab', type: 'tab', label: 'Install check' },
  { id: 'install-in', type: 'http in', z: 'install-tab', url: '/secret-length', method: 'get', upload: false, wires: [['install-fn']] },
  {
    id: 'install-fn',
    type: 'function',
    z: 'install-tab',
    func: "msg.payload = String(global.get('SECRETS').API_TOKEN.length);\nreturn msg;",
    outputs: 1,
    wires: [['install-out']],
  },
  { id: 'install-out', type: 'http response', z: 'install-tab', wires: [] },
];

describe('package: install from a clone into a stock Node-RED (README, "Install into your own Node-RED")', function () {
  this.timeout(180_000);
  const value = canary('installed-secret');
  let work: string;
  let userDir: string;
  let packed: PackedTarball;
  let manager: TestManager;
  let token: string;
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;

  before(async () => {
    assert.ok(existsSync(join(REPO_ROOT, 'dist/src/plugin/node-red/secret-sync.js')), 'run npm run build first');
    work = tempDir('install-from-clone-');
    mkdirSync(join(work, 'pack'));
    packed = packRepository(join(work, 'pack'));
    userDir = join(work, 'node-red');
    mkdirSync(userDir);
    writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    placeRuntimeDependencies(userDir);
    // The README's command, plus --offline and an empty cache: nothing may come from the registry or the cache.
    mkdirSync(join(work, 'empty-cache'));
    npm(userDir, ['install', join(work, 'pack', packed.filename), '--offline', '--cache', join(work, 'empty-cache'), '--no-audit', '--no-fund']);

    manager = await startTestManager();
    assert.equal((await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_TOKEN', value } })).status, 201);
    token = await manager.readToken('demo');
    // The token file's directory must exist (README): the test makes it, as a user would.
    mkdirSync(join(userDir, 'secrets'));
    writeFileSync(join(userDir, 'secrets', 'sync-token'), `${token}\n`, { mode: 0o600 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(userDir, 'settings.js'),
      `module.exports = ${JSON.stringify(
        {
          uiHost: '127.0.0.1',
          flowFile: 'flows.json',
          credentialSecret: false,
          functionGlobalContext: {},
          telemetry: { enabled: false, updateNotification: false },
          logging: { console: { level: 'info', metrics: false, audit: false } },
          secretSync: { url: manager.url, space: 'demo', tokenFile: join(userDir, 'secrets', 'sync-token'), interval: '60m' },
        },
        null,
        2,
      )};\n`,
    );
    writeFileSync(join(userDir, 'flows.json'), JSON.stringify(FLOWS));
    // Stock Node-RED, as `node-red -u <userDir> -p <port>` starts it: the repository's copy of the node-red package.
    const started = spawn(process.execPath, [join(REPO_ROOT, 'node_modules/node-red/red.js'), '-u', userDir, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout.on('data', (d: Buffer) => (output += d.toString()));
    started.stderr.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 120 && !output.includes('Server now running at'); i++) {
      assert.equal(started.exitCode, null, `Node-RED exited:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(output.includes('Server now running at'), `Node-RED did not start:\n${output}`);
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await manager?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('npm pack builds first (prepack) and the tarball holds the built package, not the sources or the manager', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.prepack, 'npm run build', 'a fresh clone has no dist/: `npm pack` must build it');
    const files = packed.files.map((f) => f.path);
    for (const needed of ['dist/src/plugin/node-red/secret-sync.js', 'dist/src/plugin/node-red/secret-sync.html', 'dist/nodes/secrets-changed.js', 'resources/secret-sync-sidebar.js', 'package.json']) {
      assert.ok(files.includes(needed), needed);
    }
    assert.equal(files.filter((f) => f.startsWith('examples/')).length, 6);
    assert.deepEqual(files.filter((f) => /^(src\/|dist\/test\/|dist\/src\/manager\/|test\/)|\.ts$/.test(f) && !f.endsWith('.d.ts')), []);
  });

  it('Node-RED loads the plugin and both nodes from the user directory', async () => {
    const info = await request('GET', `${url}/nodes/${PACKAGE}`, { headers: { accept: 'application/json' } });
    assert.equal(info.status, 200, info.text);
    const module = info.body as { path: string; nodes: { types: string[]; enabled: boolean }[] };
    assert.equal(module.path, join(userDir, 'node_modules', PACKAGE));
    assert.deepEqual(module.nodes.flatMap((n) => n.types).sort(), ['secret-manager', 'secrets-changed']);
    assert.ok(module.nodes.every((n) => n.enabled));
    const plugins = await request('GET', `${url}/plugins`, { headers: { accept: 'application/json' } });
    assert.ok((plugins.body as { id: string }[]).some((p) => p.id === `${PACKAGE}/secret-sync`), plugins.text);
  });

  it('syncs the space: the status says ok with the key count', async () => {
    let status: { state?: string; keyCount?: number; error?: unknown } = {};
    for (let i = 0; i < 60 && status.state !== 'ok'; i++) {
      status = (await request('GET', `${url}/secret-sync/status`)).body as typeof status;
      if (status.state !== 'ok') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(status.state, 'ok', JSON.stringify(status.error));
    assert.equal(status.keyCount, 1);
  });

  it("a flow reads the secret (its length is answered, never the value), and Node-RED's output holds neither the value nor the token", async () => {
    const answer = await request('GET', `${url}/secret-length`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.text, String(value.length));
    assert.ok(!output.includes(value) && !output.includes(token), 'no value or token in the output');
  });
});
