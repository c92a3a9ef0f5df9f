// An npm registry on 127.0.0.1 that serves only packages packed from the repository's own node_modules: `npm install -g` of a tarball with nothing from outside.
import { createReadStream, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { npm } from './packed-install';
import { REPO_ROOT } from './node-red';

/** What `npm pack --json` says of one packed folder. */
interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  shasum: string;
}

/** A running local registry. */
export interface LocalRegistry {
  /** The registry URL for `--registry`. */
  url: string;
  /** Every package name npm asked for, served or not. */
  asked: Set<string>;
  /** Names asked for that the registry does not hold (answered 404). */
  missing: Set<string>;
  close(): Promise<void>;
}

/** The manifest fields npm resolves a version with. */
const MANIFEST_FIELDS = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'license'];

/**
 * Packs the folders at the lock paths `lockPaths` (in one `npm pack` run, into
 * `dir`) and serves them as a registry: a packument per name (each version
 * with its tarball's integrity), the tarballs, and 404 for any other name.
 * Installing through it is a real install (npm resolves the tree itself), with
 * no network beyond loopback and no cache: a dependency the repository did not
 * install cannot be had, and shows in {@link LocalRegistry.missing}.
 */
export async function startLocalRegistry(lockPaths: readonly string[], dir: string): Promise<LocalRegistry> {
  const packed = JSON.parse(npm(dir, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, ...lockPaths.map((p) => join(REPO_ROOT, p))])) as Packed[];
  const manifests = new Map<string, Record<string, unknown>>();
  for (const at of lockPaths) {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, at, 'package.json'), 'utf8')) as Record<string, unknown>;
    manifests.set(`${String(pkg.name)}@${String(pkg.version)}`, Object.fromEntries(MANIFEST_FIELDS.filter((f) => pkg[f] !== undefined).map((f) => [f, pkg[f]])));
  }
  const asked = new Set<string>();
  const missing = new Set<string>();
  let base = '';
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    if (path.startsWith('/-/tarballs/')) {
      const file = path.slice('/-/tarballs/'.length);
      if (!packed.some((p) => p.filename === file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(join(dir, file)).pipe(res);
      return;
    }
    const name = path.slice(1);
    asked.add(name);
    const versions = packed.filter((p) => p.name === name);
    if (versions.length === 0) {
      missing.add(name);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const packument = {
      name,
      'dist-tags': { latest: versions[versions.length - 1]?.version },
      versions: Object.fromEntries(
        versions.map((p) => [
          p.version,
          { ...manifests.get(`${p.name}@${p.version}`), dist: { tarball: `${base}/-/tarballs/${encodeURIComponent(p.filename)}`, integrity: p.integrity, shasum: p.shasum } },
        ]),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    asked,
    missing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
