// A child process of `bench/backup.ts`: takes backups as fast as the server allows until SIGTERM (through `POST /v1/backup`, or the CLI's code on the data directory at the same pace), then prints how many and how long.
import { rmSync } from 'node:fs';
import http from 'node:http';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { main as cli } from 'secret-sync-manager/dist/cli';
import { BACKUP_PAUSE_FACTOR } from 'secret-sync-manager/dist/manager-operations';

const [mode, url, token, dataDir, outDir] = process.argv.slice(2) as [string, string, string, string, string];
let stopping = false;
/** Backups received (a 429 counts none). */
let taken = 0;
process.on('SIGTERM', () => (stopping = true));

async function once(): Promise<void> {
  if (mode === 'http') {
    // Read and dropped as it arrives (a cron job on another host writes it away, on its own CPU).
    const { status, retryAfter } = await new Promise<{ status: number | undefined; retryAfter: number }>((done, fail) => {
      const req = http.request(`${url}/v1/backup`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('end', () => done({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) })).on('error', fail).resume();
      });
      req.on('error', fail).end();
    });
    // Asked back to back, the server paces its backups (README, "Back up and restore"): wait as it says, as a client should.
    if (status === 429) await new Promise((r) => setTimeout(r, retryAfter * 1000));
    else if (status !== 200) throw new Error(`POST /v1/backup: HTTP ${status}`);
    else taken++;
    return;
  }
  // The CLI's own code, in this one process: a cron job starts one CLI per backup, not several a second, so Node's start is left out.
  const file = join(outDir, 'cli-backup.db');
  if ((await cli(['node', 'secret-manager', '--json', '--data-dir', dataDir, 'backup', file])) !== 0) throw new Error('secret-manager backup failed');
  rmSync(file, { force: true });
}

async function main(): Promise<void> {
  // Through HTTP this process stands for a cron job on another host: its own reading of the answers is not the server's cost.
  if (mode === 'http') setPriority(19);
  const times: number[] = [];
  while (!stopping) {
    const started = performance.now();
    const before = taken;
    await once();
    const took = performance.now() - started;
    if (mode === 'cli' || taken > before) times.push(took);
    // The CLI at the pace the server keeps for its own backups (BACKUP_PAUSE_FACTOR): one a second at most, here.
    if (mode === 'cli') await new Promise((r) => setTimeout(r, Math.max(1000, BACKUP_PAUSE_FACTOR * took)));
  }
  process.stdout.write(`\nRESULT ${JSON.stringify({ count: times.length, times })}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
