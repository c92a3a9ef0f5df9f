// `npm start` after its read token was revoked: the sidebar's advice names the token file, and a restart issues a new token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../helpers/http';
import { startLauncher } from '../helpers/launcher';
import type { Launcher } from '../helpers/launcher';

interface Status {
  state: string;
  error: { code: string; message: string } | null;
}

describe('integration: npm start with a revoked demo token', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'secret-sync-demo-'));
  const tokenFile = join(dir, 'node-red.token');
  let launcher: Launcher | undefined;

  const status = async (): Promise<Status> => (await request('GET', `${launcher!.editor}secret-sync/status`)).body as Status;

  after(async () => {
    await launcher?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs on first start with the token it issued', async () => {
    launcher = await startLauncher(dir);
    assert.equal((await status()).state, 'ok');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  });

  it('names secretSync.tokenFile and the file, not secretSync.token, once the manager rejects the token', async () => {
    const admin = readFileSync(join(dir, 'manager', 'admin.token'), 'utf8').trim();
    const listed = await request('GET', `${launcher!.manager}/v1/tokens`, { token: admin });
    const demo = (listed.body as { tokens: { id: string; description: string; revokedAt: string | null }[] }).tokens.find((t) => t.description === 'npm start demo' && t.revokedAt === null);
    assert.ok(demo, 'the demo token is listed');
    assert.equal((await request('DELETE', `${launcher!.manager}/v1/tokens/${demo.id}`, { token: admin })).status, 204);

    const synced = (await request('POST', `${launcher!.editor}secret-sync/sync`)).body as Status;
    assert.equal(synced.state, 'error');
    assert.equal(synced.error?.code, 'unauthorized');
    assert.ok(synced.error?.message.includes(`check the token in ${tokenFile}, set by secretSync.tokenFile (SECRET_SYNC_TOKEN_FILE)`), synced.error?.message);
    assert.doesNotMatch(synced.error?.message ?? '', /secretSync\.token[^F]/);
  });

  it('issues a new token on the next start, says so, and syncs again', async () => {
    const revoked = readFileSync(tokenFile, 'utf8');
    assert.equal(await launcher!.stop(), 0);
    launcher = await startLauncher(dir);
    assert.match(launcher.output(), /read token was revoked or is unknown to the Secret Manager: issued a new one/);
    const renewed = readFileSync(tokenFile, 'utf8');
    assert.notEqual(renewed, revoked);
    assert.ok(!launcher.output().includes(renewed.trim()), 'the token is never printed');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal((await status()).state, 'ok');
  });

  it('keeps a token that still works across restarts', async () => {
    const kept = readFileSync(tokenFile, 'utf8');
    assert.equal(await launcher!.stop(), 0);
    launcher = await startLauncher(dir);
    assert.equal(readFileSync(tokenFile, 'utf8'), kept);
    assert.doesNotMatch(launcher.output(), /issued a new one/);
    assert.equal((await status()).state, 'ok');
  });
});
