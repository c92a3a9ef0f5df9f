// The shared provider suite against the real Secret Manager, each space behind its own fault proxy (breakSource answers 503 with values in the body).
import { SecretManagerProvider } from '../../../src/providers/secret-manager-provider';
import { startFaultProxy } from '../../helpers/fault-proxy';
import type { FaultProxy } from '../../helpers/fault-proxy';
import { canary, startTestManager } from '../../helpers/manager';
import type { TestManager } from '../../helpers/manager';
import { describeProviderContract } from './provider-contract';
import type { HarnessScope, HarnessSpace, HarnessValue, ProviderHarness } from './provider-harness';

let manager: TestManager | undefined;
const proxies: FaultProxy[] = [];
let spaces = 0;

function base(scope: HarnessScope, space: string): string {
  return scope === 'org' ? '/v1/org/secrets' : `/v1/spaces/${space}/secrets`;
}

async function expect(status: number[], call: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const res = await call;
  if (!status.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
}

const harness: ProviderHarness = {
  name: 'secret-manager',
  // The manager validates names when a secret is written: a name the plugin cannot accept never gets in.
  supports: { org: true, multiPair: true, watch: true, unchanged: true, badNames: false },
  async setUp() {
    manager = await startTestManager();
  },
  async tearDown() {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await manager?.stop();
  },
  async newSpace(): Promise<HarnessSpace> {
    const m = manager!;
    const space = `contract-${++spaces}`;
    const proxy = await startFaultProxy(m.url);
    proxies.push(proxy);
    const token = await m.readToken(space);
    const provider = new SecretManagerProvider({ url: proxy.url, space, token });
    const put = async (scope: HarnessScope, key: string, value: HarnessValue): Promise<void> => {
      const created = await m.api('POST', base(scope, space), { body: { name: key, value } });
      if (created.status === 201) return;
      await expect([200], m.api('PATCH', `${base(scope, space)}/${key}`, { body: { value } }), `update ${key}`);
    };
    return {
      space,
      provider,
      put,
      remove: (scope, key) => expect([204], m.api('DELETE', `${base(scope, space)}/${key}?force=true`), `delete ${key}`),
      breakSource: () => {
        // A failing server that talks too much: its body holds a value, which must reach no message.
        const body = JSON.stringify({ error: 'unavailable', message: canary('manager-body'), secrets: { LEAK: canary('manager-leak') } });
        proxy.setFallback({ kind: 'status', status: 503, body });
        return Promise.resolve();
      },
      heal: () => Promise.resolve(proxy.setFallback({ kind: 'pass' })),
    };
  },
};

describeProviderContract(harness);
