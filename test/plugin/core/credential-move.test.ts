// Tests for src/plugin/core/credential-move.ts and credential-rules.ts: the move's checks, which provider it asks, what it answers; the rules' edges.
import assert from 'node:assert/strict';
import { CredentialFindings } from '../../../src/plugin/core/credential-findings';
import { MAX_MOVES_IN_FLIGHT, MOVE_LIMITS, boundedMover, moveFinding, parseMoveRequest } from '../../../src/plugin/core/credential-move';
import { entropy, highEntropyLiteral, literalPassword, urlPassword } from '../../../src/plugin/core/credential-rules';
import { secretlintDetector } from '../../../src/plugin/core/credential-shapes';
import { credentialName } from '../../../src/plugin/core/credential-walk';
import type { CreateSecretRequest, SecretProvider } from '../../../src/providers/provider';
import { SyncError } from '../../../src/shared/sync-error';
import { memoryLogger } from '../../helpers/logger';
import { randomText } from '../../helpers/random-text';

const codeOf = async (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (err: unknown) => (err instanceof SyncError ? `${err.code}${err.field ? `:${err.field}` : ''}` : String(err)));

describe('plugin/core/credential-move', function () {
  this.timeout(30_000);
  const password = randomText(16);
  const github = `ghp_${randomText(36)}`;
  let findings: CredentialFindings;
  const provider = (writes: CreateSecretRequest[], existed = false): SecretProvider => ({
    name: 'secret-manager',
    fetch: () => Promise.resolve({ status: 'unchanged' }),
    createSecret: (request) => {
      writes.push(request);
      return Promise.resolve({ existed });
    },
  });

  before(async () => {
    findings = new CredentialFindings({ credentialsOf: (id) => (id === 'b1' ? { user: 'device', password } : undefined), passwordFields: () => new Set(['password']), detect: secretlintDetector(), logger: memoryLogger() });
    await findings.flowsStarted([
      { id: 'b1', type: 'mqtt-broker', name: 'prod' },
      { id: 'f1', type: 'function', func: `// 1\n// 2\nconst t = '${github}';` },
    ]);
  });

  it('checks every field of the body, with bounds, and names the bad one', () => {
    const good = { id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: 'admin-token' };
    assert.deepEqual(parseMoveRequest(good), good);
    assert.deepEqual(parseMoveRequest({ ...good, line: 3 }), { ...good, line: 3 });
    const bad: [unknown, string][] = [
      [null, 'body'],
      [[good], 'body'],
      [{ ...good, id: 5 }, 'id'],
      [{ ...good, id: 'x'.repeat(MOVE_LIMITS.id + 1) }, 'id'],
      [{ ...good, property: '' }, 'property'],
      [{ ...good, credential: 'x'.repeat(MOVE_LIMITS.credential + 1) }, 'credential'],
      [{ ...good, credential: undefined }, 'credential'],
      [{ ...good, name: 'has space' }, 'name'],
      [{ ...good, name: 'constructor' }, 'name'],
      [{ ...good, name: 'N'.repeat(500) }, 'name'],
      [{ ...good, scope: 'global' }, 'scope'],
      [{ ...good, line: 1.5 }, 'line'],
      [{ ...good, line: '2' }, 'line'],
      [{ ...good, name: 'admin-token' }, 'name'],
      [{ ...good, name: 'OLD_admin-token', credential: 'admin-token' }, 'name'],
    ];
    for (const [body, field] of bad) {
      assert.throws(() => parseMoveRequest(body), (err: unknown) => err instanceof SyncError && err.code === 'invalid_move' && err.field === field, JSON.stringify(body)?.slice(0, 80));
    }
  });

  it('writes the literal of a current finding through the provider with the given credential, syncs, and answers the reference', async () => {
    const writes: CreateSecretRequest[] = [];
    let synced = 0;
    const deps = { findings, provider: () => provider(writes), sync: () => Promise.resolve(synced++) };
    const moved = await moveFinding({ id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'org', credential: 'admin-token' }, deps);
    assert.deepEqual(moved, { answer: { reference: '${SECRETS.MQTT_PROD_PASSWORD}', name: 'MQTT_PROD_PASSWORD', scope: 'org', existed: false }, type: 'mqtt-broker' });
    assert.deepEqual(
      writes.map(({ name, value, scope, credential }) => ({ name, value, scope, credential })),
      [{ name: 'MQTT_PROD_PASSWORD', value: password, scope: 'org', credential: 'admin-token' }],
    );
    assert.equal(synced, 1);
    const code = await moveFinding({ id: 'f1', property: 'func', line: 3, name: 'GITHUB_TOKEN', scope: 'space', credential: 'admin-token' }, deps);
    assert.equal(code.answer.reference, "env.get('SECRETS.GITHUB_TOKEN')");
    assert.equal(writes[1]!.value, github);
  });

  it('refuses what is not a current finding, and a provider that cannot write, before any write', async () => {
    const writes: CreateSecretRequest[] = [];
    const deps = { findings, provider: () => provider(writes), sync: () => Promise.resolve() };
    const base = { id: 'b1', property: 'credentials.password', name: 'X', scope: 'space', credential: 't' };
    for (const other of [{ ...base, property: 'credentials.user' }, { ...base, property: 'name' }, { ...base, id: 'f1', property: 'func' , line: 1 }, { ...base, id: 'f1', property: 'func.length' }, { ...base, property: '__proto__' }]) {
      assert.equal(await codeOf(moveFinding(other, deps)), 'finding_not_found', JSON.stringify(other));
    }
    const readOnly: SecretProvider = { name: 'files', fetch: () => Promise.resolve({ status: 'unchanged' }) };
    const unsupported = moveFinding(base, { ...deps, provider: () => readOnly });
    await assert.rejects(unsupported, (err: unknown) => err instanceof SyncError && err.code === 'move_unsupported' && err.message.includes('(files)'));
    assert.equal(await codeOf(moveFinding(base, { ...deps, provider: () => undefined })), 'move_unsupported');
    assert.deepEqual(writes, []);
  });

  it('reads the very text the scan flagged: a key with a dot never makes it read another property, nor the stored credentials', async () => {
    // The stored credential is no finding (its type says it is no password, and it is too short to be a named literal).
    const stored = randomText(9);
    const flagged = `ghp_${randomText(36)}`;
    const nested = randomText(9);
    const own = new CredentialFindings({ credentialsOf: (id) => (id === 'd1' ? { password: stored } : undefined), passwordFields: () => new Set(), detect: secretlintDetector(), logger: memoryLogger() });
    // A property named `credentials.password`, and one named `a.b` beside an object `a` with its own `b`: names with dots are the same path text as the nested ones.
    await own.flowsStarted([{ id: 'd1', type: 'dotted', 'credentials.password': flagged, 'a.b': flagged, a: { b: nested } }]);
    assert.deepEqual(own.answer().findings.map((f) => f.property).sort(), ['a.b', 'credentials.password']);
    const writes: CreateSecretRequest[] = [];
    const deps = { findings: own, provider: () => provider(writes), sync: () => Promise.resolve() };
    for (const property of ['credentials.password', 'a.b']) {
      await moveFinding({ id: 'd1', property, name: 'DOTTED', scope: 'space', credential: 't' }, deps).catch(() => undefined);
    }
    assert.deepEqual(
      writes.map((w) => w.value === flagged),
      [true, true],
      `a move wrote ${writes.map((w) => (w.value === stored ? 'the stored credential' : w.value === nested ? 'the nested property' : w.value === flagged ? 'the flagged text' : 'something else')).join(', ')}`,
    );
  });

  it('runs at most MAX_MOVES_IN_FLIGHT moves at once; one more is move_busy, and the next after one ends goes', async () => {
    const waiting: (() => void)[] = [];
    const slow: SecretProvider = {
      name: 'secret-manager',
      fetch: () => Promise.resolve({ status: 'unchanged' }),
      createSecret: () => new Promise((resolve) => waiting.push(() => resolve({ existed: false }))),
    };
    const mover = boundedMover({ findings, provider: () => slow, sync: () => Promise.resolve() });
    const body = { id: 'b1', property: 'credentials.password', name: 'MQTT_PROD_PASSWORD', scope: 'space', credential: 't' };
    const running = Array.from({ length: MAX_MOVES_IN_FLIGHT }, () => mover(body));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await codeOf(mover(body)), 'move_busy');
    assert.equal(waiting.length, MAX_MOVES_IN_FLIGHT);
    waiting.shift()!();
    await running[0];
    const next = mover(body);
    await new Promise((resolve) => setImmediate(resolve));
    for (const done of waiting.splice(0)) done();
    await Promise.all([...running, next]);
  });

  it('rules: literals, entropy, named fields, URL passwords', () => {
    assert.equal(literalPassword('${SECRETS.X}'), false);
    assert.equal(literalPassword(' ${A}${B} '), false);
    assert.equal(literalPassword('pre-${A}'), true);
    assert.equal(entropy('aaaa'), 0);
    assert.equal(entropy('abcd'), 2);
    assert.equal(highEntropyLiteral(`Bearer ${randomText(32)}`), true);
    for (const plain of ['Bearer abc', 'aaaaaaaaaaaaaaaaaaaa', 'application/json', 'your-secret-token-123', '<api token here>', 'Bearer ${SECRETS.API}', 'two words here and there']) assert.equal(highEntropyLiteral(plain), false, plain);
    for (const name of ['password', 'apiKey', 'x-api-key', 'Authorization', 'client_secret', 'accessToken', 'MQTT_PASS', 'privateKey']) assert.equal(credentialName(name), true, name);
    for (const name of ['keyValue', 'passive', 'topic', 'url', 'key', 'author', 'payload']) assert.equal(credentialName(name), false, name);
    const secret = randomText(12);
    const text = `mqtt://device:${secret}@broker:1883`;
    const span = urlPassword(text)!;
    assert.equal(text.slice(span.start, span.end), secret);
    for (const none of ['https://user:password@example.com', 'https://u:${SECRETS.P}@h/x', 'https://example.com/a:b@c', 'mailto:a@b', 'http://host:8080/path']) assert.equal(urlPassword(none), undefined, none);
  });
});
