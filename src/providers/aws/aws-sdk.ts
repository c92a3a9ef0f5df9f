// Loads the optional AWS SDK v3 client (@aws-sdk/client-secrets-manager) when the aws provider first needs it, and says how to install it when it is missing.
import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager';
import { SyncError } from '../../shared/sync-error';

/** The parts of `@aws-sdk/client-secrets-manager` the provider uses. */
export type AwsSdk = Pick<typeof SecretsManagerSdk, 'SecretsManagerClient' | 'ListSecretsCommand' | 'BatchGetSecretValueCommand'>;

/** Loads the SDK module; injectable so tests and embedders can choose where it comes from. */
export type AwsSdkLoader = () => Promise<AwsSdk>;

/** The package the provider needs, as `npm install` takes it. */
export const AWS_SDK_PACKAGE = '@aws-sdk/client-secrets-manager';

/**
 * Imports the SDK from where Node resolves it for this package: the Node-RED
 * user directory's node_modules when the plugin is installed there. A
 * dynamic import, so the palette package loads without it (an optional peer
 * dependency, README "AWS Secrets Manager").
 */
export const loadAwsSdk: AwsSdkLoader = () => import('@aws-sdk/client-secrets-manager');

/** Whether `err` is Node's "cannot find module" for the SDK itself (not some other module failing inside it). */
function isSdkMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return err instanceof Error && err.message.includes(AWS_SDK_PACKAGE);
}

/**
 * `aws_sdk_missing`: what to install and where. `userDir` is Node-RED's user
 * directory when the plugin knows it.
 */
export function sdkMissing(userDir: string | undefined): SyncError {
  const where = userDir !== undefined && userDir !== '' ? `the Node-RED user directory (${userDir})` : 'the Node-RED user directory, e.g. ~/.node-red';
  return new SyncError(
    'aws_sdk_missing',
    `provider 'aws' needs the AWS SDK, which is not installed: run \`npm install ${AWS_SDK_PACKAGE}\` in ${where}, then restart Node-RED`,
  );
}

/** Loads the SDK with `load`; a missing SDK is `aws_sdk_missing`, any other failure `aws_sdk_failed` (its message is not copied). */
export async function requireAwsSdk(load: AwsSdkLoader, userDir: string | undefined): Promise<AwsSdk> {
  try {
    return await load();
  } catch (err) {
    if (isSdkMissing(err)) throw sdkMissing(userDir);
    const name = err instanceof Error ? err.name : typeof err;
    throw new SyncError('aws_sdk_failed', `${AWS_SDK_PACKAGE} is installed but failed to load (${name}): reinstall it in the Node-RED user directory`);
  }
}
