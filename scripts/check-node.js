// Stops the build early, with the fix, when it runs on a Node.js older than the project needs.
'use strict';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `secret-sync: Node.js >= 22.12 is required, this is ${process.version}.\n` +
      'Run the project through npm scripts (npm start, npm test): they use the Node 22 that `npm ci` installs in node_modules/.bin.',
  );
  process.exit(1);
}
