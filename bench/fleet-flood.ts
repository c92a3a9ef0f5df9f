// `npm run bench` (fleet flood): a plugin read's latency while one read token floods the manager with new instance ids and usage reports (README, "Performance").
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SecretManagerProvider } from '../src/providers/secret-manager-provider';
import { request } from '../test/helpers/http';
import { CLI } from '../test/helpers/cli';
import { tempDir } from '../test/helpers/manager';
import { serve } from './serve';
import { quantile } from './stats';

const SECONDS = 10;
/** Keys of the space, with names of the longest kind: the largest report the manager keeps. */
const KEYS = Array.from({ length: 200 }, (_, i) => `KEY_${i}_`.padEnd(128, 'k'));

/** Reads through the plugin's own provider, one after another, for `seconds`: each read's latency in ms. */
async function readLatencies(provider: SecretManagerProvider, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const started = performance.now();
    await provider.fetch({ signal: AbortSignal.timeout(30_000) });
    latencies.push(performance.now() - started);
    // A plugin polls; a short pause keeps this reader from being a flood of its own.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

const summary = (xs: number[]): string => `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.99).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;

interface FloodStats {
  sent: number;
  statuses: Record<string, number>;
}

/** Runs the flood worker in `mode` with `token` for {@link SECONDS} and the plugin's reads meanwhile. */
async function underFlood(plugin: SecretManagerProvider, url: string, token: string, mode: 'plain' | 'fleet'): Promise<{ latencies: number[]; flood: FloodStats }> {
  const env = { ...process.env, FLOOD_URL: url, FLOOD_TOKEN: token, FLOOD_SPACE: 'flood', FLOOD_KEYS: KEYS.join(','), FLOOD_SECONDS: String(SECONDS), FLOOD_MODE: mode };
  const attacker = new Promise<FloodStats>((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'flood-worker.js')], { env, maxBuffer: 1 << 20 }, (error, stdout) => (error ? reject(new Error(`the flood worker failed: ${error.message}`)) : resolve(JSON.parse(stdout) as FloodStats)));
  });
  // Let the flood get going before measuring.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latencies = await readLatencies(plugin, SECONDS - 1);
  return { latencies, flood: await attacker };
}

async function main(): Promise<void> {
  const adminToken = `bench-admin-${Date.now()}-token`;
  const manager = await serve([CLI, '--data-dir', tempDir('bench-flood-'), 'serve', '--port', '0'], { SECRET_MANAGER_ADMIN_TOKEN: adminToken });
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof request> => request(method, manager.url + path, { token: adminToken, ...(body === undefined ? {} : { body }) });
  for (const [i, name] of KEYS.entries()) await api('POST', '/v1/spaces/flood/secrets', { name, value: `value-${i}` });
  const tokenOf = async (description: string): Promise<string> => ((await api('POST', '/v1/tokens', { space: 'flood', description })).body as { token: string }).token;
  const plugin = new SecretManagerProvider({ url: manager.url, space: 'flood', token: await tokenOf('plugin'), instance: { id: 'bench-plugin', name: 'bench', version: '1.0.0' } });
  const quiet = await readLatencies(plugin, 3);
  const plain = await underFlood(plugin, manager.url, await tokenOf('plain reader'), 'plain');
  const fleetFlood = await underFlood(plugin, manager.url, await tokenOf('attacker'), 'fleet');
  const fleet = (await api('GET', '/v1/spaces/flood/instances?limit=1')).body as { total: number };
  process.stdout.write(`fleet flood (${SECONDS} s each, one read token; the fleet flood: reads naming new instance ids on 24 connections, usage reports on 8; Node ${process.version})\n`);
  process.stdout.write('| figure | measured | goal |\n|---|---|---|\n');
  process.stdout.write(`| plugin read, quiet manager: p50 / p99 / max, ms | ${summary(quiet)} | |\n`);
  for (const [label, run, goal] of [['a plain read flood (32 connections, no instance header)', plain, ''], ['the fleet flood', fleetFlood, '< 50']] as const) {
    process.stdout.write(`| plugin read during ${label}: p50 / p99 / max, ms | ${summary(run.latencies)} | ${goal} |\n`);
    process.stdout.write(`| &nbsp;&nbsp;flood requests answered (${run.flood.sent} sent) | ${JSON.stringify(run.flood.statuses)} | |\n`);
  }
  process.stdout.write(`| instances recorded for the space after the flood | ${fleet.total} | ≤ 2,001 |\n`);
  manager.child.kill('SIGTERM');
}

void main();
