// `secret-manager export`: the manager's secrets as OpenBao / Vault KV v2 writes, for a team moving to a cluster.
import { ChangeFeed } from './change-feed';
import type { TransitSettings } from './kek/transit';
import { openKeyedDatabase } from './key-setup';
import type { Logger } from './logger';
import { SecretStore } from './secret-store';
import type { SecretValue } from './validation';

/** Where the secrets go in Vault: the plugin's `secretSync.vault` settings. */
export interface VaultTarget {
  mount: string;
  pathPrefix: string;
  orgPath: string;
  layout: 'folder' | 'entry';
}

/** One KV v2 write: `path` under the mount, and its fields. */
export interface KvWrite {
  path: string;
  /** Fields: strings, or (entry layout) a multi-pair secret as an object of strings. */
  data: Record<string, SecretValue>;
}

/** Reads every scope straight from the data directory (the server may be running: the database allows a reader beside it). */
export async function readAllScopes(options: { dataDir: string; masterKey?: string; masterKeyFile?: string; kek?: TransitSettings; logger: Logger }): Promise<{
  org: Record<string, SecretValue>;
  spaces: Record<string, Record<string, SecretValue>>;
}> {
  // recover stays off: beside a running server, a master.key.next may belong to its rotation under way.
  const { db, cipher } = await openKeyedDatabase({ ...options, recover: false });
  try {
    const store = new SecretStore(db, cipher, new ChangeFeed());
    const spaces = Object.fromEntries(store.spaces().map((space) => [space, store.values({ kind: 'space', space })]));
    return { org: store.values({ kind: 'org' }), spaces };
  } finally {
    db.close();
  }
}

const fieldsOf = (value: SecretValue): Record<string, string> => (typeof value === 'string' ? { value } : { ...value });
const join2 = (...parts: string[]): string => parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/');

/** The KV writes that give the plugin, reading `target`, the same secrets in each space. */
export function kvWrites(scopes: Awaited<ReturnType<typeof readAllScopes>>, target: VaultTarget): KvWrite[] {
  const writes: KvWrite[] = [];
  if (target.layout === 'folder') {
    for (const [name, value] of Object.entries(scopes.org)) writes.push({ path: join2(target.pathPrefix, target.orgPath, name), data: fieldsOf(value) });
    for (const [space, secrets] of Object.entries(scopes.spaces)) {
      for (const [name, value] of Object.entries(secrets)) writes.push({ path: join2(target.pathPrefix, space, name), data: fieldsOf(value) });
    }
    return writes;
  }
  // One KV secret per space has no organization folder: each space gets the organization keys it sees.
  for (const [space, secrets] of Object.entries(scopes.spaces)) {
    const merged: Record<string, SecretValue> = { ...scopes.org, ...secrets };
    writes.push({ path: join2(target.pathPrefix, space), data: merged });
  }
  return writes;
}

/**
 * A shell script of `bao kv put` commands. Each value goes through standard
 * input (a quoted here-document), never the command line, so it stays out of
 * the process list; the script itself holds the values: keep it private.
 */
export function baoScript(writes: readonly KvWrite[], mount: string): string {
  const lines = ['#!/bin/sh', '# Written by `secret-manager export`: it holds secret values. Run it once, then delete it.', 'set -eu'];
  writes.forEach((write, i) => {
    const marker = `SECRET_SYNC_EXPORT_${i}`;
    lines.push(`bao kv put -mount=${mount} ${write.path} - <<'${marker}'`, JSON.stringify(write.data), marker);
  });
  return `${lines.join('\n')}\n`;
}
