// Tests for the secrets routes over real HTTP: CRUD, the validation rules, scope merge, ETag/304 and bad input.
import assert from 'node:assert/strict';
import { startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';

describe('manager/http/secrets-routes', () => {
  let m: TestManager;
  beforeEach(async () => {
    m = await startTestManager();
  });
  afterEach(() => m.stop());

  const space = '/v1/spaces/demo/secrets';

  describe('create, update, delete', () => {
    it('creates a secret and lists it without its value', async () => {
      const created = await m.api('POST', space, { body: { name: 'API_TOKEN', value: 'tok-1', description: 'CRM' } });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), '/v1/spaces/demo/secrets/API_TOKEN');
      const meta = created.body as Record<string, unknown>;
      assert.deepEqual(Object.keys(meta).sort(), ['createdAt', 'description', 'name', 'scope', 'type', 'updatedAt']);
      assert.equal(meta.type, 'string');
      const list = await m.api('GET', `${space}/meta`);
      assert.equal(list.status, 200);
      assert.ok(!list.text.includes('tok-1'));
      assert.deepEqual(
        (list.body as { secrets: { name: string; description: string }[] }).secrets.map((s) => [s.name, s.description]),
        [['API_TOKEN', 'CRM']],
      );
    });

    it('stores multi-pair secrets and lists their sub-keys, not their values', async () => {
      await m.api('POST', space, { body: { name: 'DB', value: { user: 'app', pass: 'pw-42' } } });
      const list = await m.api('GET', `${space}/meta`);
      const [db] = (list.body as { secrets: { type: string; fields: string[] }[] }).secrets;
      assert.equal(db?.type, 'pairs');
      assert.deepEqual(db?.fields, ['user', 'pass']);
      assert.ok(!list.text.includes('pw-42'));
      const read = await m.api('GET', space);
      assert.deepEqual((read.body as { secrets: unknown }).secrets, { DB: { user: 'app', pass: 'pw-42' } });
    });

    it('answers the validation messages: key required, value required, no changes', async () => {
      const noKey = await m.api('POST', space, { body: { value: 'x' } });
      assert.deepEqual([noKey.status, noKey.body], [400, { error: 'key_required', message: 'Secret key is required', field: 'name' }]);
      const noValue = await m.api('POST', space, { body: { name: 'A' } });
      assert.deepEqual([noValue.status, noValue.body], [400, { error: 'value_required', message: 'Secret value is required', field: 'value' }]);
      await m.api('POST', space, { body: { name: 'A', value: 'same', description: 'd' } });
      for (const body of [{}, { value: 'same' }, { description: 'd' }, { value: 'same', description: 'd' }]) {
        const res = await m.api('PATCH', `${space}/A`, { body });
        assert.deepEqual([res.status, res.body], [400, { error: 'no_changes', message: 'No changes to save' }], JSON.stringify(body));
      }
    });

    it('refuses a duplicate name with 409 and keeps the original', async () => {
      await m.api('POST', space, { body: { name: 'A', value: 'first' } });
      const dup = await m.api('POST', space, { body: { name: 'A', value: 'second' } });
      assert.equal(dup.status, 409);
      assert.equal((dup.body as { error: string }).error, 'secret_exists');
      const read = await m.api('GET', space);
      assert.equal((read.body as { secrets: Record<string, string> }).secrets.A, 'first');
    });

    it('updates value and description, keeps the name read-only', async () => {
      await m.api('POST', space, { body: { name: 'A', value: 'v1' } });
      const renamed = await m.api('PATCH', `${space}/A`, { body: { name: 'B', value: 'v2' } });
      assert.equal(renamed.status, 400);
      assert.equal((renamed.body as { error: string }).error, 'name_read_only');
      const updated = await m.api('PATCH', `${space}/A`, { body: { value: 'v2', description: 'new' } });
      assert.equal(updated.status, 200);
      assert.equal((updated.body as { description: string }).description, 'new');
      const read = await m.api('GET', space);
      assert.deepEqual((read.body as { secrets: unknown }).secrets, { A: 'v2' });
      assert.equal((await m.api('PATCH', `${space}/NOPE`, { body: { value: 'x' } })).status, 404);
    });

    it('deletes permanently with 204', async () => {
      await m.api('POST', space, { body: { name: 'A', value: 'v1' } });
      const del = await m.api('DELETE', `${space}/A`);
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      assert.equal((await m.api('DELETE', `${space}/A`)).status, 404);
      const read = await m.api('GET', space);
      assert.deepEqual((read.body as { secrets: unknown }).secrets, {});
      assert.equal((await m.api('POST', space, { body: { name: 'A', value: 'again' } })).status, 201, 'the name is free again');
    });
  });

  describe('scopes', () => {
    it('shows org secrets in every space and lets a space secret override one of the same name', async () => {
      await m.api('POST', '/v1/org/secrets', { body: { name: 'SHARED', value: 'org-shared' } });
      await m.api('POST', '/v1/org/secrets', { body: { name: 'URL', value: 'org-url' } });
      await m.api('POST', space, { body: { name: 'URL', value: 'demo-url' } });
      await m.api('POST', '/v1/spaces/other/secrets', { body: { name: 'ONLY_OTHER', value: 'o' } });
      const demo = await m.api('GET', space);
      assert.deepEqual((demo.body as { secrets: unknown }).secrets, { SHARED: 'org-shared', URL: 'demo-url' });
      const other = await m.api('GET', '/v1/spaces/other/secrets');
      assert.deepEqual((other.body as { secrets: unknown }).secrets, { ONLY_OTHER: 'o', SHARED: 'org-shared', URL: 'org-url' });
      const orgMeta = await m.api('GET', '/v1/org/secrets/meta');
      assert.deepEqual((orgMeta.body as { secrets: { name: string }[] }).secrets.map((s) => s.name), ['SHARED', 'URL']);
      await m.api('DELETE', `${space}/URL`);
      const after = await m.api('GET', space);
      assert.equal((after.body as { secrets: Record<string, string> }).secrets.URL, 'org-url', 'the org value shows again');
    });

    it('raises a space version on every change it can see, and only on those', async () => {
      const version = async (s: string): Promise<number> => ((await m.api('GET', `/v1/spaces/${s}/secrets`)).body as { version: number }).version;
      const v0 = await version('demo');
      await m.api('POST', space, { body: { name: 'A', value: '1' } });
      const v1 = await version('demo');
      await m.api('POST', '/v1/org/secrets', { body: { name: 'O', value: '1' } });
      const v2 = await version('demo');
      await m.api('PATCH', `${space}/A`, { body: { value: '2' } });
      const v3 = await version('demo');
      await m.api('DELETE', `${space}/A`);
      const v4 = await version('demo');
      assert.ok(v0 < v1 && v1 < v2 && v2 < v3 && v3 < v4, `${v0} ${v1} ${v2} ${v3} ${v4}`);
      const before = await version('demo');
      await m.api('POST', '/v1/spaces/other/secrets', { body: { name: 'X', value: '1' } });
      await m.api('PATCH', '/v1/org/secrets/O', { body: { description: 'only the description' } });
      assert.equal(await version('demo'), before);
    });
  });

  describe('ETag and conditional reads', () => {
    it('answers 304 to a matching If-None-Match and 200 after a change', async () => {
      await m.api('POST', space, { body: { name: 'A', value: '1' } });
      const first = await m.api('GET', space);
      const etag = first.headers.get('etag') as string;
      assert.match(etag, /^"[0-9a-f]+\.\d+"$/);
      assert.equal(first.headers.get('cache-control'), 'no-store');
      const same = await m.api('GET', space, { headers: { 'if-none-match': etag } });
      assert.equal(same.status, 304);
      assert.equal(same.text, '');
      await m.api('PATCH', `${space}/A`, { body: { value: '2' } });
      const changed = await m.api('GET', space, { headers: { 'if-none-match': etag } });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.get('etag'), etag);
    });
  });

  describe('long poll', () => {
    it('answers as soon as the version passes the one given', async () => {
      const { version } = (await m.api('GET', space)).body as { version: number };
      const poll = m.api('GET', `${space}?wait=20&version=${version}`);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await m.api('POST', space, { body: { name: 'NEW', value: 'fresh' } });
      const res = await poll;
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started < 5_000, 'answered long before the 20 s wait');
      assert.deepEqual((res.body as { secrets: unknown }).secrets, { NEW: 'fresh' });
      assert.ok((res.body as { version: number }).version > version);
    });

    it('answers at once when the version has already passed', async () => {
      await m.api('POST', space, { body: { name: 'A', value: '1' } });
      const res = await m.api('GET', `${space}?wait=20&version=0`);
      assert.equal(res.status, 200);
    });

    it('answers 304 at the timeout when nothing changed', async () => {
      const { version } = (await m.api('GET', space)).body as { version: number };
      await m.api('POST', '/v1/spaces/other/secrets', { body: { name: 'X', value: '1' } });
      const res = await m.api('GET', `${space}?wait=1&version=${version}`);
      assert.equal(res.status, 304);
    });

    it('rejects a bad wait or a missing version', async () => {
      for (const q of ['wait=abc&version=1', 'wait=1', 'wait=100000&version=1', 'wait=-1&version=1', 'wait=1&version=x']) {
        const res = await m.api('GET', `${space}?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal((res.body as { error: string }).error, 'invalid_query');
      }
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with invalid_json and no echo of the body', async () => {
      const res = await m.api('POST', space, { raw: '{"name":"A","value":"leaky-canary-77"' });
      assert.deepEqual([res.status, res.body], [400, { error: 'invalid_json', message: 'The request body is not valid JSON' }]);
      assert.ok(!m.logs.join('\n').includes('leaky-canary-77'));
    });

    it('answers an oversize body with 413', async () => {
      const res = await m.api('POST', space, { body: { name: 'BIG', value: 'x'.repeat(300 * 1024) } });
      assert.equal(res.status, 413);
      assert.equal((res.body as { error: string }).error, 'payload_too_large');
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await m.api('POST', space, { raw: 'name=A&value=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(res.status, 415);
      assert.equal((res.body as { error: string }).error, 'unsupported_media_type');
    });

    it('answers unknown fields and wrong types with a code and the field', async () => {
      const unknown = await m.api('POST', space, { body: { name: 'A', value: 'x', owner: 'me' } });
      assert.deepEqual(unknown.body, { error: 'unknown_field', message: "Unknown field 'owner'", field: 'owner' });
      const wrong = await m.api('POST', space, { body: { name: 'A', value: 42 } });
      assert.equal((wrong.body as { error: string }).error, 'invalid_type');
      const notObject = await m.api('POST', space, { body: ['A'] });
      assert.equal((notObject.body as { error: string }).error, 'invalid_body');
    });

    it('refuses bad space names and unknown routes with JSON errors, never a stack trace', async () => {
      const badSpace = await m.api('GET', '/v1/spaces/a.b/secrets');
      assert.equal(badSpace.status, 400);
      assert.equal((badSpace.body as { error: string }).error, 'invalid_space');
      const missing = await m.api('GET', '/v1/nothing');
      assert.equal(missing.status, 404);
      assert.equal((missing.body as { error: string }).error, 'not_found');
      for (const res of [badSpace, missing]) assert.ok(!/\bat .*\.js:\d+/.test(res.text), 'no stack frames');
    });
  });
});
