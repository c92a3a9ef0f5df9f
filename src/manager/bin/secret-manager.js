#!/usr/bin/env node
// Executable entry of the `secret-manager` CLI: hands over to the compiled program.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'manager', 'lib', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('secret-manager: not built yet: run `npm run build` (npm start and npm test build too)\n');
  process.exit(1);
}
require(cli).main(process.argv).then((code) => {
  process.exitCode = code;
});
