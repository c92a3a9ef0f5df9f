// Tests for the `secret-manager` CLI as a user runs it: serve, secret and token commands, clean stop, crash safety.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '../helpers/http';
import { runCli, startServe } from '../helpers/cli';
import type { ServeProcess } from '../helpers/cli';
import { canary, tempDir } from '../helpers/manager';

describe('manager/cli', function () {
  this.timeout(60_000);
  let dataDir: string;
  let serve: ServeProcess;
  let env: Record<string, string>;

  beforeEach(async () => {
    dataDir = tempDir();
    serve = await startServe(dataDir);
    env = { SECRET_MANAGER_URL: serve.url, SECRET_MANAGER_DATA_DIR: dataDir };
  });
  afterEach(async () => {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('manages secrets and tokens end to end, and never logs a value or a token', async () => {
    const value = canary('cli-value');
    const created = await runCli(['secret', 'create', 'API_TOKEN', '--space', 'demo', '--value-stdin', '--description', 'CRM'], {
      env,
      input: value + '\n',
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'created API_TOKEN\n');
    const pairs = await runCli(['secret', 'create', 'DB', '--org', '--field', 'user=app', '--field', 'pass=p=w'], { env });
    assert.equal(pairs.code, 0, pairs.stderr);

    const list = await runCli(['secret', 'list', '--space', 'demo'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME\s+TYPE\s+UPDATED\s+DESCRIPTION\nAPI_TOKEN\s+string\s+\S+\s+CRM\n$/);
    assert.ok(!list.stdout.includes(value));

    const token = await runCli(['token', 'create', '--space', 'demo', '--description', 'node-red'], { env });
    assert.equal(token.code, 0, token.stderr);
    const readToken = token.stdout.trim();
    const read = await request('GET', `${serve.url}/v1/spaces/demo/secrets`, { token: readToken });
    assert.deepEqual((read.body as { secrets: unknown }).secrets, { API_TOKEN: value, DB: { user: 'app', pass: 'p=w' } });

    const updated = await runCli(['secret', 'update', 'API_TOKEN', '--space', 'demo', '--value', value], { env });
    assert.equal(updated.code, 1);
    assert.equal(updated.stderr, 'secret-manager: No changes to save [no_changes]\n');

    // --field on update changes only the pairs it names; a change of type needs --type.
    assert.equal((await runCli(['secret', 'update', 'DB', '--org', '--field', 'pass=rotated', '--field', 'port=5432'], { env })).code, 0);
    assert.equal((await runCli(['secret', 'update', 'DB', '--org', '--remove-field', 'port'], { env })).code, 0);
    const asString = await runCli(['secret', 'update', 'DB', '--org', '--value', 'one-string'], { env });
    assert.deepEqual([asString.code, asString.stderr.endsWith('[type_change]\n')], [1, true], asString.stderr);
    const pairsRead = await request('GET', `${serve.url}/v1/spaces/demo/secrets`, { token: readToken });
    assert.deepEqual((pairsRead.body as { secrets: { DB: unknown } }).secrets.DB, { user: 'app', pass: 'rotated' });
    assert.equal((await runCli(['secret', 'update', 'DB', '--org', '--type', 'string', '--value', 'one-string'], { env })).code, 0);

    const tokens = await runCli(['token', 'list', '--json'], { env });
    const { tokens: records } = JSON.parse(tokens.stdout) as { tokens: { id: string; space: string | null }[] };
    const id = records.find((t) => t.space === 'demo')?.id as string;
    assert.equal((await runCli(['token', 'revoke', id], { env })).code, 0);
    assert.equal((await request('GET', `${serve.url}/v1/spaces/demo/secrets`, { token: readToken })).status, 401);

    const deleted = await runCli(['secret', 'delete', 'API_TOKEN', '--space', 'demo'], { env });
    assert.equal(deleted.stdout, 'deleted API_TOKEN\n');

    const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    for (const secret of [value, readToken, admin]) assert.ok(!serve.output().includes(secret), 'the server log holds no value or token');
  });

  it('explains validation errors, bad scopes and an unreachable server in one line', async () => {
    const noKey = await runCli(['secret', 'create', '', '--space', 'demo', '--value', 'x'], { env });
    assert.deepEqual([noKey.code, noKey.stderr], [1, 'secret-manager: Secret key is required [key_required]\n']);
    const noValue = await runCli(['secret', 'create', 'A', '--space', 'demo'], { env });
    assert.deepEqual([noValue.code, noValue.stderr], [1, 'secret-manager: Secret value is required [value_required]\n']);
    const noScope = await runCli(['secret', 'list'], { env });
    assert.deepEqual([noScope.code, noScope.stderr], [1, 'secret-manager: Give --space NAME or --org [invalid_scope]\n']);
    const down = await runCli(['secret', 'list', '--org'], { env: { ...env, SECRET_MANAGER_URL: 'http://127.0.0.1:9' } });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Cannot reach the Secret Manager at http:\/\/127\.0\.0\.1:9/);
    const badToken = await runCli(['secret', 'list', '--org'], { env: { ...env, SECRET_MANAGER_TOKEN: 'ssm_wrong' } });
    assert.deepEqual([badToken.code, badToken.stderr], [1, 'secret-manager: The token is unknown or has been revoked [unauthorized]\n']);
    const badLimit = await runCli(['--data-dir', tempDir(), 'serve', '--port', '0', '--max-waiters', 'lots']);
    assert.deepEqual([badLimit.code, badLimit.stderr], [1, 'secret-manager: --max-waiters must be a whole number of at least 1 [invalid_limit]\n']);
  });

  it('stops cleanly on SIGINT with exit code 0', async () => {
    serve.child.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    assert.match(serve.output(), /stopped/);
  });

  it('refuses to start when master.key is missing beside the database, names the file and generates no key', async () => {
    const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    assert.equal((await request('POST', `${serve.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: 'SEALED', value: canary('sealed') } })).status, 201);
    serve.child.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    rmSync(join(dataDir, 'master.key'));

    const res = await runCli(['--data-dir', dataDir, 'serve', '--port', '0']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /The master key file \S*master\.key is missing, but \S*secrets\.db holds data .*restore .* from your backup.* No new key was generated \[master_key_missing\]\n$/);
    assert.equal(existsSync(join(dataDir, 'master.key')), false, 'no useless key left behind');
    assert.doesNotMatch(res.stdout + res.stderr, /generated a new master key/);
  });

  it('loses no acknowledged write when killed with SIGKILL mid-stream', async () => {
    const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const acknowledged: string[] = [];
    let stopWriting = false;
    const writer = (async () => {
      for (let i = 0; i < 2000 && !stopWriting; i++) {
        try {
          const res = await request('POST', `${serve.url}/v1/spaces/demo/secrets`, { token: admin, body: { name: `W${i}`, value: `w-${i}` } });
          if (res.status === 201) acknowledged.push(`W${i}`);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 50) await new Promise((r) => setTimeout(r, 5));
    serve.child.kill('SIGKILL');
    await serve.exited;
    stopWriting = true;
    await writer;

    assert.ok(readdirSync(dataDir).includes('secrets.db-wal'), 'the kill left a WAL to recover from');
    serve = await startServe(dataDir);
    const read = await request('GET', `${serve.url}/v1/spaces/demo/secrets`, { token: admin });
    const names = Object.keys((read.body as { secrets: Record<string, string> }).secrets);
    const lost = acknowledged.filter((n) => !names.includes(n));
    assert.deepEqual(lost, [], `${acknowledged.length} acknowledged, ${lost.length} lost`);
  });
});
