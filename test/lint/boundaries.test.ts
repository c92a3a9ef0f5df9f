// The boundaries are enforced by lint rules: Node-RED or Express imported into core/, providers/ or shared/ fails `npm run lint`, and so does an internal of Node-RED or Express touched outside the runtime bridge.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../helpers/node-red';

const PROBE = [
  "import RED from 'node-red';",
  "import type { Request } from 'express';",
  "import { util } from '@node-red/util';",
  "import type { NodeRedApi } from '../node-red/red-types';",
  'export const used = [RED, util];',
  'export type Used = [Request, NodeRedApi];',
  '',
].join('\n');

async function restricted(file: string): Promise<number[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(PROBE, { filePath: join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line);
}

describe('lint: the core/adapter boundary', function () {
  this.timeout(60_000);

  for (const file of ['src/plugin/core/service.ts', 'src/providers/registry.ts', 'src/shared/contract.ts']) {
    it(`fails every Node-RED, Express and adapter import in ${file}`, async () => {
      assert.deepEqual(await restricted(file), [1, 2, 3, 4]);
    });
  }

  it('allows them in the adapters (src/plugin/node-red)', async () => {
    assert.deepEqual(await restricted('src/plugin/node-red/admin-routes.ts'), []);
  });

  describe('one bridge to the internals', () => {
    const INTERNALS = [
      'export const modules = Object.keys(require.cache);',
      'export function stack(app: { _router?: unknown; router?: unknown }): unknown { return app._router ?? app.router; }',
      'export function holder(settings: { functionGlobalContext?: object }): unknown { return settings.functionGlobalContext; }',
      'export function lookup(util: { getEnvVar(name: string): unknown }): unknown { return util.getEnvVar("SECRETS.A"); }',
      'export function restart(flows: { stopFlows(): unknown; startFlows(): unknown }): unknown { return [flows.stopFlows(), flows.startFlows()]; }',
      'export function outer(app: { parent?: unknown }): unknown { return app.parent; }',
      '',
    ].join('\n');

    async function touches(file: string): Promise<number[]> {
      const eslint = new ESLint({ cwd: REPO_ROOT });
      const [result] = await eslint.lintText(INTERNALS, { filePath: join(REPO_ROOT, file) });
      return [...new Set((result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line))];
    }

    for (const file of ['src/plugin/node-red/secret-sync.ts', 'src/plugin/node-red/admin-routes.ts', 'src/plugin/core/service.ts', 'nodes/secrets-changed.ts']) {
      it(`fails every touch of an internal in ${file}`, async () => {
        assert.deepEqual(await touches(file), [1, 2, 3, 4, 5, 6]);
      });
    }

    it('allows them in the runtime bridge (src/plugin/node-red/runtime-bridge)', async () => {
      assert.deepEqual(await touches('src/plugin/node-red/runtime-bridge/index.ts'), []);
    });
  });
});
