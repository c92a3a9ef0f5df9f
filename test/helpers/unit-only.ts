// Loaded by `npm run test:unit` (.mocharc.unit.json): the fast loop starts no server and no process, and a test that tries fails with where it belongs.
import childProcess from 'node:child_process';
import net from 'node:net';

/** Why the call is refused, and what to do about it. */
function refuse(what: string): never {
  throw new Error(`npm run test:unit starts no ${what}: add this test file to "ignore" in .mocharc.unit.json (npm test still runs it)`);
}

// Every HTTP, HTTPS or TCP server listens through net.Server.
net.Server.prototype.listen = function listen(): never {
  refuse('server');
};
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  // The module object is shared by `child_process` and `node:child_process`, and compiled imports read it at each call.
  Object.defineProperty(childProcess, name, { value: () => refuse('child process'), configurable: true, writable: true });
}
