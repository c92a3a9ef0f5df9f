// Copies what tsc does not emit (editor HTML, locales, icons) next to the compiled JavaScript Node-RED loads.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// [source directory, destination directory, file filter]
const COPIES = [
  ['nodes', 'dist/nodes', (f) => !f.endsWith('.ts')],
  ['plugin-ui', 'dist/src/plugin', (f) => !f.endsWith('.ts')],
];

for (const [from, to, keep] of COPIES) {
  const src = path.join(root, from);
  if (!fs.existsSync(src)) continue;
  fs.cpSync(src, path.join(root, to), { recursive: true, filter: (file) => fs.statSync(file).isDirectory() || keep(file) });
}
