// The shared provider suite against a real OpenBao dev server (skipped without `bao`, required under REQUIRE_OPENBAO), each space under its own path prefix and fault proxy.
import { VaultProvider } from '../../../src/providers/vault/vault-provider';
import { VAULT_DEFAULTS } from '../../../src/providers/vault/vault-settings';
import { startFaultProxy } from '../../helpers/fault-proxy';
import type { FaultProxy } from '../../helpers/fault-proxy';
import { canary } from '../../helpers/manager';
import { requireBao, startBaoDev } from '../../helpers/openbao';
import type { BaoDev } from '../../helpers/openbao';
import { describeProviderContract } from './provider-contract';
import type { HarnessScope, HarnessSpace, HarnessValue, ProviderHarness } from './provider-harness';

let bao: BaoDev | undefined;
const proxies: FaultProxy[] = [];
let spaces = 0;

const harness: ProviderHarness = {
  name: 'vault',
  // Vault has no long poll: `watch` is not offered for this provider.
  supports: { org: true, multiPair: true, watch: false, unchanged: true, badNames: true },
  async setUp(suite) {
    requireBao(suite);
    bao = await startBaoDev();
  },
  async tearDown() {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await bao?.stop();
  },
  async newSpace(): Promise<HarnessSpace> {
    const b = bao!;
    // A prefix of its own gives each space its own organization folder, so one test's org keys reach no other.
    const prefix = `contract-${++spaces}`;
    const space = 'demo';
    const proxy = await startFaultProxy(b.url);
    proxies.push(proxy);
    const folder = (scope: HarnessScope): string => `${prefix}/${scope === 'org' ? VAULT_DEFAULTS.orgPath : space}`;
    const provider = new VaultProvider({ ...VAULT_DEFAULTS, pathPrefix: prefix, addresses: [proxy.url], space, token: b.rootToken });
    return {
      space,
      provider,
      put: (scope, key, value: HarnessValue) => b.put(`${folder(scope)}/${encodeURIComponent(key)}`, typeof value === 'string' ? { value } : { ...value }),
      remove: async (scope, key) => {
        const res = await b.api('DELETE', `secret/metadata/${folder(scope)}/${encodeURIComponent(key)}`);
        if (res.status !== 204) throw new Error(`delete ${key}: HTTP ${res.status}`);
      },
      breakSource: () => {
        const body = JSON.stringify({ errors: [`sealed, and here is a value: ${canary('vault-body')}`] });
        proxy.setFallback({ kind: 'status', status: 503, body });
        return Promise.resolve();
      },
      heal: () => Promise.resolve(proxy.setFallback({ kind: 'pass' })),
    };
  },
};

describeProviderContract(harness);
