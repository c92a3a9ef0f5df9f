// The core/adapter boundary is enforced by the lint rule: Node-RED or Express imported into core/, providers/ or shared/ fails `npm run lint`.
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
});
