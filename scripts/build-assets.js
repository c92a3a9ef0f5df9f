// Builds what tsc does not: the editor bundle and style in resources/, and the HTML and locales Node-RED loads beside the JS.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const at = (...p) => path.join(root, ...p);

// Node-RED serves a package's resources/ folder to the editor at resources/<package>/.
fs.mkdirSync(at('resources'), { recursive: true });
esbuild.buildSync({
  entryPoints: [at('plugin-ui/src/index.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2020',
  outfile: at('resources/secret-sync-sidebar.js'),
  legalComments: 'none',
  logLevel: 'warning',
});
fs.copyFileSync(at('plugin-ui/secret-sync-sidebar.css'), at('resources/secret-sync-sidebar.css'));

// The plugin's editor HTML and message catalogs sit next to its compiled entry, as Node-RED expects.
fs.copyFileSync(at('plugin-ui/secret-sync.html'), at('dist/src/plugin/node-red/secret-sync.html'));
fs.cpSync(at('plugin-ui/locales'), at('dist/src/plugin/node-red/locales'), { recursive: true });

// Nodes: every non-TypeScript file (HTML, locales, icons) next to the compiled node.
if (fs.existsSync(at('nodes'))) {
  fs.cpSync(at('nodes'), at('dist/nodes'), { recursive: true, filter: (file) => !file.endsWith('.ts') });
}

// The Secret Manager's web console: bundled into the manager package, served by `secret-manager serve` at /; the manager's own build does the same.
require('../src/manager/scripts/build-console.js').buildConsole();
