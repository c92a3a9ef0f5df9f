// The compatibility matrix checks itself on each line it runs (SECRET_SYNC_TEST_NODE_RED): the runtime started is that version, built from that copy's own modules, with the plugin loaded.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';
import { NODE_RED_ENV, NODE_RED_LINES, assertSelectedNodeRed, foreignNodeRedFiles, nodeRed, nodeRedInstall, selectedLine } from '../helpers/node-red-version';

describe(`integration: the Node-RED under test is ${nodeRed.packageName}@${nodeRed.version}`, function () {
  this.timeout(60_000);
  let nr: NodeRedChild | undefined;
  after(() => nr?.stop());

  it('is the selected line, and each line is its own install', () => {
    assert.equal(nodeRed.version.split('.')[0], nodeRed.line);
    const runtimes = NODE_RED_LINES.map((line) => nodeRedInstall(line).require.resolve('@node-red/runtime'));
    assert.equal(new Set(runtimes).size, NODE_RED_LINES.length, 'each line resolves its own @node-red/runtime');
    assert.ok(nodeRed.dirs.some((dir) => nodeRed.require.resolve('@node-red/util').startsWith(dir)));
  });

  it('starts that version with the plugin, as the runtime itself logs it', async () => {
    // No secretSync settings: the plugin loads, unconfigured, without waiting on a first sync.
    nr = await spawnNodeRed({});
    // Node-RED's own start-up line, written by the runtime in the child, not by this repository's helpers.
    await eventually(() => nr!.logs.some((l) => new RegExp(`^Node-RED version: v${nodeRed.version.replaceAll('.', '\\.')}(-git)?$`).test(l.msg)), 10_000, `the version line of ${nodeRed.version}`);
    assert.equal((await nr.admin('GET', '/secret-sync/status')).status, 200, 'the plugin answers');
  });

  it('refuses a runtime of another version, and modules of another copy', () => {
    assert.doesNotThrow(() => assertSelectedNodeRed(`${nodeRed.version}-git`));
    assert.throws(() => assertSelectedNodeRed('3.1.0'), new RegExp(`Node-RED 3\\.1\\.0 is running, but ${NODE_RED_ENV}=${nodeRed.line}`));
    const other = nodeRedInstall(NODE_RED_LINES.find((line) => line !== nodeRed.line)!);
    const util = other.require.resolve('@node-red/util');
    const module = {} as NodeJS.Module;
    const cache = { [util]: module, [join(other.dirs[0]!, 'package.json')]: module, [nodeRed.require.resolve('@node-red/util')]: module };
    assert.deepEqual(foreignNodeRedFiles(nodeRed, cache), [util], "another copy's code is found; its package.json (read by Node-RED's registry) is not code");
  });

  it('refuses an unknown line instead of testing the default', () => {
    assert.equal(selectedLine({}), '5');
    assert.equal(selectedLine({ [NODE_RED_ENV]: '4' }), '4');
    assert.throws(() => selectedLine({ [NODE_RED_ENV]: '4.1' }), /SECRET_SYNC_TEST_NODE_RED=4\.1: use 5 or 4/);
  });
});
