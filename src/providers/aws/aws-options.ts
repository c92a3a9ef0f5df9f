// What the AWS Secrets Manager provider is built from: the AWS settings plus what every provider gets, filled in by the registry.
import type { AwsSdkLoader } from './aws-sdk';
import type { AwsSettings } from './aws-settings';

/** Options of {@link AwsProvider}: `secretSync.aws` (see {@link AwsSettings}), the space, and where the SDK comes from. */
export interface AwsOptions extends AwsSettings {
  space: string;
  /** Node-RED's user directory, named in the advice when the SDK is missing. */
  userDir?: string | undefined;
  /** Loads the SDK (default: a dynamic import of `@aws-sdk/client-secrets-manager`). */
  loadSdk?: AwsSdkLoader;
}
