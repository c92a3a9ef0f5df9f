#!/usr/bin/env node
// Executable entry of the `secret-manager` CLI: hands over to the compiled program (run `npm run build` first).
'use strict';
require('../dist/cli.js').main(process.argv).then((code) => { process.exitCode = code; });
