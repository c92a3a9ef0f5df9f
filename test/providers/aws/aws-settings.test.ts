// Tests for src/providers/aws/aws-settings.ts and its wiring in the plugin's configuration: defaults, environment wins, the wrong field named.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/plugin/core/config';
import { AWS_DEFAULTS, resolveAwsSettings } from '../../../src/providers/aws/aws-settings';
import { createProvider } from '../../../src/providers/registry';
import { SyncError } from '../../../src/shared/sync-error';

const noFile = (): string => {
  throw new Error('ENOENT');
};

describe('providers/aws settings', () => {
  it('defaults to prefix secret-sync and the folder layout, with no region or endpoint', () => {
    assert.deepEqual(resolveAwsSettings(undefined, {}), { prefix: 'secret-sync', layout: 'folder' });
    assert.deepEqual({ ...AWS_DEFAULTS }, { prefix: 'secret-sync', layout: 'folder' });
  });

  it('reads every field from settings.js, and the environment wins (an empty variable is unset)', () => {
    const section = { region: 'us-east-1', prefix: 'nr', layout: 'folder', endpoint: 'https://vpce-1.secretsmanager.us-east-1.vpce.amazonaws.com/' };
    assert.deepEqual(resolveAwsSettings(section, {}), { region: 'us-east-1', prefix: 'nr', layout: 'folder', endpoint: 'https://vpce-1.secretsmanager.us-east-1.vpce.amazonaws.com' });
    const env = { SECRET_SYNC_AWS_REGION: 'eu-central-1', SECRET_SYNC_AWS_PREFIX: 'teams/a', SECRET_SYNC_AWS_LAYOUT: 'entry', SECRET_SYNC_AWS_ENDPOINT: 'http://127.0.0.1:5000' };
    assert.deepEqual(resolveAwsSettings(section, env), { region: 'eu-central-1', prefix: 'teams/a', layout: 'entry', endpoint: 'http://127.0.0.1:5000' });
    for (const name of Object.keys(env)) {
      for (const blank of ['', ' ', '\t']) assert.deepEqual(resolveAwsSettings(section, { [name]: blank }), resolveAwsSettings(section, {}), `${name}=${JSON.stringify(blank)}`);
    }
  });

  it('names the field and its variable for each bad value', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ layout: 'nested' }, 'aws.layout', /SECRET_SYNC_AWS_LAYOUT\) must be one of: folder, entry/],
      [{ prefix: '/leading' }, 'aws.prefix', /SECRET_SYNC_AWS_PREFIX\)/],
      [{ prefix: 'a//b' }, 'aws.prefix', /SECRET_SYNC_AWS_PREFIX\)/],
      [{ prefix: 'spaces not allowed' }, 'aws.prefix', /characters AWS allows/],
      [{ region: 'Europe' }, 'aws.region', /SECRET_SYNC_AWS_REGION\) must be an AWS region name such as eu-west-1/],
      [{ endpoint: 'ftp://host' }, 'aws.endpoint', /SECRET_SYNC_AWS_ENDPOINT\) must be an http/],
      [{ endpoint: 'https://user:pw@host' }, 'aws.endpoint', /without credentials/],
      [{ endpoint: 42 }, 'aws.endpoint', /must be a string/],
    ];
    for (const [section, field, message] of cases) {
      assert.throws(
        () => resolveAwsSettings(section, {}),
        (err: unknown) => err instanceof SyncError && err.code === 'config_invalid' && err.field === field && message.test(err.message),
        JSON.stringify(section),
      );
    }
  });

  it("provider 'aws' needs no url and no token, and its settings reach the configuration", () => {
    const result = resolveConfig({ provider: 'aws', space: 'demo', aws: { region: 'eu-west-1' } }, { SECRET_SYNC_AWS_LAYOUT: 'entry' }, noFile);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.config.provider, 'aws');
    assert.equal(result.config.token, '');
    assert.equal(result.config.tokenSource, undefined);
    assert.deepEqual(result.config.aws, { region: 'eu-west-1', prefix: 'secret-sync', layout: 'entry' });
    const fromEnv = resolveConfig(undefined, { SECRET_SYNC_PROVIDER: 'aws', SECRET_SYNC_SPACE: 'demo' }, noFile);
    assert.ok(fromEnv.ok, JSON.stringify(fromEnv));
    assert.equal(fromEnv.summary.provider, 'aws');
  });

  it('a bad aws field is state error naming it; a missing space is unconfigured', () => {
    const bad = resolveConfig({ provider: 'aws', space: 'demo', aws: { layout: 'nested' } }, {}, noFile);
    assert.ok(!bad.ok);
    assert.deepEqual([bad.state, bad.error.code, bad.error.field], ['error', 'config_invalid', 'aws.layout']);
    const noSpace = resolveConfig({ provider: 'aws' }, {}, noFile);
    assert.ok(!noSpace.ok);
    assert.deepEqual([noSpace.state, noSpace.error.field], ['unconfigured', 'space']);
  });

  it("the registry builds the aws provider, addressed at the region's endpoint", () => {
    const provider = createProvider({ provider: 'aws', url: '', addresses: [], space: 'demo', token: '', aws: { region: 'eu-west-1', prefix: 'p', layout: 'folder' } });
    assert.equal(provider.name, 'aws');
    assert.equal(provider.address, 'https://secretsmanager.eu-west-1.amazonaws.com');
    provider.close?.();
  });
});
