// Tests for src/manager/lib/metrics/store-figures.ts and metrics.ts: bounded label sets, the backup time, figures read at most once a second.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import { openDatabase } from 'secret-sync-manager/dist/database';
import type { ManagerDatabase } from 'secret-sync-manager/dist/database';
import { FleetStore } from 'secret-sync-manager/dist/fleet-store';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { MANAGER_ACTOR as ACTOR } from 'secret-sync-manager/dist/audit-store';
import { OTHER_SPACES, TOP_SPACES, parseBackupTime, readStoreFigures, topSpaces } from 'secret-sync-manager/dist/metrics/store-figures';
import { BACKUP_LAST_AT } from 'secret-sync-manager/dist/backup';
import { FIGURES_TTL_MS, ManagerMetrics } from 'secret-sync-manager/dist/metrics/metrics';
import { tempDir } from '../../helpers/manager';

describe('manager/metrics/store-figures', () => {
  let db: ManagerDatabase;
  let secrets: SecretStore;
  let fleet: FleetStore;
  let file: string;

  beforeEach(() => {
    file = join(tempDir(), 'secrets.db');
    db = openDatabase(file);
    secrets = new SecretStore(db, new Cipher(randomBytes(32)), new ChangeFeed());
    fleet = new FleetStore(db, { flushMs: 3_600_000 });
  });
  afterEach(() => {
    fleet.close();
    db.close();
  });

  it('names at most 100 spaces, the largest first, and sums the rest under @other', () => {
    const counts: [string, number][] = Array.from({ length: 250 }, (_, i) => [`space-${String(i).padStart(3, '0')}`, i % 7]);
    const top = topSpaces(counts);
    assert.equal(top.length, TOP_SPACES + 1);
    assert.equal(top.at(-1)?.space, OTHER_SPACES);
    assert.equal(top.reduce((n, t) => n + t.count, 0), counts.reduce((n, [, c]) => n + c, 0), 'nothing is lost in the sum');
    const largest = counts.map(([, c]) => c).sort((a, b) => b - a).slice(0, TOP_SPACES);
    assert.deepEqual(top.slice(0, TOP_SPACES).map((t) => t.count), largest, 'the largest are named');
    assert.deepEqual(topSpaces([['b', 1], ['a', 1]]), [{ space: 'a', count: 1 }, { space: 'b', count: 1 }]);
  });

  it('reads the last backup time as ISO 8601, seconds or milliseconds; anything else is no backup', () => {
    assert.equal(parseBackupTime('2026-01-02T03:04:05.000Z'), Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    assert.equal(parseBackupTime('1767323045'), 1767323045);
    assert.equal(parseBackupTime('1767323045000'), 1767323045);
    assert.equal(parseBackupTime(undefined), undefined);
    assert.equal(parseBackupTime('yesterday'), undefined);
  });

  it('counts secrets per scope, read tokens per space, the fleet behind and current, audit entries and the backup time', () => {
    secrets.create({ kind: 'org' }, { name: 'ORG_KEY', value: 'v', description: '' }, ACTOR);
    for (const name of ['A', 'B']) secrets.create({ kind: 'space', space: 'alpha' }, { name, value: 'v', description: '' }, ACTOR);
    const before = secrets.version('alpha');
    fleet.seen('alpha', { id: 'old', name: 'old', version: '1' }, before, 'tok');
    secrets.create({ kind: 'space', space: 'alpha' }, { name: 'C', value: 'v', description: '' }, ACTOR);
    fleet.seen('alpha', { id: 'new', name: 'new', version: '1' }, secrets.version('alpha'), 'tok');
    db.transaction(() => db.setMeta(BACKUP_LAST_AT, '2026-01-02T03:04:05.000Z'));
    const figures = readStoreFigures({ db, secrets, fleet, databaseFile: file });
    assert.deepEqual(figures.secrets, [{ space: '@org', count: 1 }, { space: 'alpha', count: 3 }]);
    assert.equal(figures.spaces, 1);
    assert.deepEqual(figures.fleet, [{ space: 'alpha', current: 1, behind: 1 }]);
    assert.equal(figures.auditEntries, 4);
    assert.equal(figures.backupLastAt, Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    assert.ok((figures.databaseBytes.find((d) => d.file === 'secrets.db')?.bytes ?? 0) > 0);
  });

  it('reads the stores at most once a second, however often it is scraped', async () => {
    let now = 1_000_000;
    const metrics = new ManagerMetrics({ db, secrets, fleet, databaseFile: file, waiters: () => 0, maxWaiters: 10, now: () => now });
    const count = async (): Promise<number> => {
      const family = parsePrometheusTextFormat(await metrics.render()).find((f) => f.name === 'secret_manager_secrets');
      return Number(family?.metrics.find((m) => m.labels?.space === 'alpha')?.value ?? 0);
    };
    secrets.create({ kind: 'space', space: 'alpha' }, { name: 'A', value: 'v', description: '' }, ACTOR);
    assert.equal(await count(), 1);
    secrets.create({ kind: 'space', space: 'alpha' }, { name: 'B', value: 'v', description: '' }, ACTOR);
    now += FIGURES_TTL_MS - 1;
    assert.equal(await count(), 1, 'a scrape within the second reuses the figures');
    now += 1;
    assert.equal(await count(), 2);
  });
});
