// The palette package as the Flow Library and Node-RED see it: a scoped name spelled the same everywhere, few dependencies, the legacy type kept.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_TYPES, PACKAGE_NAME, PLUGIN_ID } from '../../src/shared/contract';
import { REPO_ROOT } from '../helpers/node-red';

interface PackageJson {
  name: string;
  keywords: string[];
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
  files: string[];
  'node-red': { version: string; plugins: Record<string, string>; nodes: Record<string, string> };
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { name: string; packages: Record<string, { name?: string }> };

describe('package: the palette package', () => {
  it('has a scoped node-red name (Flow Library P04), the one the contract and the lock file use', () => {
    assert.match(pkg.name, /^@[a-z0-9-]+\/node-red-[a-z0-9-]+$/);
    assert.equal(pkg.name, PACKAGE_NAME);
    assert.equal(lock.name, PACKAGE_NAME);
    assert.equal(lock.packages['']?.name, PACKAGE_NAME);
    assert.ok(pkg.keywords.includes('node-red'));
  });

  it('loads the sidebar from resources/<name>/, files that exist and ship', () => {
    const html = readFileSync(join(REPO_ROOT, 'plugin-ui', 'secret-sync.html'), 'utf8');
    const refs = [...html.matchAll(/(?:href|src)="resources\/([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(refs.length, 2);
    for (const ref of refs) {
      assert.ok(ref.startsWith(`${PACKAGE_NAME}/`), ref);
      assert.ok(existsSync(join(REPO_ROOT, 'resources', ref.slice(PACKAGE_NAME.length + 1))), ref);
    }
    assert.ok(pkg.files.includes('resources'));
  });

  it('keeps the plugin id and the node types old flows use, whatever the package is called', () => {
    assert.deepEqual(Object.keys(pkg['node-red'].plugins), [PLUGIN_ID]);
    assert.deepEqual(Object.keys(pkg['node-red'].nodes).sort(), [NODE_TYPES.legacy, NODE_TYPES.secretsChanged].sort());
    assert.equal(NODE_TYPES.legacy, 'secret-manager');
    for (const lang of readdirSync(join(REPO_ROOT, 'plugin-ui', 'locales'))) {
      assert.ok(existsSync(join(REPO_ROOT, 'plugin-ui', 'locales', lang, `${PLUGIN_ID}.json`)), `catalog ${lang}`);
    }
  });

  it('stays light: at most 6 runtime dependencies (Flow Library scorecard), none of them the manager', () => {
    const deps = Object.keys(pkg.dependencies ?? {});
    assert.ok(deps.length <= 6, deps.join(', '));
    assert.ok(!deps.some((d) => d.includes('manager') || d === 'express'), deps.join(', '));
  });

  it("keeps the AWS SDK an optional peer (provider 'aws' loads it when used), and a dev dependency for the tests", () => {
    const sdk = '@aws-sdk/client-secrets-manager';
    assert.ok(!(sdk in pkg.dependencies), 'not a runtime dependency');
    assert.match(pkg.peerDependencies?.[sdk] ?? '', /^\^3\./);
    assert.equal(pkg.peerDependenciesMeta?.[sdk]?.optional, true);
    assert.ok(sdk in pkg.devDependencies);
    // No built file of the palette package requires it: only src/providers/aws/aws-sdk.ts names it, in an import() at the first sync.
    const built = ['plugin', 'providers', 'shared'].flatMap((dir) =>
      (readdirSync(join(REPO_ROOT, 'dist', 'src', dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => join(REPO_ROOT, 'dist', 'src', dir, f)),
    );
    const naming = built.filter((file) => readFileSync(file, 'utf8').includes(sdk));
    assert.deepEqual(naming.map((file) => file.slice(REPO_ROOT.length + 1)), [join('dist', 'src', 'providers', 'aws', 'aws-sdk.js')]);
    assert.match(readFileSync(naming[0]!, 'utf8'), /import\('@aws-sdk\/client-secrets-manager'\)/);
  });

  it('ships numbered example flows', () => {
    const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    assert.ok(examples.length >= 5);
    for (const file of examples) assert.match(file, /^\d\d - /);
  });
});
