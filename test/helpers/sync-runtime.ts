// The runtime suites' shared set-up: the real manager behind a fault proxy, and Node-RED with the plugin, the probe flows and two users.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debugLeakFlows, probeFlows } from '../fixtures/probe-flows';
import { adminAuthSettings, login } from './admin-auth';
import { startFaultProxy } from './fault-proxy';
import type { FaultProxy } from './fault-proxy';
import { canary, startTestManager } from './manager';
import type { TestManager } from './manager';
import { startNodeRed } from './node-red';
import type { TestNodeRed } from './node-red';

/** What the probe flow's HTTP endpoint reports about global.SECRETS. */
export interface Probe {
  viaObject: string | null;
  viaPath: string | null;
  viaChange?: string | null;
  pair: string | null;
  frozen: boolean | null;
  nullPrototype: boolean | null;
  atStart: string | null;
  afterWrite: string | null;
}

/** The plugin's status answer, as far as the suites read it. */
export interface Status {
  state: string;
  keyCount: number;
  error: { code: string; message: string } | null;
  consecutiveFailures: number;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  interval: string;
  syncOnDeploy: boolean;
  version: number | null;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/**
 * Space `demo` with `my_api_token` (canary `first`) and the multi-pair `MQTT`,
 * read by Node-RED through a fault proxy; `seen` collects every value a
 * suite ever stored, for its leak checks. One per process (Node-RED's runtime is a singleton).
 */
export class SyncRuntime {
  readonly space = '/v1/spaces/demo/secrets';
  readonly first = canary('first-token');
  readonly pairValue = canary('mqtt-user');
  readonly seen: string[] = [this.first, this.pairValue];
  manager!: TestManager;
  proxy!: FaultProxy;
  nr!: TestNodeRed;
  adminToken = '';
  readerToken = '';
  #stopped = false;

  async start(): Promise<void> {
    this.manager = await startTestManager();
    await this.manager.api('POST', this.space, { body: { name: 'my_api_token', value: this.first } });
    const mqttPass = canary('mqtt-pass');
    this.seen.push(mqttPass);
    await this.manager.api('POST', this.space, { body: { name: 'MQTT', value: { username: this.pairValue, password: mqttPass } } });
    const token = await this.manager.readToken('demo');
    this.proxy = await startFaultProxy(this.manager.url);
    this.nr = await startNodeRed({
      flows: [...probeFlows(), ...debugLeakFlows()],
      settings: {
        adminAuth: adminAuthSettings(),
        contextStorage: { default: { module: 'localfilesystem', config: { flushInterval: 0 } }, memory: { module: 'memory' } },
        secretSync: {
          url: this.proxy.url,
          space: 'demo',
          token,
          interval: 'off',
          syncOnDeploy: true,
          retry: { retries: 2, minDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1_500, attemptTimeoutMs: 1_000, totalTimeoutMs: 5_000 },
        },
      },
    });
    this.adminToken = await login(this.nr.url, 'admin');
    this.readerToken = await login(this.nr.url, 'reader');
  }

  async stop(): Promise<void> {
    if (!this.#stopped) await this.nr?.stop();
    await this.proxy?.close();
    await this.manager?.stop();
  }

  /** Calls the editor's admin API as the admin user. */
  admin(method: string, path: string, body?: unknown): ReturnType<TestNodeRed['admin']> {
    return this.nr.admin(method, path, { token: this.adminToken, ...(body === undefined ? {} : { body }) });
  }

  /** What flows see now; during a full deploy the HTTP-in route is briefly gone, so callers that poll tolerate an empty probe. */
  async probe(): Promise<Probe> {
    return ((await this.nr.endpoint('/probe')).body ?? {}) as Probe;
  }

  async status(): Promise<Status> {
    return (await this.admin('GET', '/secret-sync/status')).body as Status;
  }

  /** Gives `my_api_token` a new value at the manager. */
  async setValue(value: string): Promise<void> {
    this.seen.push(value);
    const res = await this.manager.api('PATCH', `${this.space}/my_api_token`, { body: { value } });
    assert.equal(res.status, 200);
  }

  /** A full deploy of the flows as they are. */
  async deploy(): Promise<void> {
    const flows = (await this.admin('GET', '/flows')).body as unknown[];
    const res = await this.nr.admin('POST', '/flows', { token: this.adminToken, body: flows, headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(res.status, 204, res.text);
  }

  /** Stops Node-RED and checks that no file of its user directory and no log line holds a value the suite stored. */
  async assertNothingWritten(): Promise<void> {
    await this.admin('POST', '/secret-sync/sync');
    await this.probe();
    await this.nr.stop();
    this.#stopped = true;
    const all = files(this.nr.userDir);
    assert.ok(all.some((f) => f.includes(join('context', 'global'))), 'the flows did write to the persistent store');
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      for (const value of this.seen) assert.ok(!text.includes(value), `${file} holds a secret value`);
    }
    for (const line of this.nr.logs) for (const value of this.seen) assert.ok(!line.msg.includes(value), 'a log line holds a secret value');
  }
}

/** A {@link SyncRuntime} for the calling suite: started before it, stopped after it, the fault proxy reset to pass after each test. */
export function useSyncRuntime(): SyncRuntime {
  const rt = new SyncRuntime();
  before(() => rt.start());
  after(() => rt.stop());
  afterEach(() => rt.proxy.setFallback({ kind: 'pass' }));
  return rt;
}
