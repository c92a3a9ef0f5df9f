// The import graph of src/, plugin-ui/src and nodes/ has no cycle, type imports included (as `npx madge --circular` checks).
import assert from 'node:assert/strict';
import { findCycles, importGraph } from '../helpers/import-graph';
import { REPO_ROOT } from '../helpers/node-red';

describe('lint: no import cycles', () => {
  it('finds a cycle when there is one (the checker works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('has none in src, plugin-ui/src and nodes', () => {
    const graph = importGraph(REPO_ROOT, ['src', 'plugin-ui/src', 'nodes']);
    assert.ok(graph.size > 50, `${graph.size} files read`);
    assert.ok([...graph.values()].some((targets) => targets.includes('src/shared/contract.ts')), 'imports were resolved');
    assert.deepEqual(findCycles(graph), []);
  });
});
