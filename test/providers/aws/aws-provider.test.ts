// Tests for src/providers/aws/ against moto's real AWS Secrets Manager API: layouts, scopes, multi-pair, rotation, deletion, IAM denial, throttling, a dead endpoint.
import assert from 'node:assert/strict';
import { AwsProvider } from '../../../src/providers/aws/aws-provider';
import type { AwsOptions } from '../../../src/providers/aws/aws-options';
import { SyncEngine } from '../../../src/plugin/core/sync-engine';
import { DEFAULT_RETRY_POLICY } from '../../../src/plugin/core/retry';
import { startAwsProxy } from '../../helpers/aws-proxy';
import type { AwsProxy } from '../../helpers/aws-proxy';
import { memoryLogger } from '../../helpers/logger';
import { canary } from '../../helpers/manager';
import { MOTO_REGION, countAwsTests, keepCredentials, requireAws, startMoto, useCredentials } from '../../helpers/moto';
import type { Moto } from '../../helpers/moto';
import { freePort } from '../../helpers/openbao';
import { failure, secretsOf } from '../../helpers/provider-results';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

describe('providers/aws against moto', function () {
  this.timeout(120_000);
  countAwsTests(this, 'provider');
  let moto: Moto;
  let proxy: AwsProxy;
  const restoreCredentials = keepCredentials();
  const token = canary('aws-api-token');
  const pass = canary('aws-mqtt-pass');
  let spaceNo = 0;
  /** Each test's own prefix, so organization keys of one test are not seen by another. */
  let prefix = 'secret-sync';
  const newSpace = (): string => {
    spaceNo++;
    prefix = `t${spaceNo}/secret-sync`;
    return `space-${spaceNo}`;
  };
  const provider = (space: string, options: Partial<AwsOptions> = {}): AwsProvider =>
    new AwsProvider({ prefix, layout: 'folder', region: MOTO_REGION, endpoint: proxy.url, space, ...options });

  before(async function () {
    requireAws(this);
    useCredentials();
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
  });

  after(async () => {
    await proxy?.close();
    await moto?.stop();
    restoreCredentials();
  });

  describe('folder layout', () => {
    it('reads text and multi-pair secrets and organization keys; the space wins a clash; other spaces are not read', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/API_TOKEN`, token);
      await moto.put(`${prefix}/${space}/MQTT`, JSON.stringify({ username: 'device-1', password: pass }));
      await moto.put(`${prefix}/${space}/SHARED_BY_BOTH`, 'space-value-wins');
      await moto.put(`${prefix}/_org/ORG_ONLY`, 'org-value');
      await moto.put(`${prefix}/_org/SHARED_BY_BOTH`, 'org-value-loses');
      await moto.put(`${prefix}/${space}-other/API_TOKEN`, 'another-space');
      const p = provider(space);
      assert.deepEqual(secretsOf(await p.fetch({ signal: signal() })), {
        API_TOKEN: token,
        MQTT: { username: 'device-1', password: pass },
        ORG_ONLY: 'org-value',
        SHARED_BY_BOTH: 'space-value-wins',
      });
      assert.equal(p.address, proxy.url);
      p.close();
    });

    it('keeps other text as stored: JSON that is not an object of strings, and text that merely is JSON', async () => {
      const space = newSpace();
      const nested = JSON.stringify({ host: 'db', port: 5432 });
      await moto.put(`${prefix}/${space}/NESTED`, nested);
      await moto.put(`${prefix}/${space}/PORT`, '1883');
      await moto.put(`${prefix}/${space}/BAD_PAIR_NAME`, JSON.stringify({ 'user.name': 'x' }));
      const p = provider(space);
      assert.deepEqual(secretsOf(await p.fetch({ signal: signal() })), { BAD_PAIR_NAME: '{"user.name":"x"}', NESTED: nested, PORT: '1883' });
      p.close();
    });

    it('skips and names a binary secret, and passes names flows cannot address to the engine without reading them', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/GOOD`, 'good-value');
      await moto.put(`${prefix}/${space}/CERT_DER`, new Uint8Array([0, 1, 2, 255]));
      await moto.put(`${prefix}/${space}/sub/NESTED_KEY`, canary('never-read'));
      await moto.put(`${prefix}/${space}/my.key`, canary('never-read'));
      const p = provider(space);
      proxy.resetCounts();
      const result = await p.fetch({ signal: signal() });
      assert.deepEqual(secretsOf(result), { GOOD: 'good-value', 'my.key': '', 'sub/NESTED_KEY': '' });
      assert.equal(result.status === 'changed' ? JSON.stringify(result.skipped) : '', JSON.stringify([{ key: 'CERT_DER', reason: 'a binary secret (SecretBinary), not text: store the value as SecretString' }]));
      // One listing and one batch of the two readable secrets.
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1, BatchGetSecretValue: 1 });
      p.close();
    });

    it('answers an unchanged poll with one ListSecrets, reads only the rotated secret, and drops a deleted one', async () => {
      const space = newSpace();
      for (let i = 0; i < 5; i++) await moto.put(`${prefix}/${space}/KEY_${i}`, `value-${i}`);
      const p = provider(space);
      const first = await p.fetch({ signal: signal() });
      const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
      proxy.resetCounts();
      assert.deepEqual(await p.fetch({ signal: signal(), etag }), { status: 'unchanged' });
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1 });

      const rotated = canary('rotated');
      await moto.put(`${prefix}/${space}/KEY_2`, rotated);
      proxy.resetCounts();
      const second = await p.fetch({ signal: signal(), etag });
      assert.equal(secretsOf(second).KEY_2, rotated);
      assert.equal(secretsOf(second).KEY_1, 'value-1');
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1, BatchGetSecretValue: 1 });

      await moto.remove(`${prefix}/${space}/KEY_3`);
      proxy.resetCounts();
      const third = await p.fetch({ signal: signal(), etag: second.status === 'changed' ? (second.etag ?? undefined) : undefined });
      assert.deepEqual(Object.keys(secretsOf(third)).sort(), ['KEY_0', 'KEY_1', 'KEY_2', 'KEY_4']);
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1 }, 'a deletion needs no value read');
      p.close();
    });

    it('gives the engine fresh objects each time (it freezes what it is given)', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/MQTT`, JSON.stringify({ username: 'u', password: 'p' }));
      await moto.put(`${prefix}/${space}/OTHER`, 'x');
      const p = provider(space);
      const a = secretsOf(await p.fetch({ signal: signal() }));
      Object.freeze(a.MQTT);
      await moto.put(`${prefix}/${space}/OTHER`, 'y');
      const b = secretsOf(await p.fetch({ signal: signal() }));
      assert.notEqual(b.MQTT, a.MQTT);
      assert.equal(Object.isFrozen(b.MQTT), false);
      p.close();
    });

    it('a space with no secret of its own is not_found (a mistyped prefix or space), never an empty space, even with organization keys', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/_org/ORG_ONLY`, 'org-value');
      const p = provider(space);
      const missing = await failure(p.fetch({ signal: signal() }));
      assert.equal(missing.code, 'not_found');
      assert.equal(missing.retryable, false);
      assert.match(missing.message, /aws\.prefix/);
      p.close();
    });

    it('a secret AWS refuses inside a batch (AccessDeniedException in Errors) is forbidden, naming the secret and never AWS\'s message', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/API_TOKEN`, token);
      const p = provider(space);
      const awsText = canary('aws-error-message');
      proxy.rewrite('BatchGetSecretValue', (body) => {
        const answer = JSON.parse(body) as { SecretValues: { ARN: string }[] };
        return JSON.stringify({ SecretValues: [], Errors: answer.SecretValues.map((v) => ({ SecretId: v.ARN, ErrorCode: 'AccessDeniedException', Message: awsText })) });
      });
      try {
        const denied = await failure(p.fetch({ signal: signal() }));
        assert.equal(denied.code, 'forbidden');
        assert.equal(denied.retryable, false);
        assert.match(denied.message, new RegExp(`GetSecretValue on ${prefix}/${space}/API_TOKEN`.replace(/\//g, '\\/')));
        assert.ok(!denied.message.includes(awsText) && !denied.message.includes(token));
      } finally {
        proxy.rewrite('BatchGetSecretValue', undefined);
      }
      p.close();
    });
  });

  describe('entry layout', () => {
    it('reads the space as one JSON secret (multi-pair fields), unchanged polls cost one request, rotation is seen', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}`, JSON.stringify({ API_TOKEN: token, PORT: '1883', MQTT: { username: 'device-1', password: pass } }));
      await moto.put(`${prefix}/${space}/IGNORED_IN_ENTRY`, 'folder-value');
      const p = provider(space, { layout: 'entry' });
      const first = await p.fetch({ signal: signal() });
      assert.deepEqual(secretsOf(first), { API_TOKEN: token, PORT: '1883', MQTT: { username: 'device-1', password: pass } });
      const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
      proxy.resetCounts();
      assert.deepEqual(await p.fetch({ signal: signal(), etag }), { status: 'unchanged' });
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1 });
      const rotated = canary('entry-rotated');
      await moto.put(`${prefix}/${space}`, JSON.stringify({ API_TOKEN: rotated }));
      assert.deepEqual(secretsOf(await p.fetch({ signal: signal(), etag })), { API_TOKEN: rotated });
      p.close();
    });

    it('a missing entry is not_found (never an empty space); a value that is not a JSON object is invalid_payload', async () => {
      const space = newSpace();
      const p = provider(space, { layout: 'entry' });
      const missing = await failure(p.fetch({ signal: signal() }));
      assert.equal(missing.code, 'not_found');
      assert.match(missing.message, new RegExp(`${prefix}/${space}`.replace(/\//g, '\\/')));
      await moto.put(`${prefix}/${space}`, 'not json');
      assert.equal((await failure(p.fetch({ signal: signal() }))).code, 'invalid_payload');
      p.close();
    });
  });

  describe('failures', () => {
    it('a denied BatchGetSecretValue (IAM enforced by moto) is forbidden, not retried, and names the action', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/API_TOKEN`, token);
      const reader = await moto.iamUser(`reader-${space}`, {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['secretsmanager:ListSecrets'], Resource: '*' },
          { Effect: 'Deny', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'], Resource: '*' },
        ],
      });
      await moto.enforceIam(true);
      try {
        // Credentials only through the SDK's default chain: the environment here.
        useCredentials(reader);
        const p = provider(space);
        proxy.resetCounts();
        const denied = await failure(p.fetch({ signal: signal() }));
        assert.equal(denied.code, 'forbidden');
        assert.equal(denied.retryable, false);
        assert.match(denied.message, /secretsmanager:BatchGetSecretValue/);
        assert.ok(!denied.message.includes(token));
        assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: 1, BatchGetSecretValue: 1 }, 'the listing was allowed, the read refused');
        p.close();
      } finally {
        useCredentials();
        await moto.enforceIam(false);
      }
    });

    it('ThrottlingException is retried with the engine backoff until AWS answers', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/API_TOKEN`, token);
      const p = provider(space);
      const lines: string[] = [];
      const engine = new SyncEngine({ provider: p, policy: { ...DEFAULT_RETRY_POLICY, minDelayMs: 5, maxDelayMs: 20 }, logger: memoryLogger(lines), space });
      proxy.resetCounts();
      proxy.throttle(2);
      const outcome = await engine.sync('manual');
      assert.equal(outcome.ok, true, JSON.stringify(outcome.error));
      assert.equal(engine.snapshot.secrets.API_TOKEN, token);
      assert.deepEqual(
        proxy.seen.map((s) => `${s.action}${s.throttled ? ' throttled' : ''}`),
        ['ListSecrets throttled', 'ListSecrets throttled', 'ListSecrets', 'BatchGetSecretValue'],
      );
      assert.equal(lines.filter((l) => l.includes('(rate_limited); retrying')).length, 2);
      p.close();
    });

    it('a dead endpoint is unreachable (retryable) and the engine keeps the last good secrets', async () => {
      const space = newSpace();
      await moto.put(`${prefix}/${space}/API_TOKEN`, token);
      const front = await startAwsProxy(moto.url);
      const p = provider(space, { endpoint: front.url });
      const engine = new SyncEngine({ provider: p, policy: { ...DEFAULT_RETRY_POLICY, retries: 1, minDelayMs: 5, maxDelayMs: 20 }, logger: memoryLogger(), space });
      assert.equal((await engine.sync('manual')).ok, true);
      await front.close();
      const outcome = await engine.sync('manual');
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error?.code, 'unreachable');
      assert.equal(outcome.error?.retryable, true);
      assert.equal(engine.snapshot.secrets.API_TOKEN, token, 'the last good secrets stay');
      assert.equal(engine.state.state, 'error');
      p.close();
      // And an endpoint nothing ever listened on, straight from the provider.
      const never = provider(space, { endpoint: `http://127.0.0.1:${await freePort()}` });
      const refused = await failure(never.fetch({ signal: signal() }));
      assert.equal(refused.code, 'unreachable');
      never.close();
    });
  });
});
