// The shared provider suite's harness for AWS Secrets Manager: moto's server (skipped without moto_server, required under REQUIRE_AWS), each space under its own prefix and counting proxy.
import { AwsProvider, ORG_FOLDER } from '../../../src/providers/aws/aws-provider';
import { AWS_DEFAULTS } from '../../../src/providers/aws/aws-settings';
import { startAwsProxy } from '../../helpers/aws-proxy';
import type { AwsProxy } from '../../helpers/aws-proxy';
import { canary } from '../../helpers/manager';
import { MOTO_REGION, keepCredentials, requireAws, startMoto, useCredentials } from '../../helpers/moto';
import type { Moto } from '../../helpers/moto';
import type { HarnessScope, HarnessSpace, HarnessValue, ProviderHarness } from './provider-harness';

let moto: Moto | undefined;
const proxies: AwsProxy[] = [];
let spaces = 0;
let restoreCredentials: (() => void) | undefined;

/** Starts moto once for both layouts' harnesses. */
async function setUp(suite: Mocha.Context): Promise<void> {
  requireAws(suite);
  if (moto) return;
  // Credentials only through the SDK's default chain: the environment.
  restoreCredentials = keepCredentials();
  useCredentials();
  moto = await startMoto();
}

/** Stops moto and the proxies, and gives the environment its credentials back. */
async function tearDown(): Promise<void> {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await moto?.stop();
  moto = undefined;
  restoreCredentials?.();
  restoreCredentials = undefined;
}

/** A fresh prefix (so one test's organization keys reach no other) and its counting proxy, which `breakSource` turns to 500s. */
async function freshSpace(): Promise<{ m: Moto; prefix: string; space: string; proxy: AwsProxy; fail: () => Promise<void>; heal: () => Promise<void> }> {
  const m = moto!;
  const prefix = `contract-${++spaces}/${AWS_DEFAULTS.prefix}`;
  const proxy = await startAwsProxy(m.url);
  proxies.push(proxy);
  return {
    m,
    prefix,
    space: 'demo',
    proxy,
    fail: () => Promise.resolve(proxy.fail(`internal error, and here is a value: ${canary('aws-body')}`)),
    heal: () => Promise.resolve(proxy.fail(undefined)),
  };
}

/** The `folder` layout of the aws provider against moto. */
export const awsHarness: ProviderHarness = {
  name: 'aws',
  // ListSecrets has no long poll: `watch` is not offered for this provider.
  supports: { org: true, multiPair: true, watch: false, unchanged: true, badNames: true },
  setUp,
  tearDown,
  async newSpace(): Promise<HarnessSpace> {
    const { m, prefix, space, proxy, fail, heal } = await freshSpace();
    const name = (scope: HarnessScope, key: string): string => `${prefix}/${scope === 'org' ? ORG_FOLDER : space}/${key}`;
    const provider = new AwsProvider({ ...AWS_DEFAULTS, prefix, region: MOTO_REGION, endpoint: proxy.url, space });
    return {
      space,
      provider,
      put: (scope, key, value: HarnessValue) => m.put(name(scope, key), typeof value === 'string' ? value : JSON.stringify(value)),
      remove: (scope, key) => m.remove(name(scope, key)),
      breakSource: fail,
      heal,
    };
  },
};

/** The `entry` layout: the space is one AWS secret holding a JSON object; the harness rewrites it whole, as a user would. */
export const awsEntryHarness: ProviderHarness = {
  name: 'aws (entry layout)',
  // The entry layout reads the space's one secret: no organization keys.
  supports: { org: false, multiPair: true, watch: false, unchanged: true, badNames: true },
  setUp,
  tearDown,
  async newSpace(): Promise<HarnessSpace> {
    const { m, prefix, space, proxy, fail, heal } = await freshSpace();
    const fields: Record<string, HarnessValue> = {};
    const write = (): Promise<void> => m.put(`${prefix}/${space}`, JSON.stringify(fields));
    const provider = new AwsProvider({ ...AWS_DEFAULTS, layout: 'entry', prefix, region: MOTO_REGION, endpoint: proxy.url, space });
    return {
      space,
      provider,
      put: (_scope, key, value) => {
        fields[key] = value;
        return write();
      },
      remove: (_scope, key) => {
        delete fields[key];
        return write();
      },
      breakSource: fail,
      heal,
    };
  },
};
