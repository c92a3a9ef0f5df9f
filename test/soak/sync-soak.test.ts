// Soak: 10,000 syncs against a fault-injecting local server; global.SECRETS is always whole, and nothing grows.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SecretManagerProvider } from '../../src/providers/secret-manager-provider';
import { GlobalSecrets } from '../../src/plugin/node-red/runtime-bridge/global-secrets';
import { DEFAULT_RETRY_POLICY } from '../../src/plugin/core/retry';
import { SyncEngine } from '../../src/plugin/core/sync-engine';
import { memoryLogger } from '../helpers/logger';

const CYCLES = 10_000;
const KEYS = 50;
/** Stated bounds: the heap may grow by at most this much over the whole soak, after GC. */
const HEAP_BOUND_BYTES = 16 * 1024 * 1024;

type Fault = 'ok' | 'same' | 'e500' | 'e429' | 'reset' | 'garbage' | 'html' | 'other-space' | 'bad-value';
const FAULTS: Fault[] = ['ok', 'ok', 'same', 'same', 'e500', 'e429', 'reset', 'garbage', 'html', 'other-space', 'bad-value'];

function gc(): void {
  v8.setFlagsFromString('--expose_gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('soak: 10,000 syncs with faults', function () {
  this.timeout(300_000);

  it('keeps global.SECRETS a complete snapshot and grows no timers, listeners or heap', async () => {
    let version = 1;
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const body = (v: number, extra = ''): string =>
      JSON.stringify({ space: 'soak', version: v, secrets: Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`K${i}`, `v${v}-${i}${extra}`])) });
    const counts: Record<string, number> = {};
    const server = http.createServer((req, res) => {
      const fault = FAULTS[Math.floor(random() * FAULTS.length)] as Fault;
      counts[fault] = (counts[fault] ?? 0) + 1;
      switch (fault) {
        case 'ok':
          version++;
          res.writeHead(200, { 'content-type': 'application/json', etag: `"${version}"` }).end(body(version));
          return;
        case 'same':
          if (req.headers['if-none-match'] === `"${version}"`) res.writeHead(304).end();
          else res.writeHead(200, { 'content-type': 'application/json', etag: `"${version}"` }).end(body(version));
          return;
        case 'e500':
          res.writeHead(500).end();
          return;
        case 'e429':
          res.writeHead(429, { 'retry-after': '0' }).end();
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' }).end(body(version + 1).slice(0, 100));
          return;
        case 'html':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
          return;
        case 'other-space':
          res.writeHead(200, { 'content-type': 'application/json' }).end(body(version + 1).replace('"soak"', '"prod"'));
          return;
        case 'bad-value':
          res.writeHead(200, { 'content-type': 'application/json' }).end(body(version + 1).replace('"K0":"', '"K0":null,"X":"'));
          return;
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const holder: Record<string, unknown> = {};
    const engine = new SyncEngine({
      provider: new SecretManagerProvider({ url, space: 'soak', token: 'soak-token' }),
      onPublish: (publication) => new GlobalSecrets(holder).publish(publication.snapshot.secrets),
      policy: { ...DEFAULT_RETRY_POLICY, retries: 1, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 },
      logger: memoryLogger([]),
      space: 'soak',
    });
    engine.on('changed', () => undefined);

    const check = (): void => {
      const secrets = holder.SECRETS as Record<string, string> | undefined;
      if (secrets === undefined) return;
      const keys = Object.keys(secrets);
      assert.equal(keys.length, KEYS, 'never partial, never empty');
      const stamp = /^v(\d+)-/.exec(secrets.K0 ?? '')?.[1];
      assert.ok(keys.every((k, i) => secrets[`K${i}`] === `v${stamp}-${i}`), 'one version throughout');
    };

    for (let i = 0; i < 200; i++) await engine.sync('schedule');
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const resourcesBefore = process.getActiveResourcesInfo().length;
    const listenersBefore = engine.listenerCount('changed') + engine.listenerCount('state');

    let failures = 0;
    for (let i = 0; i < CYCLES; i++) {
      const outcome = await engine.sync('schedule');
      if (!outcome.ok) failures++;
      check();
    }

    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const resourcesAfter = process.getActiveResourcesInfo().length;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    console.log(`      ${CYCLES} syncs: ${failures} failed, faults served ${JSON.stringify(counts)}, heap ${(heapGrowth / 1024 / 1024).toFixed(1)} MiB, resources ${resourcesBefore} -> ${resourcesAfter}`);
    assert.ok(holder.SECRETS !== undefined, 'some syncs succeeded');
    assert.ok(failures > CYCLES / 4, 'the faults really happened');
    assert.ok(heapGrowth < HEAP_BOUND_BYTES, `heap grew by ${heapGrowth} bytes`);
    assert.ok(resourcesAfter <= resourcesBefore + 4, `active resources ${resourcesBefore} -> ${resourcesAfter}`);
    assert.equal(engine.listenerCount('changed') + engine.listenerCount('state'), listenersBefore);
  });
});
