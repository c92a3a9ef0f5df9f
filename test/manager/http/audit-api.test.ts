// GET /v1/audit over real HTTP: pages back with ?before=, filters by who, what and key (bounded), and honest token "last used" times.
import assert from 'node:assert/strict';
import { request } from '../../helpers/http';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  scope: string | null;
  target: string | null;
}

describe('manager/http audit filters and token times', () => {
  let m: TestManager;
  let alice: string;
  before(async () => {
    m = await startTestManager();
    alice = ((await m.api('POST', '/v1/tokens', { body: { role: 'admin', description: 'Alice Admin' } })).body as { token: string }).token;
    const as = { token: alice };
    for (let i = 0; i < 5; i++) await m.api('POST', '/v1/spaces/demo/secrets', { ...as, body: { name: `ALICE_${i}`, value: 'v' } });
    await m.api('PATCH', '/v1/spaces/demo/secrets/ALICE_1', { ...as, body: { value: 'w' } });
    await m.api('POST', '/v1/org/secrets', { body: { name: 'MQTT_BROKER', value: { username: 'u', password: 'p' } } });
    await m.api('PATCH', '/v1/org/secrets/MQTT_BROKER', { body: { description: 'the broker' } });
  });
  after(() => m.stop());

  const audit = async (query: string, token = m.adminToken): Promise<{ status: number; entries: Entry[]; error?: string }> => {
    const res = await request('GET', `${m.url}/v1/audit${query}`, { token });
    const body = res.body as { entries?: Entry[]; error?: string };
    return { status: res.status, entries: body.entries ?? [], ...(body.error ? { error: body.error } : {}) };
  };

  it('filters by who: part of the token description, any case', async () => {
    const { status, entries } = await audit('?actor=alice');
    assert.equal(status, 200);
    assert.ok(entries.length >= 6);
    assert.ok(entries.every((e) => e.actor === 'Alice Admin'), JSON.stringify(entries.map((e) => e.actor)));
  });

  it('filters by what: one action, or a group of them', async () => {
    const updates = (await audit('?action=secret.update')).entries;
    assert.deepEqual(updates.map((e) => e.target).sort(), ['ALICE_1', 'MQTT_BROKER']);
    const secrets = (await audit('?action=secret')).entries;
    assert.ok(secrets.length >= 8 && secrets.every((e) => e.action.startsWith('secret.')));
    const tokens = (await audit('?action=token')).entries;
    assert.ok(tokens.length >= 1 && tokens.every((e) => e.action.startsWith('token.')));
  });

  it('filters by key: part of the name acted on; filters combine; ?before= pages back within a filter', async () => {
    const mqtt = (await audit('?target=mqtt_b')).entries;
    assert.deepEqual(mqtt.map((e) => e.action), ['secret.update', 'secret.create']);
    const both = (await audit('?actor=alice&action=secret.create&target=ALICE')).entries;
    assert.deepEqual(both.map((e) => e.target), ['ALICE_4', 'ALICE_3', 'ALICE_2', 'ALICE_1', 'ALICE_0']);
    const older = (await audit(`?actor=alice&action=secret.create&before=${both[1]!.seq}`)).entries;
    assert.deepEqual(older.map((e) => e.target), ['ALICE_2', 'ALICE_1', 'ALICE_0']);
  });

  it('refuses unbounded or unknown filters with invalid_query', async () => {
    for (const query of [`?actor=${'a'.repeat(129)}`, `?target=${'a'.repeat(129)}`, '?action=secret.explode', '?action=', '?before=abc', '?actor=a&actor=b']) {
      const res = await audit(query);
      assert.deepEqual([res.status, res.error], [400, 'invalid_query'], query.slice(0, 40));
    }
  });

  it('lets a viewer filter too', async () => {
    const viewer = ((await m.api('POST', '/v1/tokens', { body: { role: 'viewer', description: 'auditor' } })).body as { token: string }).token;
    const { status, entries } = await audit('?action=secret.update', viewer);
    assert.equal(status, 200);
    assert.equal(entries.length, 2);
  });

  it('never says a token was last used before it was created', async () => {
    const created = (await m.api('POST', '/v1/tokens', { body: { space: 'demo', description: 'fresh reader' } })).body as { id: string; token: string };
    assert.equal((await request('GET', `${m.url}/v1/spaces/demo/secrets`, { token: created.token })).status, 200);
    const record = ((await m.api('GET', '/v1/tokens')).body as { tokens: { id: string; createdAt: string; lastUsedAt: string | null }[] }).tokens.find((t) => t.id === created.id)!;
    assert.ok(record.lastUsedAt !== null);
    assert.ok(Date.parse(record.lastUsedAt) >= Date.parse(record.createdAt), `${record.lastUsedAt} is before ${record.createdAt}`);
  });
});
