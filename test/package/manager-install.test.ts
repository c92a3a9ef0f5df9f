// README "Operate the Secret Manager", install on its own, run for real: `npm pack` in the manager's workspace, `npm install -g <tarball>` into an empty prefix, then `secret-manager serve`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { request } from '../helpers/http';
import { canary, tempDir } from '../helpers/manager';
import { REPO_ROOT } from '../helpers/node-red';
import { startLocalRegistry } from '../helpers/local-registry';
import type { LocalRegistry } from '../helpers/local-registry';
import { npm, npmAsync, runtimeDependencies } from '../helpers/packed-install';
import type { PackedTarball } from '../helpers/packed-install';
import { sample, scrape } from '../helpers/prometheus';

const MANAGER = join(REPO_ROOT, 'src/manager');
const NAME = 'secret-sync-manager';

interface ManagerPackage {
  name: string;
  dependencies: Record<string, string>;
  scripts?: Record<string, string>;
  bin: Record<string, string>;
}

/** Every JavaScript file under `dir`. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js') && !f.split('/').includes('node_modules'))
    .map((f) => join(dir, f));
}

/** The environment of a user's shell: this Node 22 first on PATH, nothing of the npm that runs the tests, no NODE_PATH back into the repository. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_') && name !== 'INIT_CWD' && name !== 'NODE_PATH'));
  return { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ''}` };
}

describe('package: the Secret Manager packed and installed on its own (README, "Operate the Secret Manager")', function () {
  this.timeout(300_000);
  let work: string;
  let packed: PackedTarball;
  let registry: LocalRegistry | undefined;
  let prefix: string;
  let installed: string;
  let serve: ChildProcessWithoutNullStreams | undefined;
  let output = '';

  before(async () => {
    assert.ok(existsSync(join(MANAGER, 'dist/manager/lib/cli.js')), 'run npm run build first');
    work = tempDir('manager-install-');
    mkdirSync(join(work, 'pack'));
    // `npm pack` in the workspace, scripts and all: its prepack builds the manager (tsc and the console), as on a fresh clone.
    [packed] = JSON.parse(npm(MANAGER, ['pack', '--json', '--pack-destination', join(work, 'pack')])) as [PackedTarball];
    mkdirSync(join(work, 'registry'));
    registry = await startLocalRegistry(runtimeDependencies('src/manager'), join(work, 'registry'));
    prefix = join(work, 'prefix');
    mkdirSync(join(work, 'empty-cache'));
    writeFileSync(join(work, 'npmrc'), '');
    // The README's command into an empty prefix, with an empty cache and no user configuration; the only registry is the local one.
    await npmAsync(work, [
      'install', '-g', join(work, 'pack', packed.filename),
      '--prefix', prefix, '--cache', join(work, 'empty-cache'), '--userconfig', join(work, 'npmrc'), '--registry', registry.url,
      '--no-audit', '--no-fund',
    ]);
    installed = join(prefix, 'lib/node_modules', NAME);
  });

  after(async () => {
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    await registry?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('npm pack builds first (prepack) and ships the built manager, the shared code it imports, the console and the license: no sources, maps or build state', () => {
    const pkg = JSON.parse(readFileSync(join(MANAGER, 'package.json'), 'utf8')) as ManagerPackage;
    assert.equal(pkg.scripts?.prepack, 'npm run build', 'a fresh clone has no dist/: `npm pack` must build it');
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'package.json', 'LICENSE', 'README.md', 'bin/secret-manager.js',
      'dist/manager/lib/cli.js', 'dist/manager/lib/metrics/metrics.js', 'dist/shared/names.js', 'dist/shared/fleet-wire.js', 'dist/shared/guards.js',
      'dist/console/index.html', 'dist/console/console.js', 'dist/console/console.css',
    ]) {
      assert.ok(files.includes(needed), needed);
    }
    assert.deepEqual(files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.map') || f.endsWith('.tsbuildinfo') || /(^|\/)(test|src|console\/src)\//.test(f)), []);
  });

  it('depends on its own runtime packages only: never on the palette package, and every require of the shipped code is Node, a declared dependency or a shipped file', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as ManagerPackage;
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['commander', 'express', 'prom-client']);
    assert.ok(Object.values(pkg.dependencies).every((range) => /^\^\d/.test(range)), 'registry ranges, no file: or workspace links');
    const builtins = new Set(builtinModules);
    const unresolved: string[] = [];
    let requires = 0;
    for (const file of jsFiles(installed)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)|require\('([^']+)'\)/g)) {
        const spec = match[1] ?? match[2] ?? '';
        requires++;
        const where = `${relative(installed, file)}: ${spec}`;
        if (spec.startsWith('.')) {
          const target = join(dirname(file), spec);
          const found = [target, `${target}.js`, join(target, 'index.js')].some((t) => existsSync(t) && statSync(t).isFile());
          if (!found || !relative(installed, target).split('/').every((part) => part !== '..')) unresolved.push(where);
        } else if (!spec.startsWith('node:') && !builtins.has(spec) && !(spec.split('/')[0] as string in pkg.dependencies)) {
          unresolved.push(where);
        }
      }
    }
    assert.ok(requires > 100, `${requires} requires read`);
    assert.deepEqual(unresolved, []);
    assert.ok(!registry!.asked.has('@secret-sync/node-red-secret-sync'));
    assert.deepEqual([...registry!.missing], [], 'npm found every package it asked for among the manager’s own dependencies');
  });

  it('`secret-manager serve` from the prefix serves the API, the console and the metrics, logs JSON lines with no value, and stops on SIGTERM', async () => {
    const bin = join(prefix, 'bin', 'secret-manager');
    assert.ok(existsSync(bin), 'npm linked the bin into the prefix');
    const dataDir = join(work, 'data');
    serve = spawn(bin, ['--data-dir', dataDir, 'serve', '--port', '0', '--log-format', 'json'], { cwd: work, env: userEnv() });
    const child = serve;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let url: string | undefined;
    for (let i = 0; i < 150 && url === undefined; i++) {
      assert.equal(child.exitCode, null, `secret-manager exited:\n${output}`);
      url = /listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(url, `no "listening on" line:\n${output}`);
    assert.equal((await request('GET', `${url}/healthz`)).status, 200);
    const page = await request('GET', `${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /console\.js/);

    // The installed CLI manages secrets against it, with the admin token the first start wrote.
    const value = canary('installed-manager-value');
    const cli = (args: string[], input = ''): string => {
      const run = spawnSync(bin, ['--url', url, '--data-dir', dataDir, ...args], { cwd: work, env: userEnv(), input, encoding: 'utf8' });
      assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
      return run.stdout;
    };
    assert.equal(cli(['secret', 'create', 'API_KEY', '--space', 'demo', '--value-stdin'], value), 'created API_KEY\n');
    const read = cli(['token', 'create', '--space', 'demo']).trim();
    const answer = await request('GET', `${url}/v1/spaces/demo/secrets`, { token: read });
    assert.deepEqual((answer.body as { secrets: unknown }).secrets, { API_KEY: value });
    const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const families = await scrape(url, admin);
    assert.equal(sample(families, 'secret_manager_secrets', { space: 'demo' }), 1);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const lines = output.split('\n').filter((l) => l !== '');
    for (const line of lines) assert.equal(typeof (JSON.parse(line) as { msg?: unknown }).msg, 'string', line);
    for (const secret of [value, read, admin]) assert.ok(!output.includes(secret), 'no value or token in the output');
  });
});
