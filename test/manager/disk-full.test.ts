// A full disk: writes answer 507 disk_full and the log says the disk is full, while reads go on and nothing acknowledged is lost.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AuditStore, MANAGER_ACTOR } from 'secret-sync-manager/dist/audit-store';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { createApp } from 'secret-sync-manager/dist/http/app';
import { createLogger } from 'secret-sync-manager/dist/logger';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { TokenStore } from 'secret-sync-manager/dist/token-store';
import { request } from '../helpers/http';
import { canary, startTestManager, tempDir } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';

const DISK_FULL_LINE = /the disk holding the data directory is full/;

describe('manager: a full disk', function () {
  this.timeout(30_000);

  describe('SQLite reports SQLITE_FULL (max_page_count)', () => {
    let db: ManagerDatabase;
    let server: http.Server;
    let url: string;
    let admin: string;
    let reader: string;
    let fleet: FleetStore;
    let audit: AuditStore;
    const logs: string[] = [];

    before(async () => {
      db = openDatabase(join(tempDir(), 'secrets.db'));
      const tokens = new TokenStore(db);
      admin = tokens.create({ role: 'admin', space: null, description: 'a' }, MANAGER_ACTOR).token;
      reader = tokens.create({ role: 'read', space: 'demo', description: 'r' }, MANAGER_ACTOR).token;
      fleet = new FleetStore(db, { flushMs: 3_600_000 });
      audit = new AuditStore(db);
      const logger = createLogger({ level: 'debug', sink: (_level, line) => logs.push(line) });
      const secrets = new SecretStore(db, new Cipher(randomBytes(32)), new ChangeFeed());
      server = http.createServer(createApp({ secrets, tokens, feed: new ChangeFeed(), fleet, audit, instanceId: 'db1', logger }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      fleet.close();
      audit.close();
      db.close();
    });

    it('answers 507 disk_full with a message, logs that the disk is full, reads on, and writes again once there is room', async () => {
      const kept = canary('kept');
      assert.equal((await request('POST', `${url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'KEPT', value: kept } })).status, 201);
      const pages = (db.sql.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
      db.sql.exec(`PRAGMA max_page_count = ${pages}`);

      const refused = await request('POST', `${url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'BIG', value: 'x'.repeat(60_000) } });
      assert.equal(refused.status, 507, refused.text);
      assert.equal((refused.body as { error: string }).error, 'disk_full');
      assert.match((refused.body as { message: string }).message, /disk .* is full/);
      assert.ok(logs.some((line) => line.includes('error') && DISK_FULL_LINE.test(line)), 'the log says the disk is full');
      assert.ok(!logs.some((line) => line.includes('internal error')), 'not an anonymous internal error');

      const read = await request('GET', `${url}/v1/spaces/demo/secrets`, { token: reader });
      assert.deepEqual([read.status, (read.body as { secrets: unknown }).secrets], [200, { KEPT: kept }]);

      db.sql.exec('PRAGMA max_page_count = 1073741823');
      assert.equal((await request('POST', `${url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'BIG', value: 'x'.repeat(60_000) } })).status, 201);
    });
  });

  describe('the data directory on a real full filesystem (tmpfs; needs root)', () => {
    let mountPoint: string;
    let mounted = false;
    let m: TestManager | undefined;

    before(function () {
      mountPoint = tempDir('secret-manager-tmpfs-');
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
        mounted = true;
      } catch {
        rmSync(mountPoint, { recursive: true, force: true });
        this.skip();
      }
    });
    after(async () => {
      await m?.stop(true);
      if (mounted) execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('refuses writes with 507 disk_full once the disk is full, serves reads, and loses no acknowledged write', async () => {
      m = await startTestManager({ dataDir: join(mountPoint, 'data') });
      const reader = await m.readToken('demo');
      const kept = canary('kept');
      assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'KEPT', value: kept } })).status, 201);
      // Fill what is left of the filesystem.
      const filler = join(mountPoint, 'filler');
      const fd = openSync(filler, 'w');
      try {
        const chunk = Buffer.alloc(64 * 1024);
        for (let i = 0; i < 1000; i++) writeSync(fd, chunk);
        assert.fail('the filesystem never filled up');
      } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }

      const acknowledged: string[] = [];
      let refused: { status: number; body: unknown } | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        const res = await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: `FILL_${i}`, value: canary('fill').padEnd(60_000, 'x') } });
        if (res.status === 201) acknowledged.push(`FILL_${i}`);
        else refused = res;
      }
      assert.equal(refused?.status, 507, JSON.stringify(refused?.body));
      assert.equal((refused?.body as { error: string }).error, 'disk_full');
      assert.ok(m.logs.some((line) => DISK_FULL_LINE.test(line)), 'the log says the disk is full');

      const read = await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: reader });
      assert.equal(read.status, 200);
      assert.equal((read.body as { secrets: Record<string, string> }).secrets.KEPT, kept);

      rmSync(filler);
      assert.equal((await m.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'AFTER', value: 'room again' } })).status, 201);
      await m.stop(true);
      m = await startTestManager({ dataDir: join(mountPoint, 'data'), adminToken: m.adminToken });
      const names = Object.keys(((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: reader })).body as { secrets: object }).secrets);
      assert.deepEqual(names.sort(), ['AFTER', 'KEPT', ...acknowledged].sort(), 'every acknowledged write survived');
    });
  });
});
