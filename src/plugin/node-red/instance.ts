// Who this Node-RED instance is to the secret manager's fleet view: a stable id, a display name, the plugin version.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_ID_PATTERN } from '../../shared/fleet-wire';
import type { InstanceIdentity } from '../../shared/fleet-wire';

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

/** The file in the user directory that keeps the instance id (README, "The web console"). */
export const INSTANCE_FILE = '.secret-sync-instance';

/**
 * This instance (sent as `X-Secret-Sync-Instance`): the id is kept in the user directory, so a restart or a new
 * container on the same volume is the same instance; the name is the host name.
 * Without a user directory it can write, the id is derived from host and directory.
 */
export function instanceIdentity(userDir: string): InstanceIdentity {
  const host = hostname();
  const derived = createHash('sha256').update(`${host}\u0000${userDir}`).digest('hex').slice(0, 16);
  return { id: userDir === '' ? derived : keptId(join(userDir, INSTANCE_FILE), derived), name: host, version: pluginVersion() };
}

/** The id in `file`, or `fallback` written there first (the id this instance had before the file existed). */
function keptId(file: string, fallback: string): string {
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (INSTANCE_ID_PATTERN.test(kept)) return kept;
  } catch {
    // No file yet: written below.
  }
  try {
    writeFileSync(file, `${fallback}\n`, { mode: 0o644 });
  } catch {
    // A read-only user directory: the derived id is stable as long as host and directory are.
  }
  return fallback;
}
