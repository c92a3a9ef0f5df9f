// Runs each in-process Node-RED test file in its own mocha process: Node-RED's runtime is a singleton.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '../dist/test/integration/runtime');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort() : [];
const mocha = require.resolve('mocha/bin/mocha.js');
let failed = 0;
for (const file of files) {
  // --exit: Node-RED's editor-api arms a session-expiry timer (a week long) on every login and never clears it.
  const run = spawnSync(process.execPath, [mocha, '--no-config', '--exit', '--timeout', '30000', '--enable-source-maps', path.join(dir, file)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
console.log(`runtime suites: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
