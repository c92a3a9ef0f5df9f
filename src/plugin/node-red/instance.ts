// Who this Node-RED instance is to the secret manager's fleet view: a stable id, a display name, the plugin version.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The identity sent as `X-Secret-Sync-Instance`. */
export interface InstanceIdentity {
  id: string;
  name: string;
  version: string;
}

/** The package's version, read from its package.json (empty when it cannot be read). */
function pluginVersion(): string {
  try {
    // dist/src/plugin/node-red → the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '';
  } catch {
    return '';
  }
}

/** This instance: the id is stable across restarts (host and user directory), the name is the host name. */
export function instanceIdentity(userDir: string): InstanceIdentity {
  const host = hostname();
  return { id: createHash('sha256').update(`${host}\u0000${userDir}`).digest('hex').slice(0, 16), name: host, version: pluginVersion() };
}
