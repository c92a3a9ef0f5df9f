// README "AWS Secrets Manager" as written: its least-privilege IAM policy, given to a user of moto's IAM (enforced), lets the provider read the space and the organization keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '../../../src/providers/aws/aws-provider';
import { canary } from '../../helpers/manager';
import { MOTO_REGION, countAwsTests, keepCredentials, requireAws, startMoto } from '../../helpers/moto';
import type { Moto } from '../../helpers/moto';

const README = join(__dirname, '..', '..', '..', '..', 'README.md');

/** The JSON block that follows `marker` in the README. */
function jsonAfter(marker: string): unknown {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `README has "${marker}"`);
  const block = /```json\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(block, `a json block after "${marker}"`);
  return JSON.parse(block[1]!) as unknown;
}

describe("README 'AWS Secrets Manager': the IAM policy as written (moto)", function () {
  this.timeout(60_000);
  countAwsTests(this, 'README');
  let moto: Moto;
  const restoreCredentials = keepCredentials();

  before(async function () {
    requireAws(this);
    moto = await startMoto();
  });

  after(async () => {
    await moto?.enforceIam(false);
    await moto?.stop();
    restoreCredentials();
  });

  it('names only the actions the provider calls: with it, the folder and entry layouts read the space and the organization keys', async () => {
    const policy = jsonAfter('**A least-privilege IAM policy**');
    // The README's example account and region are moto's defaults: the policy is used exactly as printed.
    assert.match(JSON.stringify(policy), new RegExp(`arn:aws:secretsmanager:${MOTO_REGION}:123456789012:secret:`));
    const token = canary('readme-aws-token');
    await moto.put('secret-sync/production-line-3/API_TOKEN', token);
    await moto.put('secret-sync/production-line-3/MQTT', JSON.stringify({ username: 'device-1', password: canary('readme-aws-pass') }));
    await moto.put('secret-sync/_org/SHARED_API_KEY', 'shared');
    await moto.put('secret-sync/production-line-3', JSON.stringify({ API_TOKEN: token }));
    const reader = await moto.iamUser('node-red-line-3', policy);
    const stranger = await moto.iamUser('no-read-policy', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: '*' }] });
    await moto.enforceIam(true);
    process.env.AWS_ACCESS_KEY_ID = reader.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = reader.secretAccessKey;
    for (const layout of ['folder', 'entry'] as const) {
      const provider = new AwsProvider({ prefix: 'secret-sync', layout, region: MOTO_REGION, endpoint: moto.url, space: 'production-line-3' });
      const result = await provider.fetch({ signal: AbortSignal.timeout(20_000) });
      assert.equal(result.status, 'changed');
      const secrets = result.status === 'changed' ? (result.secrets as Record<string, unknown>) : {};
      assert.equal(secrets.API_TOKEN, token, layout);
      if (layout === 'folder') assert.deepEqual(Object.keys(secrets).sort(), ['API_TOKEN', 'MQTT', 'SHARED_API_KEY']);
      provider.close();
    }
    // A user without the policy's actions is refused: IAM really was enforced.
    process.env.AWS_ACCESS_KEY_ID = stranger.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = stranger.secretAccessKey;
    const refused = new AwsProvider({ prefix: 'secret-sync', layout: 'folder', region: MOTO_REGION, endpoint: moto.url, space: 'production-line-3' });
    await assert.rejects(refused.fetch({ signal: AbortSignal.timeout(20_000) }), (err: unknown) => (err as { code?: string }).code === 'forbidden');
    refused.close();
  });
});
