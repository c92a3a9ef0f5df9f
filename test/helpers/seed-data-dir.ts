// Fills a data directory with many secrets in one transaction (a master-key rotation then takes a while), without a server.
import { ChangeFeed } from 'secret-sync-manager/dist/change-feed';
import { openKeyedDatabase } from 'secret-sync-manager/dist/key-setup';
import { SecretStore } from 'secret-sync-manager/dist/secret-store';
import { MANAGER_ACTOR, createLogger } from 'secret-sync-manager';

/** The value of seeded secret `i`: unique, and `bytes` long. */
export function seedValue(i: number, bytes = 4096): string {
  const head = `seed-${i}-`;
  return head + 's'.repeat(Math.max(0, bytes - head.length));
}

/** Creates `count` secrets `SEED_<i>` in space `seed` of `dataDir` (its master.key generated if missing); returns what space `seed` reads. */
export async function seedDataDir(dataDir: string, count: number, bytes = 4096): Promise<Record<string, string>> {
  const { db, cipher } = await openKeyedDatabase({ dataDir, logger: createLogger({ level: 'error' }), recover: true });
  const expected: Record<string, string> = {};
  try {
    const store = new SecretStore(db, cipher, new ChangeFeed());
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const value = seedValue(i, bytes);
        store.create({ kind: 'space', space: 'seed' }, { name: `SEED_${i}`, value, description: '' }, MANAGER_ACTOR);
        expected[`SEED_${i}`] = value;
      }
    });
  } finally {
    db.close();
  }
  return expected;
}
