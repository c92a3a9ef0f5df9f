// Tests for src/plugin/core/config.ts: settings.js and SECRET_SYNC_* resolution, never throwing, naming the field.
import assert from 'node:assert/strict';
import { fieldLabel, parseBoolean, resolveConfig } from '../../../src/plugin/core/config';
import type { ConfigResult } from '../../../src/plugin/core/config';

const noFile = (): string => {
  throw new Error('ENOENT');
};
const base = { url: 'http://127.0.0.1:8390/', space: 'demo', token: 'tok' };

function failure(result: ConfigResult): { state: string; code: string; field?: string | undefined; message: string } {
  assert.equal(result.ok, false);
  if (result.ok) throw new Error('unreachable');
  return { state: result.state, code: result.error.code, field: result.error.field, message: result.error.message };
}

describe('plugin/config', () => {
  it('accepts a minimal configuration with the initial defaults', () => {
    const result = resolveConfig(base, {}, noFile);
    assert.ok(result.ok);
    assert.deepEqual(result.config, {
      provider: 'secret-manager',
      url: 'http://127.0.0.1:8390',
      addresses: ['http://127.0.0.1:8390'],
      space: 'demo',
      token: 'tok',
      tokenSource: { field: 'token' },
      maskDebug: true,
      restartOnChange: true,
    });
    assert.deepEqual(result.summary, { provider: 'secret-manager', space: 'demo', interval: '60m', syncOnDeploy: true });
  });

  it('lets every environment variable win over settings.js', () => {
    const result = resolveConfig(base, {
      SECRET_SYNC_URL: 'https://sm.example:8443',
      SECRET_SYNC_SPACE: 'prod',
      SECRET_SYNC_TOKEN: 'env-token',
      SECRET_SYNC_INTERVAL: '5m',
      SECRET_SYNC_ON_DEPLOY: 'false',
      SECRET_SYNC_CA_FILE: '/etc/ca.pem',
    }, noFile);
    assert.ok(result.ok);
    assert.deepEqual(result.config, {
      provider: 'secret-manager',
      url: 'https://sm.example:8443',
      addresses: ['https://sm.example:8443'],
      space: 'prod',
      token: 'env-token',
      tokenSource: { field: 'token' },
      maskDebug: true,
      restartOnChange: true,
      caFile: '/etc/ca.pem',
    });
    assert.deepEqual(result.summary, { provider: 'secret-manager', space: 'prod', interval: '5m', syncOnDeploy: false });
  });

  it('works from the environment alone (containers need no settings edit)', () => {
    const result = resolveConfig(undefined, { SECRET_SYNC_URL: 'http://m:1', SECRET_SYNC_SPACE: 's', SECRET_SYNC_TOKEN: 't' }, noFile);
    assert.ok(result.ok);
  });

  it('reads the token from tokenFile, trimmed', () => {
    const result = resolveConfig({ url: base.url, space: 'demo', tokenFile: '/run/token' }, {}, (p) => (p === '/run/token' ? ' file-token\n' : noFile()));
    assert.ok(result.ok);
    assert.equal(result.config.token, 'file-token');
    assert.deepEqual(result.config.tokenSource, { field: 'tokenFile', path: '/run/token' }, 'a rejected token names the file and secretSync.tokenFile');
    const unreadable = failure(resolveConfig({ url: base.url, space: 'demo', tokenFile: '/nope' }, {}, noFile));
    assert.deepEqual([unreadable.state, unreadable.field], ['error', 'tokenFile']);
    assert.match(unreadable.message, /secretSync\.tokenFile \(SECRET_SYNC_TOKEN_FILE\): cannot read \/nope/);
    const empty = failure(resolveConfig({ url: base.url, space: 'demo', tokenFile: '/empty' }, {}, () => '\n'));
    assert.match(empty.message, /is empty/);
  });

  it('says unconfigured, with the field, when something is missing', () => {
    assert.deepEqual(failure(resolveConfig(undefined, {}, noFile)).code, 'not_configured');
    for (const [field, settings] of [
      ['url', { space: 'demo', token: 't' }],
      ['space', { url: base.url, token: 't' }],
      ['token', { url: base.url, space: 'demo' }],
    ] as const) {
      const f = failure(resolveConfig(settings, {}, noFile));
      assert.deepEqual([f.state, f.code, f.field], ['unconfigured', 'config_missing', field]);
      assert.ok(f.message.includes(fieldLabel(field)), f.message);
    }
  });

  it('says error, with the field, when something is invalid', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, interval: '2m' }, 'interval', /must be one of: off, watch, 1m, 5m, 15m, 30m, 60m, 6h, 12h, 24h/],
      [{ ...base, url: 'ftp://x' }, 'url', /must be an http/],
      [{ ...base, url: 'http://' }, 'url', /must be an http/],
      [{ ...base, space: 'a b' }, 'space', /may contain only/],
      [{ ...base, provider: 'azure' }, 'provider', /secret-manager, vault/],
      [{ ...base, syncOnDeploy: 'sometimes' }, 'syncOnDeploy', /true or false/],
      [{ ...base, token: 42 }, 'token', /must be a string/],
      [{ ...base, retry: { retries: -1 } }, 'retry', /0 or more/],
      [{ ...base, retry: { tries: 1 } }, 'retry', /unknown/],
      [{ ...base, maskDebug: 'sometimes' }, 'maskDebug', /true or false/],
    ];
    for (const [settings, field, message] of cases) {
      const f = failure(resolveConfig(settings, {}, noFile));
      assert.deepEqual([f.state, f.field], ['error', field], JSON.stringify(settings));
      assert.match(f.message, message);
    }
    assert.equal(failure(resolveConfig('yes', {}, noFile)).field, 'secretSync');
  });

  it('keeps what it could read for the status when failing', () => {
    const result = resolveConfig({ space: 'demo', interval: '5m', syncOnDeploy: false }, {}, noFile);
    assert.ok(!result.ok);
    assert.deepEqual(result.summary, { provider: 'secret-manager', space: 'demo', interval: '5m', syncOnDeploy: false });
  });

  it('reads vault settings with defaults and accepts AppRole instead of a token', () => {
    const result = resolveConfig({ provider: 'vault', url: 'https://vault:8200', space: 'demo' }, { SECRET_SYNC_VAULT_ROLE_ID: 'r', SECRET_SYNC_VAULT_SECRET_ID: 's' }, noFile);
    assert.ok(result.ok);
    assert.deepEqual(result.config.vault, { mount: 'secret', pathPrefix: 'spaces', orgPath: '_org', layout: 'folder', roleId: 'r', secretId: 's' });
    assert.equal(result.config.token, '');
  });

  it('reads every vault field from the environment, and a comma-separated list of cluster addresses', () => {
    const env = {
      SECRET_SYNC_VAULT_MOUNT: 'kv',
      SECRET_SYNC_VAULT_PATH_PREFIX: 'teams/a',
      SECRET_SYNC_VAULT_ORG_PATH: 'shared',
      SECRET_SYNC_VAULT_LAYOUT: 'entry',
      SECRET_SYNC_VAULT_NAMESPACE: 'team-a',
      SECRET_SYNC_VAULT_ROLE_ID: 'r',
      SECRET_SYNC_VAULT_SECRET_ID_FILE: '/run/secret-id',
    };
    const result = resolveConfig({ provider: 'vault', url: 'https://bao-1:8200/, https://bao-2:8200 ,https://bao-3:8200', space: 'demo' }, env, noFile);
    assert.ok(result.ok);
    assert.deepEqual(result.config.addresses, ['https://bao-1:8200', 'https://bao-2:8200', 'https://bao-3:8200']);
    assert.equal(result.config.url, 'https://bao-1:8200');
    assert.deepEqual(result.config.vault, { mount: 'kv', pathPrefix: 'teams/a', orgPath: 'shared', layout: 'entry', namespace: 'team-a', roleId: 'r', secretIdFile: '/run/secret-id' });
  });

  it('names the vault field that is wrong or missing', () => {
    const cases: [Record<string, unknown>, string, 'error' | 'unconfigured'][] = [
      [{ layout: 'nested' }, 'vault.layout', 'error'],
      [{ mount: 42 }, 'vault.mount', 'error'],
      [{ roleId: 'r' }, 'vault.secretId', 'unconfigured'],
    ];
    for (const [vault, field, state] of cases) {
      const result = resolveConfig({ provider: 'vault', url: 'https://bao:8200', space: 'demo', token: 't', vault }, {}, noFile);
      assert.ok(!result.ok);
      assert.deepEqual([result.state, result.error.field], [state, field], JSON.stringify(vault));
    }
    const twoManagers = resolveConfig({ ...base, url: 'https://a:1, https://b:2' }, {}, noFile);
    assert.ok(!twoManagers.ok, 'the Secret Manager takes one address');
  });

  it('reads the files provider from the environment alone: a directory and a space, no URL and no token', () => {
    const env = { SECRET_SYNC_PROVIDER: 'files', SECRET_SYNC_SPACE: 'line-3', SECRET_SYNC_FILES_DIR: '/run/secrets' };
    const result = resolveConfig(undefined, env, noFile);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.config.provider, result.config.space, result.config.files, result.config.url, result.config.addresses, result.config.token], ['files', 'line-3', { dir: '/run/secrets' }, '', [], '']);
    const fromSettings = resolveConfig({ provider: 'files', space: 'demo', files: { dir: '/etc/secret-sync' } }, { SECRET_SYNC_FILES_DIR: '' }, noFile);
    assert.ok(fromSettings.ok);
    assert.deepEqual(fromSettings.config.files, { dir: '/etc/secret-sync' }, 'an empty variable leaves the settings.js value');
    const envWins = resolveConfig({ provider: 'files', space: 'demo', files: { dir: '/etc/secret-sync' } }, { SECRET_SYNC_FILES_DIR: '/run/secrets' }, noFile);
    assert.ok(envWins.ok);
    assert.deepEqual(envWins.config.files, { dir: '/run/secrets' });
  });

  it('names the files field that is missing or wrong, and still needs the space', () => {
    const cases: [Record<string, unknown>, string, 'error' | 'unconfigured', RegExp][] = [
      [{ provider: 'files', space: 'demo' }, 'files.dir', 'unconfigured', /secretSync\.files\.dir \(SECRET_SYNC_FILES_DIR\)/],
      [{ provider: 'files', space: 'demo', files: { dir: 'secrets' } }, 'files.dir', 'error', /absolute/],
      [{ provider: 'files', space: 'demo', files: { dir: 42 } }, 'files.dir', 'error', /absolute/],
      [{ provider: 'files', space: 'demo', files: '/run/secrets' }, 'files', 'error', /must be an object/],
      [{ provider: 'files', files: { dir: '/run/secrets' } }, 'space', 'unconfigured', /space/],
    ];
    for (const [settings, field, state, message] of cases) {
      const result = resolveConfig(settings, {}, noFile);
      assert.ok(!result.ok, JSON.stringify(settings));
      assert.deepEqual([result.state, result.error.field], [state, field], JSON.stringify(settings));
      assert.match(result.error.message, message);
    }
  });

  it('treats every empty SECRET_SYNC_* variable as unset: the settings.js value stays, never a default', () => {
    const files = (p: string): string => (p === '/run/token' ? 'file-token' : noFile());
    const settings = {
      provider: 'vault',
      url: 'https://bao:8200',
      space: 'line-3',
      tokenFile: '/run/token',
      interval: '5m',
      syncOnDeploy: false,
      caFile: '/etc/ca.pem',
      maskDebug: false,
      restartOnChange: false,
      vault: { mount: 'kv', pathPrefix: 'teams', orgPath: 'shared', layout: 'entry', namespace: 'ns-a', roleId: 'role', secretId: 'sid', secretIdFile: '/run/sid' },
    };
    const names = [
      'PROVIDER', 'URL', 'SPACE', 'TOKEN', 'TOKEN_FILE', 'INTERVAL', 'ON_DEPLOY', 'CA_FILE', 'MASK_DEBUG', 'RESTART_ON_CHANGE',
      'VAULT_MOUNT', 'VAULT_PATH_PREFIX', 'VAULT_ORG_PATH', 'VAULT_LAYOUT', 'VAULT_NAMESPACE', 'VAULT_ROLE_ID', 'VAULT_SECRET_ID', 'VAULT_SECRET_ID_FILE',
    ].map((n) => `SECRET_SYNC_${n}`);
    const expected = resolveConfig(settings, {}, files);
    assert.ok(expected.ok);
    assert.equal(expected.config.vault?.mount, 'kv');
    for (const blank of ['', ' ', '\t']) {
      for (const name of names) assert.deepEqual(resolveConfig(settings, { [name]: blank }, files), expected, `${name}=${JSON.stringify(blank)}`);
      assert.deepEqual(resolveConfig(settings, Object.fromEntries(names.map((n) => [n, blank])), files), expected, 'all of them at once');
    }
    assert.equal(failure(resolveConfig(undefined, { SECRET_SYNC_URL: '', SECRET_SYNC_SPACE: '' }, noFile)).code, 'not_configured', 'only empty variables: not configured');
  });

  it('parses the usual spellings of booleans', () => {
    assert.deepEqual(['true', 'YES', '1', 'on', 'false', 'No', '0', 'off', 'maybe', 3].map(parseBoolean), [true, true, true, true, false, false, false, false, undefined, undefined]);
  });
});
