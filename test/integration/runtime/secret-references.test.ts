// `${SECRETS.KEY}` in node properties and credentials, in a real Node-RED against the real manager, a real MQTT broker (aedes) and a local HTTP server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { openComms } from '../../helpers/comms';
import { request } from '../../helpers/http';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';

interface Status {
  state: string;
  references: {
    missing: { reference: string; nodes: { id: string }[] }[];
    restarted: { keys: string[]; nodes: { id: string }[] } | null;
    pending: { id: string }[];
    unavailable: string | null;
  };
}

/** A node (type and properties) per way of naming `SECRETS.API_TOKEN` as a variable; each sets msg.payload from it. */
const forms: Record<string, Record<string, unknown>> = {
  // A change node's `env` typed input with the bare name: read once, as the node starts.
  envBare: { type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'SECRETS.API_TOKEN', tot: 'env' }] },
  // The reference inside text of an `env` typed input: also read as the node starts.
  envText: { type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'Bearer ${SECRETS.API_TOKEN}', tot: 'env' }] },
  // JSONata's $env: looked up each time the expression runs.
  jsonata: { type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: "$env('SECRETS.API_TOKEN')", tot: 'jsonata' }] },
  // env.get in a function node's code: looked up at each message.
  envGet: { type: 'function', func: "msg.payload = env.get('SECRETS.API_TOKEN'); return msg;", outputs: 1, libs: [] },
  // env.get in On Start: runs once, as the node starts.
  onStart: { type: 'function', func: "msg.payload = context.get('token'); return msg;", initialize: "context.set('token', env.get(\"SECRETS.API_TOKEN\"));", finalize: '', outputs: 1, libs: [] },
  // A template node's {{env.NAME}}: looked up at each message.
  template: { type: 'template', field: 'payload', fieldType: 'msg', format: 'text', syntax: 'mustache', output: 'str', template: '{{env.SECRETS.API_TOKEN}}' },
};

