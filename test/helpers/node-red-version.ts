// Which Node-RED the tests start (SECRET_SYNC_TEST_NODE_RED=4 or 5, the one place that reads it), and proof that only that copy's modules are loaded.
import { createRequire } from 'node:module';
import { basename, dirname, sep } from 'node:path';

/** The environment variable that picks the Node-RED line; scripts/test.ts sets it for each run of the matrix. */
export const NODE_RED_ENV = 'SECRET_SYNC_TEST_NODE_RED';

/** Each tested line and the devDependency that installs it (4.1 under an npm alias, beside 5). */
const PACKAGES = { '5': 'node-red', '4': 'node-red-4' } as const;

/** A tested line of Node-RED: `5` (5.0.x) or `4` (4.1.x). */
export type NodeRedLine = keyof typeof PACKAGES;

/** The tested lines, the default first: 5, the `node-red` dependency that `npm start` runs. */
export const NODE_RED_LINES: readonly NodeRedLine[] = ['5', '4'];

/** The Node-RED packages whose files must all come from one copy: the embedding package and its `@node-red/*` modules. */
const MODULES = ['@node-red/util', '@node-red/runtime', '@node-red/registry', '@node-red/nodes', '@node-red/editor-api', '@node-red/editor-client'];

/** One installed Node-RED. */
export interface NodeRedInstall {
  line: NodeRedLine;
  /** The `package.json` version, e.g. `4.1.15`. */
  version: string;
  /** The package name to `require` (`node-red` or the alias `node-red-4`). */
  packageName: string;
  /** Resolves and loads modules as this copy's own code does: `require('@node-red/util')` gives its util, not the other copy's. */
  require: NodeJS.Require;
  /** The directories of its packages (each ending in a separator): every file it loads lies under one of them. */
  dirs: string[];
}

/** The install of `line`. */
export function nodeRedInstall(line: NodeRedLine): NodeRedInstall {
  const packageName = PACKAGES[line];
  const manifest = require.resolve(`${packageName}/package.json`);
  const own = createRequire(manifest);
  const dirs = [dirname(manifest), ...MODULES.map((name) => dirname(own.resolve(`${name}/package.json`)))].map((dir) => dir + sep);
  return { line, version: (own(manifest) as { version: string }).version, packageName, require: own, dirs };
}

/** The line named by `env` ({@link NODE_RED_ENV}); unset or empty means 5. Anything else is refused, so a typo cannot test the default by accident. */
export function selectedLine(env: NodeJS.ProcessEnv = process.env): NodeRedLine {
  const value = env[NODE_RED_ENV] || NODE_RED_LINES[0]!;
  const line = NODE_RED_LINES.find((l) => l === value);
  if (line === undefined) throw new Error(`${NODE_RED_ENV}=${value}: use ${NODE_RED_LINES.join(' or ')}`);
  return line;
}

/** The Node-RED this process tests. */
export const nodeRed: NodeRedInstall = nodeRedInstall(selectedLine());

/** Loaded modules (from `cache`) of another line's copy of Node-RED than `install`. */
export function foreignNodeRedFiles(install: NodeRedInstall = nodeRed, cache: NodeJS.Dict<NodeJS.Module> = require.cache): string[] {
  const others = NODE_RED_LINES.filter((line) => line !== install.line).flatMap((line) => nodeRedInstall(line).dirs);
  const foreign = (file: string): boolean => others.some((dir) => file.startsWith(dir)) && !install.dirs.some((dir) => file.startsWith(dir));
  // Not package.json: Node-RED's registry reads the manifest of every installed package (the other copy's too) when it looks for nodes. That is data, not code.
  return Object.keys(cache).filter((file) => foreign(file) && basename(file) !== 'package.json');
}

/**
 * Checks that the running Node-RED is the selected one: `RED.version()`
 * names it, and no module of another copy was loaded (a test that required
 * `@node-red/util` by its bare name under 4.1 would load 5's and watch the
 * wrong module).
 */
export function assertSelectedNodeRed(runtimeVersion: string, install: NodeRedInstall = nodeRed): void {
  // Node-RED appends `-git` when it finds a `.git` four levels above its runtime: true for the top-level copy inside this repository.
  const version = runtimeVersion.replace(/-git$/, '');
  if (version !== install.version) throw new Error(`Node-RED ${runtimeVersion} is running, but ${NODE_RED_ENV}=${install.line} selects ${install.packageName}@${install.version}`);
  const foreign = foreignNodeRedFiles(install);
  if (foreign.length > 0) throw new Error(`${NODE_RED_ENV}=${install.line}, but another Node-RED's modules are loaded: ${foreign.slice(0, 3).join(', ')}`);
}
