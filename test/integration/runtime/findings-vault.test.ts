// The move with `provider: 'vault'` in a real Node-RED against a real OpenBao: the secret created in the folder layout with the move's token, a read-only token refused, the value never shown.
import assert from 'node:assert/strict';
import type { FindingsAnswer } from '../../../src/shared/contract';
import { eventually, startNodeRed } from '../../helpers/node-red';
import type { TestNodeRed } from '../../helpers/node-red';
import { countBaoTests, requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';
import { randomText } from '../../helpers/random-text';

describe('integration: moving a pasted credential into OpenBao from a real Node-RED', function () {
  this.timeout(60_000);
  countBaoTests(this, 'runtime move');
  const password = randomText(24);
  let bao: BaoDev;
  let nr: TestNodeRed;
  let readOnly = '';
  const texts: string[] = [];
  const move = async (credential: string): Promise<{ status: number; body: unknown }> => {
    const res = await nr.admin('POST', '/secret-sync/move', { body: { id: 'b1', property: 'credentials.password', name: 'MQTT_PASSWORD', scope: 'space', credential } });
    texts.push(res.text);
    return res;
  };

  before(async function () {
    requireBao(this);
    bao = await startBaoDev();
    await bao.put('spaces/demo/EXISTING', { value: 'existing-value' });
    await bao.api('PUT', 'sys/policies/acl/read-only', { body: { policy: 'path "secret/*" { capabilities = ["read", "list"] }' } });
    readOnly = ((await bao.api('POST', 'auth/token/create', { body: { policies: ['read-only'] } })).body as { auth: { client_token: string } }).auth.client_token;
    nr = await startNodeRed({ settings: { secretSync: { provider: 'vault', url: bao.url, space: 'demo', token: readOnly, interval: 'off', syncOnDeploy: false } } });
    const res = await nr.admin('POST', '/flows', {
      body: [{ id: 'b1', type: 'mqtt-broker', name: 'prod', broker: '127.0.0.1', port: '1', autoConnect: false, credentials: { user: 'device', password } }],
      headers: { 'node-red-deployment-type': 'full' },
    });
    assert.equal(res.status, 204, res.text);
    await eventually(async () => ((await nr.admin('GET', '/secret-sync/findings')).body as FindingsAnswer).count === 1 || undefined, 15_000, 'one finding');
  });

  after(async () => {
    await nr?.stop();
    await bao?.stop();
  });

  it('refuses a token that may only read, writing nothing', async () => {
    const res = await move(readOnly);
    assert.equal(res.status, 403);
    assert.equal((res.body as { code: string }).code, 'credential_refused');
    assert.equal((await bao.api('GET', 'secret/data/spaces/demo/MQTT_PASSWORD')).status, 404);
  });

  it('creates <pathPrefix>/<space>/<NAME> with a token that may write; the plugin reads it at once', async () => {
    const res = await move(bao.rootToken);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { reference: '${SECRETS.MQTT_PASSWORD}', name: 'MQTT_PASSWORD', scope: 'space', existed: false });
    const stored = (await bao.api('GET', 'secret/data/spaces/demo/MQTT_PASSWORD')).body as { data: { data: Record<string, unknown> } };
    assert.deepEqual(stored.data.data, { value: password });
    const keys = ((await nr.admin('GET', '/secret-sync/keys')).body as { keys: { key: string }[] }).keys.map((k) => k.key);
    assert.ok(keys.includes('MQTT_PASSWORD'), keys.join(', '));
  });

  it('never shows the value or the token in an answer or a log line', () => {
    const text = [...texts, ...nr.logs.map((l) => l.msg)].join('\n');
    for (let i = 0; i + 6 <= password.length; i++) assert.ok(!text.includes(password.slice(i, i + 6)), `a piece of the password leaked at ${i}`);
    assert.ok(!text.includes(bao.rootToken), 'the move token leaked');
  });
});
