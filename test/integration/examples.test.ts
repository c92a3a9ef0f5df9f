// The example flows, run for real: each does what its description says, and no debug message shows a secret value.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { canary, startTestManager } from '../helpers/manager';
import type { TestManager } from '../helpers/manager';
import { REPO_ROOT, eventually } from '../helpers/node-red';
import { spawnNodeRed } from '../helpers/node-red-child';
import type { NodeRedChild } from '../helpers/node-red-child';

const EXAMPLES = join(REPO_ROOT, 'examples');

interface DebugMessage {
  id: string;
  msg: string;
}

describe('integration: example flows', function () {
  this.timeout(60_000);
  const token1 = canary('example-token');
  const token2 = canary('rotated-token');
  const mqttPass = canary('mqtt-pass');
  let manager: TestManager;
  let nr: NodeRedChild;
  let ws: WebSocket;
  let broker: Aedes;
  let mqttServer: net.Server;
  let mqttPort = 0;
  const logins: { user: string; password: string }[] = [];
  const debug: DebugMessage[] = [];

  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
  const debugFrom = (node: string): Promise<DebugMessage> => eventually(() => debug.find((d) => d.id === node), 10_000, `debug from ${node}`);
  // A deploy answers before the new flows have started: until then the inject node is unknown (404).
  const inject = async (id: string): Promise<void> => {
    await eventually(async () => (await nr.admin('POST', `/inject/${id}`)).status === 200, 5_000, `inject ${id}`);
  };

  before(async () => {
    // Example 06 logs in to an MQTT broker with the MQTT_BROKER secret: a real broker that checks it.
    broker = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        logins.push({ user: username ?? '', password: password?.toString() ?? '' });
        done(null, username === 'app' && password?.toString() === mqttPass);
      },
    });
    mqttServer = net.createServer(broker.handle);
    await new Promise<void>((done) => mqttServer.listen(0, '127.0.0.1', done));
    mqttPort = (mqttServer.address() as AddressInfo).port;
    manager = await startTestManager();
    const space = '/v1/spaces/demo/secrets';
    await manager.api('POST', space, { body: { name: 'my_api_token', value: token1 } });
    await manager.api('POST', space, { body: { name: 'MQTT_BROKER', value: { username: 'app', password: mqttPass } } });
    const token = await manager.readToken('demo');
    nr = await spawnNodeRed({ settings: { secretSync: { url: manager.url, space: 'demo', token, interval: 'off' } } });
    // The examples assume Node-RED on port 1880; this one has another.
    const port = new URL(nr.url).port;
    const flows = files.flatMap(
      (f) => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8').replace('127.0.0.1:1880', `127.0.0.1:${port}`).replace('"port": "1883"', `"port": "${mqttPort}"`)) as unknown[],
    );
    const deployed = await nr.admin('POST', '/flows', { body: flows, headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(deployed.status, 204, deployed.text);
    ws = new WebSocket(`${nr.url.replace('http', 'ws')}/comms`);
    ws.addEventListener('message', (e) => {
      const data = JSON.parse(String(e.data)) as { topic: string; data: DebugMessage } | { topic: string; data: DebugMessage }[];
      for (const m of Array.isArray(data) ? data : [data]) if (m.topic === 'debug') debug.push(m.data);
    });
    await new Promise((r) => ws.addEventListener('open', r));
    ws.send(JSON.stringify({ subscribe: 'debug' }));
  });

  after(async () => {
    ws?.close();
    await nr?.stop();
    await manager?.stop();
    await new Promise<void>((done) => broker.close(() => done()));
    await new Promise<void>((done) => mqttServer.close(() => done()));
  });

  it('are numbered and listed in Import > Examples', async () => {
    assert.deepEqual(files, [
      '01 - Use a secret in a function node.json',
      '02 - Call an API with a header from SECRETS.json',
      '03 - React to a rotation.json',
      '04 - Use a multi-pair secret.json',
      '05 - Migrate from the legacy Secret Manager node.json',
      '06 - Configure an MQTT broker from secrets.json',
    ]);
    const library = await nr.admin('GET', '/library/examples/flows/@secret-sync/node-red-secret-sync');
    assert.equal(library.status, 200, library.text);
    const listed = JSON.stringify(library.body);
    for (const f of files) assert.ok(listed.includes(f.replace(/\.json$/, '')), `${f} is listed`);
  });

  it('01: a function node reads the token and sets the header', async () => {
    await inject('ss-ex01-inject');
    assert.match((await debugFrom('ss-ex01-debug')).msg, /my_api_token is available/);
  });

  it('02: an HTTP request carries a header built from SECRETS', async () => {
    await inject('ss-ex02-inject');
    assert.deepEqual(JSON.parse((await debugFrom('ss-ex02-debug')).msg), { authorized: true });
  });

  it('04: a multi-pair secret fills connection options', async () => {
    await inject('ss-ex04-inject');
    assert.equal(JSON.parse(JSON.stringify((await debugFrom('ss-ex04-debug')).msg)), 'connection options ready: username, password');
  });

  it('06: an MQTT broker config node logs in with credentials that are ${SECRETS.…} references', async () => {
    await eventually(() => logins.some((l) => l.password === mqttPass), 10_000, 'the broker login');
    // The mqtt in node subscribes once connected: publish until the message comes back (5 tries at most).
    for (let i = 0; i < 5 && !debug.some((d) => d.id === 'ss-ex06-debug'); i++) {
      await inject('ss-ex06-inject');
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal((await debugFrom('ss-ex06-debug')).msg, 'hello from a broker login made of secrets');
    assert.deepEqual(logins.filter((l) => l.password === mqttPass).map((l) => l.user), ['app']);
  });

  it('05: a legacy flow still runs through the deprecated node', async () => {
    await inject('ss-ex05-inject');
    assert.equal((await debugFrom('ss-ex05-debug')).msg, 'my_api_token is available without the legacy node');
  });

  it('03: a rotation reaches the "secrets changed" node with names only', async () => {
    await manager.api('PATCH', '/v1/spaces/demo/secrets/my_api_token', { body: { value: token2 } });
    await nr.admin('POST', '/secret-sync/sync');
    const changed = JSON.parse((await debugFrom('ss-ex03-debug')).msg) as { added: string[]; changed: string[]; removed: string[]; version: number };
    assert.deepEqual({ ...changed, version: typeof changed.version }, { added: [], changed: ['my_api_token'], removed: [], version: 'number' });
    assert.equal((await debugFrom('ss-ex03-debug-2')).msg, 'reconnected with the rotated token');
  });

  it('never put a secret value into a debug message', () => {
    assert.ok(debug.length >= 5);
    const all = JSON.stringify(debug);
    for (const value of [token1, token2, mqttPass]) assert.ok(!all.includes(value));
  });
});
