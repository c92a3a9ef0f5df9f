// Builds the web console into dist/console (the bundle, its page and style): part of the manager's own build, so `npm pack` in this workspace ships it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'console');

/** Bundles console/src/main.ts with esbuild (a devDependency of the repository) and copies the page and the style beside it. */
function buildConsole() {
  // Required here, not at the top: an installed manager never builds, and has no esbuild.
  const esbuild = require('esbuild');
  fs.mkdirSync(out, { recursive: true });
  esbuild.buildSync({
    entryPoints: [path.join(root, 'console', 'src', 'main.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    outfile: path.join(out, 'console.js'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'console.css']) fs.copyFileSync(path.join(root, 'console', file), path.join(out, file));
}

module.exports = { buildConsole };
if (require.main === module) buildConsole();
