// The README says what the package ships and how to install it: every example flow by name and count, and the install steps the install test runs.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/node-red';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** The README section under `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `the README has "## ${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('package: what the README says of the package', () => {
  it('"Nodes and examples" names every example flow and says how many there are', () => {
    const flows = readdirSync(join(REPO_ROOT, 'examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    const text = section('Nodes and examples');
    assert.match(text, new RegExp(`has ${NUMBERS[flows.length]} flows`));
    for (const flow of flows) assert.ok(text.includes(`\`${flow}\``), flow);
  });

  it('"Install into your own Node-RED" follows the quick start, packs the clone and installs the tarball npm pack names', () => {
    const order = ['## Quick start on a fresh machine', '## Install into your own Node-RED', '## Using secrets in flows'].map((t) => readme.indexOf(`\n${t}\n`));
    assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), 'in that order');
    const text = section('Install into your own Node-RED');
    const tarball = `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`;
    assert.ok(text.includes('npm ci && npm pack'), 'packs in the clone');
    assert.match(text, new RegExp(`npm install \\S*/${tarball.replaceAll('.', '\\.')}`), 'installs the tarball by the name npm pack gives it');
    assert.ok(text.includes('functionGlobalContext'), 'names what settings.js must keep');
    // The quick start's two commands stay exactly as they are.
    const quick = section('Quick start on a fresh machine');
    assert.ok(quick.includes('```sh\nnpm ci && npm start\n```') && quick.includes('```sh\nnpm ci && npm test\n```'));
  });
});
