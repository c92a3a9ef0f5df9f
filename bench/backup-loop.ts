// A child process of `bench/backup.ts`: takes backups back to back until SIGTERM (through `POST /v1/backup`, or the CLI on the data directory), then prints how many and how long.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../test/helpers/cli';

const [mode, url, token, dataDir, outDir] = process.argv.slice(2) as [string, string, string, string, string];
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

async function once(): Promise<void> {
  if (mode === 'http') {
    // Read and dropped as it arrives (a cron job on another host writes it away, on its own CPU).
    const status = await new Promise<number | undefined>((done, fail) => {
      const req = http.request(`${url}/v1/backup`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('end', () => done(res.statusCode)).on('error', fail).resume();
      });
      req.on('error', fail).end();
    });
    // The last bytes of the previous backup may reach this process before the server has let it go: ask again.
    if (status === 429) await new Promise((r) => setTimeout(r, 10));
    else if (status !== 200) throw new Error(`POST /v1/backup: HTTP ${status}`);
    return;
  }
  const file = join(outDir, 'cli-backup.db');
  // Not execFileSync: the event loop must stay free to take the SIGTERM that ends the loop.
  await promisify(execFile)(process.execPath, [CLI, '--data-dir', dataDir, 'backup', file]);
  rmSync(file, { force: true });
}

async function main(): Promise<void> {
  const times: number[] = [];
  while (!stopping) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  process.stdout.write(`${JSON.stringify({ count: times.length, times })}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
