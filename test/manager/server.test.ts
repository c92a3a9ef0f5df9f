// Tests for src/manager/lib/server.ts: durable restart, master key checks, files on disk, bootstrap and concurrency.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, startServer } from 'secret-sync-manager';
import type { ManagerError } from 'secret-sync-manager';
import { request } from '../helpers/http';
import { canary, startTestManager, tempDir } from '../helpers/manager';

describe('manager/server', () => {
  it('keeps secrets and tokens across a restart', async () => {
    const first = await startTestManager();
    await first.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'KEEP', value: 'kept-value' } });
    const token = await first.readToken('demo');
    await first.stop(true);
    const second = await startTestManager({ dataDir: first.dataDir, adminToken: first.adminToken });
    try {
      const read = await second.api('GET', '/v1/spaces/demo/secrets', { token });
      assert.equal(read.status, 200);
      assert.deepEqual((read.body as { secrets: unknown }).secrets, { KEEP: 'kept-value' });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start with a master key other than the database was made with', async () => {
    const m = await startTestManager({ masterKey: randomBytes(32).toString('base64') });
    await m.stop(true);
    await assert.rejects(
      startServer({ dataDir: m.dataDir, port: 0, masterKey: randomBytes(32).toString('base64'), logger: createLogger({ sink: () => undefined }) }),
      (e: ManagerError) => e.code === 'master_key_mismatch',
    );
    rmSync(m.dataDir, { recursive: true, force: true });
  });

  it('keeps no value in plaintext in any file of the data directory', async () => {
    const m = await startTestManager();
    const value = canary('plain');
    const pair = canary('pair');
    await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'C', value } });
    await m.api('POST', '/v1/org/secrets', { body: { name: 'P', value: { user: pair } } });
    // Checked while the WAL still holds the writes, and again after close has checkpointed them.
    const scan = (): void => {
      for (const file of readdirSync(m.dataDir)) {
        const bytes = readFileSync(join(m.dataDir, file));
        assert.ok(!bytes.includes(value) && !bytes.includes(pair), `${file} holds a value in plaintext`);
        assert.ok(!bytes.includes(m.adminToken), `${file} holds the admin token in plaintext`);
      }
    };
    scan();
    await m.stop(true);
    scan();
    for (const file of readdirSync(m.dataDir)) {
      if (file !== 'admin.token') assert.equal(statSync(join(m.dataDir, file)).mode & 0o077, 0, `${file} is owner-only`);
    }
    rmSync(m.dataDir, { recursive: true, force: true });
  });

  it('writes the first admin token to admin.token (0600) when none is configured, and only once', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const logger = createLogger({ sink: (_l, line) => lines.push(line) });
    const server = await startServer({ dataDir, port: 0, logger });
    const file = join(dataDir, 'admin.token');
    assert.equal(server.adminTokenFile, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    assert.equal((await request('GET', `${server.url}/v1/tokens`, { token })).status, 200);
    assert.ok(!lines.join('\n').includes(token), 'the token is not logged');
    await server.close();
    const again = await startServer({ dataDir, port: 0, logger });
    assert.equal(again.adminTokenFile, undefined);
    assert.equal(readFileSync(file, 'utf8').trim(), token);
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails with port_in_use when the port is taken', async () => {
    const m = await startTestManager();
    try {
      await assert.rejects(startTestManager({ port: m.server.port }), (e: ManagerError) => e.code === 'port_in_use');
    } finally {
      await m.stop();
    }
  });

  it('acknowledges every one of many concurrent writes, and keeps them all', async () => {
    const m = await startTestManager();
    try {
      const space = '/v1/spaces/demo/secrets';
      await m.api('POST', space, { body: { name: 'HOT', value: 'v-0' } });
      const creates = Array.from({ length: 60 }, (_, i) => m.api('POST', space, { body: { name: `K${i}`, value: `value-${i}` } }));
      const updates = Array.from({ length: 40 }, (_, i) => m.api('PATCH', `${space}/HOT`, { body: { value: `v-${i + 1}` } }));
      const results = await Promise.all([...creates, ...updates]);
      assert.deepEqual(
        results.map((r) => r.status),
        [...Array<number>(60).fill(201), ...Array<number>(40).fill(200)],
      );
      const read = (await m.api('GET', space)).body as { version: number; secrets: Record<string, string> };
      for (let i = 0; i < 60; i++) assert.equal(read.secrets[`K${i}`], `value-${i}`);
      assert.match(read.secrets.HOT ?? '', /^v-\d+$/);
      assert.ok(read.version >= 101, `every write bumped the version (${read.version})`);
    } finally {
      await m.stop();
    }
  });
});
