// The credential scan and the move in a real Node-RED with the real manager: findings without values, the move's checks and refusals, and a deployed reference that ends the finding.
import assert from 'node:assert/strict';
import { credentialsModule } from '../../../src/plugin/node-red/runtime-bridge/loaded-modules';
import { FINDINGS_MAX, TOPICS } from '../../../src/shared/contract';
import type { FindingsAnswer, MoveAnswer } from '../../../src/shared/contract';
import { adminAuthSettings, login } from '../../helpers/admin-auth';
import { request } from '../../helpers/http';
import { openComms } from '../../helpers/comms';
import type { TestComms } from '../../helpers/comms';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { randomText as random } from '../../helpers/random-text';


const MOVER_PASSWORD = 'mover-password-for-tests';

describe('integration: credentials pasted into flows, found and moved to the manager', function () {
  this.timeout(60_000);
  let manager: TestManager;
  let nr: TestNodeRed;
  let admin = '';
  let reader = '';
  let readToken = '';
  let comms: TestComms;
  const answers: string[] = [];
  const mqttPassword = random(24);
  const bearer = random(40);
  const github = `ghp_${random(36)}`;
  const synced = random(24);
  const moveCredentials: string[] = [];
  const flows = (password: string): unknown[] => [
    { id: 't1', type: 'tab', label: 'Find' },
    { id: 'b1', type: 'mqtt-broker', name: 'prod', broker: '127.0.0.1', port: '1', autoConnect: false, credentials: { user: 'device', password } },
    { id: 'h1', type: 'http request', z: 't1', name: 'api', method: 'GET', url: 'http://127.0.0.1:1/x', headers: [{ keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: `Bearer ${bearer}` }], wires: [] },
    { id: 'f1', type: 'function', z: 't1', name: 'gh', func: `// call GitHub\nconst token = "${github}";\nreturn msg;`, outputs: 1, wires: [[]] },
    { id: 'c1', type: 'change', z: 't1', name: 'pasted', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: synced, tot: 'str' }], wires: [[]] },
  ];
  const deploy = async (nodes: unknown[]): Promise<void> => {
    const res = await nr.admin('POST', '/flows', { token: admin, body: nodes, headers: { 'node-red-deployment-type': 'full' } });
    assert.equal(res.status, 204, res.text);
  };
  const findings = async (token = admin): Promise<FindingsAnswer> => {
    const res = await nr.admin('GET', '/secret-sync/findings', { token });
    assert.equal(res.status, 200);
    answers.push(res.text);
    return res.body as FindingsAnswer;
  };
  const move = async (body: Record<string, unknown>, token = admin): Promise<{ status: number; body: unknown }> => {
    if (typeof body.credential === 'string') moveCredentials.push(body.credential);
    const res = await nr.admin('POST', '/secret-sync/move', { token, body });
    answers.push(res.text);
    return { status: res.status, body: res.body };
  };
  const managerValue = async (name: string): Promise<unknown> => ((await manager.api('GET', '/v1/spaces/demo/secrets')).body as { secrets: Record<string, unknown> }).secrets[name];

  before(async () => {
    manager = await startTestManager();
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'SYNCED', value: synced } });
    readToken = await manager.readToken('demo');
    // One more user: secret-sync.write, and flows read-only (it cannot edit flows, nor see a password credential).
    const auth = adminAuthSettings() as { users: unknown[] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bcrypt = require('bcryptjs') as { hashSync(text: string, rounds: number): string };
    auth.users.push({ username: 'mover', password: bcrypt.hashSync(MOVER_PASSWORD, 4), permissions: ['secret-sync.write', 'flows.read'] });
    nr = await startNodeRed({ settings: { adminAuth: auth, secretSync: { url: manager.url, space: 'demo', token: readToken, interval: 'off' } } });
    admin = await login(nr.url, 'admin');
    reader = await login(nr.url, 'reader');
    comms = await openComms(nr.adminUrl, admin, [TOPICS.findings, TOPICS.status]);
    await deploy(flows(mqttPassword));
  });

  after(async () => {
    comms?.close();
    await nr?.stop();
    await manager?.stop();
  });

  it('lists each credential with where it is and which rule, and publishes the count', async () => {
    const answer = await eventually(async () => {
      const a = await findings();
      return a.count === 4 ? a : undefined;
    }, 15_000, 'four findings');
    assert.deepEqual(
      answer.findings.map((f) => `${f.id} ${f.property} ${f.rule} ${f.detail ?? ''} ${f.line ?? ''} ${f.movable}`).sort(),
      ['b1 credentials.password password-field   true', 'c1 rules.0.to synced-value SYNCED  true', 'f1 func credential-shape github 2 false', 'h1 headers.0.valueValue named-literal   true'],
    );
    assert.ok(answer.findings.length <= FINDINGS_MAX);
    assert.equal(typeof answer.scannedAt, 'string');
    await eventually(() => comms.frames.some((f) => f.includes(TOPICS.findings) && f.includes('"count":4')), 5_000, 'the count on comms');
    assert.ok(nr.logs.some((l) => l.msg.includes('4 credentials pasted into the deployed flows')));
  });

  it("reads which credential fields are passwords from Node-RED's own definitions", () => {
    const definitions = credentialsModule();
    assert.ok(definitions, "Node-RED's credentials module was not found");
    assert.deepEqual(definitions.getDefinition('mqtt-broker'), { user: { type: 'text' }, password: { type: 'password' } });
  });

  it('shows a read-only user the findings, and refuses them the move', async () => {
    assert.equal((await findings(reader)).count, 4);
    const refused = await move({ id: 'b1', property: 'credentials.password', name: 'READER_TRY', scope: 'space', credential: manager.adminToken }, reader);
    // Node-RED answers a missing permission with 401.
    assert.equal(refused.status, 401);
    assert.equal(await managerValue('READER_TRY'), undefined);
  });

  it('refuses the move to a user who may write secrets but not edit flows: it would read a password the editor never shows them', async () => {
    const res = await request('POST', `${nr.url}/auth/token`, { body: { client_id: 'node-red-admin', grant_type: 'password', scope: '', username: 'mover', password: MOVER_PASSWORD } });
    const token = (res.body as { access_token?: string }).access_token;
    assert.ok(token, `login as mover: HTTP ${res.status}`);
    const refused = await move({ id: 'b1', property: 'credentials.password', name: 'MOVER_TRY', scope: 'space', credential: manager.adminToken }, token);
    assert.equal(refused.status, 401);
    assert.equal(await managerValue('MOVER_TRY'), undefined);
  });

  it('refuses bad bodies with 400 and a code, and any property that is not a current finding with 404', async () => {
    const base = { id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: manager.adminToken };
    for (const bad of [{ ...base, name: 'bad name!' }, { ...base, name: '__proto__' }, { ...base, scope: 'all' }, { ...base, credential: 'x'.repeat(100_000) }, { ...base, id: 'i'.repeat(10_000) }, { ...base, line: 0 }, []]) {
      const res = await move(bad as Record<string, unknown>);
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 200));
      assert.equal((res.body as { code: string }).code, 'invalid_move');
    }
    for (const other of [{ ...base, property: 'credentials.user' }, { ...base, property: 'broker' }, { ...base, id: 'nope' }, { ...base, id: 'f1', property: 'func', line: 1 }]) {
      const res = await move(other);
      assert.equal(res.status, 404);
      assert.equal((res.body as { code: string }).code, 'finding_not_found');
    }
    assert.equal(await managerValue('MQTT_PROD_PASSWORD'), undefined);
  });

  it('refuses a credential that may not write (the space read token, a viewer token, an unknown token), writing nothing', async () => {
    const viewer = ((await manager.api('POST', '/v1/tokens', { body: { role: 'viewer' } })).body as { token: string }).token;
    for (const credential of [readToken, viewer, `unknown-${random(20)}`]) {
      const res = await move({ id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential });
      assert.equal(res.status, 403);
      assert.equal((res.body as { code: string }).code, 'credential_refused');
    }
    assert.equal(await managerValue('MQTT_PROD_PASSWORD'), undefined);
  });

  it('refuses the credential pasted as the name too (a manager token is a valid name): no secret, reference, log line or audit entry names it', async () => {
    const token = manager.adminToken;
    const logsBefore = nr.logs.length;
    // Sent as the name only: its test of the log below is its own, the last test's covers the credential field.
    const res = await nr.admin('POST', '/secret-sync/move', { token: admin, body: { id: 'b1', property: 'credentials.password', name: token, scope: 'space', credential: token } });
    assert.equal(res.status, 400, res.text.slice(0, 200));
    assert.deepEqual([(res.body as { code: string }).code, (res.body as { field: string }).field], ['invalid_move', 'name']);
    assert.ok(!res.text.includes(token), 'the answer names the credential');
    assert.ok(nr.logs.slice(logsBefore).some((l) => l.msg.startsWith('audit') && l.msg.includes('secret-sync.move')), 'the refusal is audited');
    assert.ok(!nr.logs.slice(logsBefore).some((l) => l.msg.includes(token)), 'a log line or audit entry names the credential');
    assert.equal(await managerValue(token), undefined);
  });

  it('creates the secret with an admin token, and says it existed when asked again', async () => {
    const res = await move({ id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: manager.adminToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { reference: '${SECRETS.MQTT_PROD_PASSWORD}', name: 'MQTT_PROD_PASSWORD', scope: 'space', existed: false });
    assert.equal(await managerValue('MQTT_PROD_PASSWORD'), mqttPassword);
    const again = await move({ id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: manager.adminToken });
    assert.equal(again.status, 200);
    assert.equal((again.body as MoveAnswer).existed, true);
    assert.ok(nr.logs.some((l) => l.msg.startsWith('audit') && l.msg.includes('secret-sync.move') && l.msg.includes('MQTT_PROD_PASSWORD')));
  });

  it('stops with 409 when the name holds another value, writing nothing', async () => {
    const other = canary('other-value');
    await manager.api('POST', '/v1/spaces/demo/secrets', { body: { name: 'API_AUTH', value: other } });
    const res = await move({ id: 'h1', property: 'headers.0.valueValue', name: 'API_AUTH', scope: 'space', credential: manager.adminToken });
    assert.equal(res.status, 409);
    assert.equal((res.body as { code: string }).code, 'secret_exists');
    assert.equal(await managerValue('API_AUTH'), other);
  });

  it('creates an organization secret, which the space reads', async () => {
    const res = await move({ id: 'h1', property: 'headers.0.valueValue', name: 'ORG_API_AUTH', scope: 'org', credential: manager.adminToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { reference: '${SECRETS.ORG_API_AUTH}', name: 'ORG_API_AUTH', scope: 'org', existed: false });
    const meta = (await manager.api('GET', '/v1/org/secrets/meta')).body as { secrets: { name: string }[] };
    assert.ok(meta.secrets.some((m) => m.name === 'ORG_API_AUTH'), JSON.stringify(meta).slice(0, 300));
    assert.equal(await managerValue('ORG_API_AUTH'), `Bearer ${bearer}`);
  });

  it('moves a token out of code as a replacement to paste', async () => {
    const res = await move({ id: 'f1', property: 'func', line: 2, name: 'GITHUB_TOKEN', scope: 'space', credential: manager.adminToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((res.body as MoveAnswer).reference, "env.get('SECRETS.GITHUB_TOKEN')");
    assert.equal(await managerValue('GITHUB_TOKEN'), github);
  });

  it('finds nothing there once the reference is deployed', async () => {
    await deploy(flows('${SECRETS.MQTT_PROD_PASSWORD}'));
    const answer = await eventually(async () => {
      const a = await findings();
      return a.count === 3 ? a : undefined;
    }, 15_000, 'three findings');
    assert.ok(!answer.findings.some((f) => f.id === 'b1'));
    const gone = await move({ id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: manager.adminToken });
    assert.equal(gone.status, 404);
  });

  it('never shows a value: not in an answer, a comms frame or a log line; never the move credential either', () => {
    const text = [...answers, ...comms.frames, ...nr.logs.map((l) => l.msg)].join('\n');
    // Every 6 random characters in a row, at every offset: not even a prefix or a part of a value is shown.
    for (const value of [mqttPassword, bearer, github.slice('ghp_'.length), synced]) {
      for (let i = 0; i + 6 <= value.length; i++) assert.ok(!text.includes(value.slice(i, i + 6)), `a piece of a canary leaked at ${i}`);
    }
    const logs = nr.logs.map((l) => l.msg).join('\n');
    for (const credential of new Set(moveCredentials)) if (credential.length < 1000) assert.ok(!logs.includes(credential), 'a move credential is in the log');
    assert.ok(!answers.join('\n').includes(manager.adminToken), 'the admin token came back in an answer');
  });
});
