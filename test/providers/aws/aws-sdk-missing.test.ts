// The aws provider where @aws-sdk/client-secrets-manager cannot be resolved (a palette install without the optional peer): the status says what to install and where.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AwsProvider } from '../../../src/providers/aws/aws-provider';
import { AWS_SDK_PACKAGE, requireAwsSdk } from '../../../src/providers/aws/aws-sdk';
import { SyncError } from '../../../src/shared/sync-error';

/** dist/src of this build, and the repository. */
const DIST_SRC = join(__dirname, '..', '..', '..', 'src');
const REPO = join(__dirname, '..', '..', '..', '..');

describe('providers/aws without the SDK installed', function () {
  this.timeout(60_000);
  let root: string;

  before(() => {
    // The built provider copied beside the package's runtime dependencies only (linked), as a palette install without the optional peer has them.
    root = mkdtempSync(join(tmpdir(), 'aws-no-sdk-'));
    cpSync(join(DIST_SRC, 'providers'), join(root, 'src', 'providers'), { recursive: true });
    cpSync(join(DIST_SRC, 'shared'), join(root, 'src', 'shared'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) {
      // A scoped dependency (`@secretlint/core`) is linked inside its scope's folder.
      mkdirSync(dirname(join(root, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(REPO, 'node_modules', dep), join(root, 'node_modules', dep), 'dir');
    }
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('the real loader fails with aws_sdk_missing naming the npm install and the user directory; the provider itself loads', () => {
    const script = `
      const { AwsProvider } = require(${JSON.stringify(join(root, 'src', 'providers', 'aws', 'aws-provider.js'))});
      let resolvable = true;
      try { require.resolve(${JSON.stringify(AWS_SDK_PACKAGE)}); } catch { resolvable = false; }
      const provider = new AwsProvider({ space: 'demo', prefix: 'secret-sync', layout: 'folder', region: 'eu-west-1', userDir: '/data/node-red' });
      provider.fetch({ signal: AbortSignal.timeout(10000) }).then(
        () => console.log(JSON.stringify({ resolvable, ok: true })),
        (err) => console.log(JSON.stringify({ resolvable, code: err.code, retryable: err.retryable, message: err.message })),
      );`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_PATH: '' } });
    assert.equal(child.status, 0, child.stderr);
    const answer = JSON.parse(child.stdout.trim()) as { resolvable: boolean; code?: string; retryable?: boolean; message?: string };
    assert.equal(answer.resolvable, false, 'the copy must not resolve the SDK');
    assert.equal(answer.code, 'aws_sdk_missing');
    assert.equal(answer.retryable, false);
    assert.equal(
      answer.message,
      "provider 'aws' needs the AWS SDK, which is not installed: run `npm install @aws-sdk/client-secrets-manager` in the Node-RED user directory (/data/node-red), then restart Node-RED",
    );
  });

  it('without a known user directory it names the usual one; another load failure is aws_sdk_failed', async () => {
    const notFound = Object.assign(new Error(`Cannot find package '${AWS_SDK_PACKAGE}' imported from /x`), { code: 'ERR_MODULE_NOT_FOUND' });
    const missing = await requireAwsSdk(() => Promise.reject(notFound), undefined).catch((err: unknown) => err);
    assert.ok(missing instanceof SyncError);
    assert.equal(missing.code, 'aws_sdk_missing');
    assert.match(missing.message, /in the Node-RED user directory, e\.g\. ~\/\.node-red/);
    const broken = await requireAwsSdk(() => Promise.reject(new TypeError('boom inside the SDK')), '/data').catch((err: unknown) => err);
    assert.ok(broken instanceof SyncError);
    assert.equal(broken.code, 'aws_sdk_failed');
    assert.ok(!broken.message.includes('boom'));
  });

  it('a provider whose SDK is missing tries to load it again at the next sync', async () => {
    let loads = 0;
    const provider = new AwsProvider({
      space: 'demo',
      prefix: 'secret-sync',
      layout: 'folder',
      region: 'eu-west-1',
      loadSdk: () => {
        loads++;
        return Promise.reject(Object.assign(new Error(`Cannot find module '${AWS_SDK_PACKAGE}'`), { code: 'MODULE_NOT_FOUND' }));
      },
    });
    for (let i = 0; i < 2; i++) await assert.rejects(provider.fetch({ signal: AbortSignal.timeout(5000) }), (err: unknown) => err instanceof SyncError && err.code === 'aws_sdk_missing');
    assert.equal(loads, 2);
  });
});
