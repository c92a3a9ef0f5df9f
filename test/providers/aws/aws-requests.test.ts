// Requests per sync of the aws provider, counted at a proxy in front of moto, for 10 and 1,000 secrets: first sync, a poll with no change, a poll with one change.
import assert from 'node:assert/strict';
import { AwsProvider } from '../../../src/providers/aws/aws-provider';
import type { FetchResult } from '../../../src/providers/provider';
import { startAwsProxy } from '../../helpers/aws-proxy';
import type { AwsProxy } from '../../helpers/aws-proxy';
import { MOTO_REGION, countAwsTests, fillSecrets, keepCredentials, requireAws, startMoto, useCredentials } from '../../helpers/moto';
import type { Moto } from '../../helpers/moto';

const etagOf = (result: FetchResult): string | undefined => (result.status === 'changed' ? (result.etag ?? undefined) : undefined);

describe('providers/aws requests per sync (moto)', function () {
  this.timeout(300_000);
  countAwsTests(this, 'request-count');
  let moto: Moto;
  let proxy: AwsProxy;
  const restoreCredentials = keepCredentials();

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

  for (const count of [10, 1_000]) {
    it(`${count} secrets: first sync ${Math.ceil(count / 100)} + ${Math.ceil(count / 20)}, no change ${Math.ceil(count / 100)} (ListSecrets pages), one change ${Math.ceil(count / 100)} + 1`, async () => {
      const prefix = `count-${count}`;
      await fillSecrets(moto, `${prefix}/demo`, count);
      const provider = new AwsProvider({ prefix, layout: 'folder', region: MOTO_REGION, endpoint: proxy.url, space: 'demo' });
      const pages = Math.ceil(count / 100);
      proxy.resetCounts();
      const first = await provider.fetch({ signal: AbortSignal.timeout(60_000) });
      assert.equal(first.status === 'changed' ? Object.keys(first.secrets as object).length : 0, count);
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: pages, BatchGetSecretValue: Math.ceil(count / 20) });

      proxy.resetCounts();
      assert.deepEqual(await provider.fetch({ signal: AbortSignal.timeout(60_000), etag: etagOf(first) }), { status: 'unchanged' });
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: pages });

      await moto.put(`${prefix}/demo/KEY_0007`, 'rotated');
      proxy.resetCounts();
      const changed = await provider.fetch({ signal: AbortSignal.timeout(60_000), etag: etagOf(first) });
      assert.equal(changed.status === 'changed' ? (changed.secrets as Record<string, string>).KEY_0007 : undefined, 'rotated');
      assert.deepEqual(Object.fromEntries(proxy.counts), { ListSecrets: pages, BatchGetSecretValue: 1 });
      assert.equal(provider.requests, pages + Math.ceil(count / 20) + pages + pages + 1);
      provider.close();
    });
  }
});