describe('integration: ${SECRETS.KEY} in node properties and credentials', function () {
  this.timeout(30_000);
  const user = 'device-42';
  const passwords = [canary('mqtt-pass-1'), canary('mqtt-pass-2')];
  const apiToken = canary('api-token');
  const rotatedToken = canary('api-token-rotated');
  let expected = passwords[0]!;
  const logins: { user: string; password: string; ok: boolean }[] = [];
  const authHeaders: string[] = [];
  let broker: Aedes;
  let mqttServer: net.Server;
  let mqttPort: number;
  let web: http.Server;
  let webPort: number;
  let manager: TestManager;
  let nr: TestNodeRed;
  const space = '/v1/spaces/demo/secrets';
  const status = async (): Promise<Status> => (await nr.admin('GET', '/secret-sync/status')).body as Status;

  const flows = (): unknown[] => [
    { id: 'ref-tab', type: 'tab', label: 'References' },
    {
      id: 'broker',
      type: 'mqtt-broker',
      name: 'secret broker',
      broker: '127.0.0.1',
      port: String(mqttPort),
      clientid: 'secret-sync-test',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      credentials: { user: '${SECRETS.MQTT_USER}', password: '${SECRETS.MQTT_PASSWORD}' },
    },
    { id: 'mqtt-out', type: 'mqtt out', z: 'ref-tab', name: 'publisher', topic: 'test/topic', qos: '0', retain: 'false', broker: 'broker', wires: [] },
    { id: 'env-in', type: 'http in', z: 'ref-tab', url: '/env', method: 'get', wires: [['env-exec']] },
    { id: 'env-exec', type: 'exec', z: 'ref-tab', command: 'env', addpay: '', append: '', useSpawn: 'false', timer: '5', winHide: false, oldrc: false, wires: [['env-out'], [], []] },
    { id: 'env-out', type: 'http response', z: 'ref-tab', wires: [] },
    { id: 'call-in', type: 'http in', z: 'ref-tab', url: '/call', method: 'get', wires: [['call-header']] },
    // A typed input of type `env` resolves ${…} inside text: the way to build `Bearer <token>`.
    { id: 'call-header', type: 'change', z: 'ref-tab', rules: [{ t: 'set', p: 'headers', pt: 'msg', to: '{}', tot: 'json' }, { t: 'set', p: 'headers.Authorization', pt: 'msg', to: 'Bearer ${SECRETS.API_TOKEN}', tot: 'env' }], wires: [['call-request']] },
    { id: 'call-request', type: 'http request', z: 'ref-tab', method: 'GET', ret: 'txt', url: `http://127.0.0.1:${webPort}/check`, wires: [['call-out']] },
    { id: 'call-out', type: 'http response', z: 'ref-tab', wires: [] },
    { id: 'plain-in', type: 'http in', z: 'ref-tab', url: '/plain', method: 'get', wires: [['plain-change']] },
    { id: 'plain-change', type: 'change', z: 'ref-tab', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'home=${HOME}', tot: 'env' }], wires: [['plain-out']] },
    { id: 'plain-out', type: 'http response', z: 'ref-tab', wires: [] },
    { id: 'missing-change', type: 'change', z: 'ref-tab', name: 'uses a missing key', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '${SECRETS.NOT_THERE}', tot: 'str' }], wires: [[]] },
    // Every way Node-RED names an environment variable, each behind GET /api/form/<name> answering what the node got.
    ...Object.entries(forms).flatMap(([name, node]) => [
      { id: `form-in-${name}`, type: 'http in', z: 'ref-tab', url: `/form/${name}`, method: 'get', wires: [[`form-${name}`]] },
      { id: `form-${name}`, z: 'ref-tab', name: `form ${name}`, ...node, wires: [[`form-out-${name}`]] },
      { id: `form-out-${name}`, type: 'http response', z: 'ref-tab', wires: [] },
    ]),
  ];

  /** What each form answers now. */
  const readForms = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      await Promise.all(
        Object.keys(forms).map(async (name) => {
          // A node that fails to answer shows as such instead of holding the test until its timeout.
          const res = await request('GET', `${nr.url}/api/form/${name}`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
          return [name, res?.text ?? 'no answer'] as const;
        }),
      ),
    );

  before(async () => {
    broker = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        const attempt = { user: username ?? '', password: password?.toString() ?? '', ok: false };
        attempt.ok = attempt.user === user && attempt.password === expected;
        logins.push(attempt);
        done(null, attempt.ok);
      },
    });
    mqttServer = net.createServer(broker.handle);
    await new Promise<void>((done) => mqttServer.listen(0, '127.0.0.1', done));
    mqttPort = (mqttServer.address() as AddressInfo).port;
    web = http.createServer((req, res) => {
      authHeaders.push(req.headers.authorization ?? '');
      res.end('ok');
    });
    await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
    webPort = (web.address() as AddressInfo).port;
    manager = await startTestManager();
    await manager.api('POST', space, { body: { name: 'MQTT_USER', value: user } });
    await manager.api('POST', space, { body: { name: 'MQTT_PASSWORD', value: passwords[0] } });
    await manager.api('POST', space, { body: { name: 'API_TOKEN', value: apiToken } });
    nr = await startNodeRed({
      flows: [],
      settings: {
        credentialSecret: false,
        secretSync: { url: manager.url, space: 'demo', token: await manager.readToken('demo'), interval: 'off', syncOnDeploy: false },
      },
    });
    // Deployed as the editor does: credentials inside the nodes, which Node-RED moves to flows_cred.json.
    const deployed = await nr.admin('POST', '/flows', { body: flows(), headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(deployed.status, 204, deployed.text);
  });

  after(async () => {
    await nr?.stop();
    await manager?.stop();
    await new Promise<void>((done) => broker.close(() => done()));
    await new Promise<void>((done) => mqttServer.close(() => done()));
    web.closeAllConnections();
    await new Promise<void>((done) => web.close(() => done()));
  });

  it('connects an MQTT broker config node whose user and password are ${SECRETS.…} credentials', async () => {
    await eventually(() => logins.some((l) => l.ok), 10_000, 'an MQTT login with the secret password');
    assert.deepEqual(logins.find((l) => l.ok), { user, password: passwords[0], ok: true });
  });

  it('keeps only the reference in flows.json, flows_cred.json and the admin API', async () => {
    const cred = readFileSync(join(nr.userDir, 'flows_cred.json'), 'utf8');
    assert.match(cred, /\$\{SECRETS\.MQTT_PASSWORD\}/);
    const files = [readFileSync(join(nr.userDir, 'flows.json'), 'utf8'), cred, (await nr.admin('GET', '/flows')).text];
    for (const text of files) for (const secret of [...passwords, apiToken, rotatedToken]) assert.ok(!text.includes(secret));
  });

  it('sends `Bearer ${SECRETS.API_TOKEN}` (an env typed input, the reference inside text) through an http request node', async () => {
    const res = await nr.endpoint('/call');
    assert.equal(res.status, 200);
    assert.deepEqual(authHeaders, [`Bearer ${apiToken}`]);
  });

  it('hands no secret to a child process: the exec node `env` lists none', async () => {
    const res = await nr.endpoint('/env');
    assert.equal(res.status, 200);
    assert.match(res.text, /PATH=/, 'the exec node did print the environment');
    for (const secret of [user, ...passwords, apiToken]) assert.ok(!res.text.includes(secret));
    assert.ok(!res.text.includes('SECRETS'));
  });

  it('names a missing key and the node that uses it, which gets an empty value', async () => {
    const s = await status();
    assert.deepEqual(s.references.missing, [{ reference: 'SECRETS.NOT_THERE', nodes: [{ id: 'missing-change', type: 'change', name: 'uses a missing key', z: 'ref-tab' }] }]);
    assert.equal(s.references.unavailable, null);
    assert.ok(nr.logs.some((l) => l.msg.includes('${SECRETS.NOT_THERE} is not in this space: change \'uses a missing key\' (missing-change) got an empty value')));
    // The node's own status badge says it too (a retained status frame, as an editor opening now gets it).
    const comms = await openComms(nr.adminUrl, undefined, ['status/#']);
    try {
      await eventually(() => comms.frames.some((f) => f.includes('status/missing-change') && f.includes('missing ${SECRETS.NOT_THERE}')), 3_000, 'the status badge');
    } finally {
      comms.close();
    }
  });

  it('never shadows a normal environment variable: ${HOME} still resolves to the environment', async () => {
    const res = await nr.endpoint('/plain');
    assert.equal(res.text, `home=${process.env.HOME ?? ''}`);
  });

  it('restarts the broker and its users when the password rotates, and the broker sees the new one, without a deploy', async () => {
    expected = passwords[1]!;
    assert.equal((await manager.api('PATCH', `${space}/MQTT_PASSWORD`, { body: { value: passwords[1] } })).status, 200);
    const synced = await nr.admin('POST', '/secret-sync/sync');
    assert.equal((synced.body as Status).state, 'ok');
    await eventually(() => logins.some((l) => l.ok && l.password === passwords[1]), 10_000, 'a login with the rotated password');
    const s = await status();
    assert.deepEqual(s.references.restarted?.keys, ['MQTT_PASSWORD']);
    assert.deepEqual(s.references.restarted?.nodes.map((n) => n.id).sort(), ['broker', 'mqtt-out']);
    assert.ok(nr.logs.some((l) => l.msg.includes("restarted 2 nodes that use changed secrets (MQTT_PASSWORD): mqtt-broker 'secret broker' (broker)")));
  });

  it('gives every way of naming SECRETS.API_TOKEN as a variable its value', async () => {
    assert.deepEqual(await readForms(), { envBare: apiToken, envText: `Bearer ${apiToken}`, jsonata: apiToken, envGet: apiToken, onStart: apiToken, template: apiToken });
  });

  it('follows a rotation in every form: restarts the nodes that read it as they start, and only those', async () => {
    assert.equal((await manager.api('PATCH', `${space}/API_TOKEN`, { body: { value: rotatedToken } })).status, 200);
    assert.equal(((await nr.admin('POST', '/secret-sync/sync')).body as Status).state, 'ok');
    // The restart follows the sync; a request reaching a node while it restarts is dropped, as in a "modified nodes" deploy.
    const s = await eventually(async () => {
      const now = await status();
      return now.references.restarted?.keys.includes('API_TOKEN') ? now : undefined;
    }, 10_000, 'the restart after the rotation');
    assert.deepEqual(await readForms(), { envBare: rotatedToken, envText: `Bearer ${rotatedToken}`, jsonata: rotatedToken, envGet: rotatedToken, onStart: rotatedToken, template: rotatedToken });
    assert.deepEqual(s.references.restarted?.keys, ['API_TOKEN']);
    assert.deepEqual(s.references.restarted?.nodes.map((n) => n.id).sort(), ['call-header', 'form-envBare', 'form-envText', 'form-onStart']);
  });

  it('never writes a value to a log line', () => {
    for (const line of nr.logs) for (const secret of [...passwords, apiToken, rotatedToken]) assert.ok(!line.msg.includes(secret), line.msg);
  });
});
