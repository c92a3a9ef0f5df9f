#!/usr/bin/env node
// Executable entry of the `secret-manager` CLI: checks the Node.js version, then hands over to the compiled program.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

// node:sqlite (the database) needs Node.js 22.12 or later: say so, rather than fail on a missing module.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`secret-manager: Node.js >= 22.12 is required, this is ${process.version} (${process.execPath}); put a newer node first on PATH, or start it as \`<newer node> ${__filename} serve\`\n`);
  process.exit(1);
}
const cli = path.join(__dirname, '..', 'dist', 'manager', 'lib', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('secret-manager: not built yet: run `npm run build` (npm start and npm test build too)\n');
  process.exit(1);
}
require(cli).main(process.argv).then((code) => {
  process.exitCode = code;
});
