// PATCH with `fields` over real HTTP: change some pairs of a multi-pair secret without knowing the others; no silent change of type.
import assert from 'node:assert/strict';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

describe('manager/http PATCH fields (pair merge)', () => {
  let m: TestManager;
  beforeEach(async () => {
    m = await startTestManager();
  });
  afterEach(() => m.stop());

  const space = '/v1/spaces/demo/secrets';
  const read = async (): Promise<{ version: number; secrets: Record<string, unknown> }> => (await m.api('GET', space)).body as { version: number; secrets: Record<string, unknown> };
  const meta = async (name: string): Promise<{ type: string; fields?: string[] }> =>
    ((await m.api('GET', `${space}/meta`)).body as { secrets: { name: string; type: string; fields?: string[] }[] }).secrets.find((s) => s.name === name)!;
  const updates = async (target: string): Promise<number> =>
    ((await m.api('GET', '/v1/audit')).body as { entries: { action: string; target: string }[] }).entries.filter((e) => e.action === 'secret.update' && e.target === target).length;

  it('changes one pair of MQTT_BROKER and keeps every pair it was not asked to change', async () => {
    const [password, rotated] = [canary('mqtt-pass'), canary('mqtt-rotated')];
    assert.equal((await m.api('POST', space, { body: { name: 'MQTT_BROKER', value: { username: 'device-1', password, host: 'broker.local' } } })).status, 201);
    const before = await read();
    const res = await m.api('PATCH', `${space}/MQTT_BROKER`, { body: { fields: { password: rotated } } });
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.text.includes(rotated), 'the answer names no value');
    assert.deepEqual((res.body as { fields: string[] }).fields, ['username', 'password', 'host']);
    const after = await read();
    assert.deepEqual(after.secrets.MQTT_BROKER, { username: 'device-1', password: rotated, host: 'broker.local' });
    assert.ok(after.version > before.version, 'a value change bumps the version');
    assert.equal(await updates('MQTT_BROKER'), 1, 'audited as one secret.update');
  });

  it('adds a pair, removes a pair only when asked (null), and keeps the type', async () => {
    await m.api('POST', space, { body: { name: 'DB', value: { user: 'app', pass: 'pw-1' } } });
    assert.equal((await m.api('PATCH', `${space}/DB`, { body: { fields: { port: '5432' } } })).status, 200);
    assert.deepEqual((await read()).secrets.DB, { user: 'app', pass: 'pw-1', port: '5432' });
    assert.equal((await m.api('PATCH', `${space}/DB`, { body: { fields: { user: null, pass: 'pw-2' }, description: 'both at once' } })).status, 200);
    assert.deepEqual((await read()).secrets.DB, { pass: 'pw-2', port: '5432' });
    assert.deepEqual(await meta('DB'), { ...(await meta('DB')), type: 'pairs', fields: ['pass', 'port'] });
  });

  it('answers no_changes, without a version bump or an audit entry, when nothing would change', async () => {
    await m.api('POST', space, { body: { name: 'DB', value: { user: 'app', pass: 'pw-1' } } });
    const { version } = await read();
    for (const fields of [{}, { user: 'app' }, { gone: null }, { user: 'app', gone: null }]) {
      const res = await m.api('PATCH', `${space}/DB`, { body: { fields } });
      assert.deepEqual([res.status, res.body], [400, { error: 'no_changes', message: 'No changes to save' }], JSON.stringify(fields));
    }
    assert.equal((await read()).version, version);
    assert.equal(await updates('DB'), 0);
  });

  it('validates fields like a create: names, blank values, counts, sizes, never all pairs gone', async () => {
    await m.api('POST', space, { body: { name: 'DB', value: { user: 'app', pass: 'pw-1' } } });
    const cases: [unknown, number, string][] = [
      [{ fields: { 'bad name': 'x' } }, 400, 'invalid_name'],
      [JSON.parse('{"fields":{"__proto__":"x"}}'), 400, 'invalid_name'],
      [{ fields: { user: '   ' } }, 400, 'value_required'],
      [{ fields: { user: 42 } }, 400, 'invalid_type'],
      [{ fields: 'user=x' }, 400, 'invalid_type'],
      [{ fields: { user: null, pass: null } }, 400, 'value_required'],
      [{ fields: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`k${i}`, 'v'])) }, 400, 'too_many_fields'],
      [{ fields: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, null])) }, 400, 'too_many_fields'],
      [{ fields: { big: 'x'.repeat(65 * 1024) } }, 400, 'value_too_large'],
      [{ fields: { user: 'x' }, value: { user: 'x' } }, 400, 'invalid_body'],
    ];
    for (const [body, status, code] of cases) {
      const res = await m.api('PATCH', `${space}/DB`, { raw: JSON.stringify(body) });
      assert.deepEqual([res.status, (res.body as { error: string }).error], [status, code], JSON.stringify(body).slice(0, 80));
    }
    assert.deepEqual((await read()).secrets.DB, { user: 'app', pass: 'pw-1' }, 'nothing changed');
    assert.equal(await updates('DB'), 0);
  });

  it('never turns pairs into a string (or back) unless the type change is explicit', async () => {
    await m.api('POST', space, { body: { name: 'MQTT_BROKER', value: { username: 'device-1', password: 'pw-1' } } });
    await m.api('POST', space, { body: { name: 'TOKEN', value: 'tok-1' } });
    const toString = await m.api('PATCH', `${space}/MQTT_BROKER`, { body: { value: 'just-a-string' } });
    assert.deepEqual([toString.status, (toString.body as { error: string }).error], [409, 'type_change']);
    const toPairs = await m.api('PATCH', `${space}/TOKEN`, { body: { value: { a: 'b' } } });
    assert.deepEqual([toPairs.status, (toPairs.body as { error: string }).error], [409, 'type_change']);
    const fieldsOnString = await m.api('PATCH', `${space}/TOKEN`, { body: { fields: { a: 'b' } } });
    assert.deepEqual([fieldsOnString.status, (fieldsOnString.body as { error: string }).error], [409, 'type_change']);
    const mismatch = await m.api('PATCH', `${space}/TOKEN`, { body: { value: 'x', type: 'pairs' } });
    assert.deepEqual([mismatch.status, (mismatch.body as { error: string }).error], [400, 'invalid_type']);
    assert.deepEqual((await read()).secrets, { MQTT_BROKER: { username: 'device-1', password: 'pw-1' }, TOKEN: 'tok-1' }, 'nothing changed');

    assert.equal((await m.api('PATCH', `${space}/MQTT_BROKER`, { body: { value: 'now-a-string', type: 'string' } })).status, 200);
    assert.equal((await m.api('PATCH', `${space}/TOKEN`, { body: { value: { a: 'b' }, type: 'pairs' } })).status, 200);
    assert.deepEqual((await read()).secrets, { MQTT_BROKER: 'now-a-string', TOKEN: { a: 'b' } });
    assert.equal((await meta('MQTT_BROKER')).type, 'string');
    assert.equal((await meta('TOKEN')).type, 'pairs');
  });

  it('works the same on organization secrets, as the admin only', async () => {
    await m.api('POST', '/v1/org/secrets', { body: { name: 'SMTP', value: { user: 'mailer', pass: 'pw-1' } } });
    const viewer = ((await m.api('POST', '/v1/tokens', { body: { role: 'viewer' } })).body as { token: string }).token;
    assert.equal((await m.api('PATCH', '/v1/org/secrets/SMTP', { token: viewer, body: { fields: { pass: 'pw-x' } } })).status, 403);
    assert.equal((await m.api('PATCH', '/v1/org/secrets/SMTP', { body: { fields: { pass: 'pw-2' } } })).status, 200);
    assert.deepEqual((await read()).secrets.SMTP, { user: 'mailer', pass: 'pw-2' });
  });
});
