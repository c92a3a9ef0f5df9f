// The README's install from a clone, offline: `npm pack` of the repository, its runtime dependencies placed from the repository's own node_modules, `npm install <tarball>`.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { REPO_ROOT } from './node-red';

/** What `npm pack --json` says of one tarball. */
export interface PackedTarball {
  filename: string;
  files: { path: string }[];
}

/**
 * Runs npm in `cwd` with Node 22 first on PATH and without the calling
 * npm's `npm_*` variables, so a test started by `npm test` cannot point the
 * install back at the repository. Throws with npm's output when it fails.
 */
export function npm(cwd: string, args: string[]): string {
  const result = spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** {@link npm} without blocking this process: for an npm that talks to a server this process runs (test/helpers/local-registry.ts). */
export function npmAsync(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`npm ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`))));
  });
}

function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_') && name !== 'INIT_CWD'));
  return { ...env, npm_config_update_notifier: 'false' };
}

/**
 * `npm pack` of the repository into `dest`. Scripts are skipped: the tests
 * run from the built dist/, and the `prepack` script (`npm run build`) would
 * only build it again.
 */
export function packRepository(dest: string): PackedTarball {
  const [packed] = JSON.parse(npm(REPO_ROOT, ['pack', '--ignore-scripts', '--json', '--pack-destination', dest])) as PackedTarball[];
  if (packed === undefined) throw new Error('npm pack named no tarball');
  return packed;
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
}

/** Where Node's resolution finds `name` from the lock-file path `from` (its own node_modules, then each parent's). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * The lock-file paths of the runtime dependencies of the package at lock path
 * `from` (`''` the palette package, `'src/manager'` the manager): its
 * `dependencies` and theirs, as package-lock.json places them.
 */
export function runtimeDependencies(from = ''): string[] {
  const { packages } = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const found = new Set<string>();
  const walk = (at: string): void => {
    for (const name of Object.keys(packages[at]?.dependencies ?? {})) {
      const dep = resolveIn(packages, at, name);
      if (dep === undefined || found.has(dep)) continue;
      found.add(dep);
      walk(dep);
    }
  };
  walk(from);
  return [...found];
}

/**
 * Copies the palette package's runtime dependencies ({@link runtimeDependencies})
 * from the repository's node_modules into `userDir/node_modules`, each folder
 * without its nested node_modules (those are copied as their own lock
 * entries). `npm install <tarball> --offline` then finds every dependency it
 * needs already installed and asks neither the registry nor the npm cache:
 * nothing beyond what `npm ci` installed is needed. Returns the copied lock paths.
 */
export function placeRuntimeDependencies(userDir: string): string[] {
  const found = runtimeDependencies();
  for (const at of found) {
    const source = join(REPO_ROOT, at);
    cpSync(source, join(userDir, at), { recursive: true, filter: (file) => !file.slice(source.length).split(sep).includes('node_modules') });
  }
  return found;
}
