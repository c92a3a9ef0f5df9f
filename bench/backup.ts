// `npm run bench` (backup): what backups cost the manager's conditional polls (304) when taken as fast as the server allows, over HTTP and with the CLI on the data directory.
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from '../test/helpers/http';
import { CLI } from '../test/helpers/cli';
import { tempDir } from '../test/helpers/manager';
import { seedDataDir } from '../test/helpers/seed-data-dir';
import { serve } from './serve';
import { median } from './stats';

const ROUNDS = 7;
const SECONDS = 3;
const SECRETS = 10_000;
/** Bytes per value: the database is then about 6 MB (a value over about 1,000 bytes takes a page of its own). */
const VALUE_BYTES = 256;


async function polls(url: string, token: string, etag: string): Promise<number> {
  const result = await autocannon({ url, connections: 32, duration: SECONDS, headers: { authorization: `Bearer ${token}`, 'if-none-match': etag } });
  if (result.non2xx !== result.requests.total) throw new Error('a poll was not answered 304');
  return result.requests.average;
}

/** Runs `measure` while a child takes backups back to back; returns the figure and the backups' durations. */
async function duringBackups(mode: 'http' | 'cli', args: { url: string; admin: string; dataDir: string; outDir: string }, measure: () => Promise<number>): Promise<{ rps: number; times: number[] }> {
  const child = spawn(process.execPath, [join(__dirname, 'backup-loop.js'), mode, args.url, args.admin, args.dataDir, args.outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  // The first backup under way before the polls start.
  await new Promise((r) => setTimeout(r, 200));
  const rps = await measure();
  child.kill('SIGTERM');
  await exited;
  const { times } = JSON.parse(/^RESULT (.*)$/m.exec(out)?.[1] ?? 'null') as { times: number[] };
  return { rps, times };
}

async function main(): Promise<void> {
  const dataDir = tempDir('bench-backup-');
  const outDir = tempDir('bench-backup-out-');
  await seedDataDir(dataDir, SECRETS, VALUE_BYTES);
  const admin = `bench-admin-${Date.now()}-token`;
  const manager = await serve([CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { SECRET_MANAGER_ADMIN_TOKEN: admin });
  try {
    const reader = ((await request('POST', `${manager.url}/v1/tokens`, { token: admin, body: { space: 'seed' } })).body as { token: string }).token;
    const url = `${manager.url}/v1/spaces/seed/secrets`;
    const etag = (await request('GET', url, { token: reader })).headers.get('etag') ?? '';
    const measure = (): Promise<number> => polls(url, reader, etag);
    const args = { url: manager.url, admin, dataDir, outDir };
    const quiet: number[] = [];
    const http: number[] = [];
    const cli: number[] = [];
    const httpTimes: number[] = [];
    const cliTimes: number[] = [];
    const figures: (() => Promise<void>)[] = [
      async () => void quiet.push(await measure()),
      async () => {
        const viaHttp = await duringBackups('http', args, measure);
        http.push(viaHttp.rps);
        httpTimes.push(...viaHttp.times);
      },
      async () => {
        const viaCli = await duringBackups('cli', args, measure);
        cli.push(viaCli.rps);
        cliTimes.push(...viaCli.times);
      },
    ];
    // Interleaved rounds, each starting with another figure: every figure sees the same machine state, in every position.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < figures.length; i++) await figures[(round + i) % figures.length]!();
    }
    const size = statSync(join(dataDir, 'secrets.db')).size;
    // A rotation's one transaction holds the event loop: how long, at this size.
    const rotations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const rotated = await request('POST', `${manager.url}/v1/master-key/rotate`, { token: admin });
      if (rotated.status !== 200) throw new Error(`rotate: HTTP ${rotated.status}`);
      rotations.push(performance.now() - started);
    }
    // Each round's cost against that round's quiet figure, then the median: the machine's slow drifts cancel out.
    const cost = (during: number[]): string => median(during.map((rps, round) => 100 * (1 - rps / (quiet[round] as number)))).toFixed(1);
    process.stdout.write(
      [
        `backup (median of ${ROUNDS} interleaved rounds of ${SECONDS} s, 32 connections, a database of ${SECRETS.toLocaleString('en')} secrets, ${(size / 1e6).toFixed(1)} MB, Node ${process.version})`,
        '| figure | measured | goal | note |',
        '|---|---|---|---|',
        `| manager conditional polls (304), no backup, req/s | ${median(quiet).toFixed(0)} | | |`,
        `| their cost while \`POST /v1/backup\` is asked back to back, % | ${cost(http)} | < 20 | ${median(http).toFixed(0)} req/s; ${httpTimes.length} backups, median ${median(httpTimes).toFixed(0)} ms each: the server's pace, one a second at most (read by a process at nice 19, standing for another host) |`,
        `| their cost while \`secret-manager backup\` runs at that pace, % | ${cost(cli)} | < 20 | ${median(cli).toFixed(0)} req/s; ${cliTimes.length} backups, median ${median(cliTimes).toFixed(0)} ms each (the CLI's code in one process, at its nice 10) |`,
        `| \`POST /v1/master-key/rotate\` of ${SECRETS.toLocaleString('en')} secrets, ms | ${median(rotations).toFixed(0)} | | median of 3; the server answers nothing else meanwhile |`,
        '',
      ].join('\n'),
    );
  } finally {
    manager.child.kill('SIGTERM');
    rmSync(outDir, { recursive: true, force: true });
  }
}

void main();
