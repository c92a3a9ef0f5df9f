// The provider's two AWS calls (ListSecrets by name prefix, BatchGetSecretValue by id), on an SDK client made at first use, each request counted.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SyncError } from '../../shared/sync-error';
import { awsErrorName, awsFailure } from './aws-failure';
import { requireAwsSdk } from './aws-sdk';
import type { AwsSdk, AwsSdkLoader } from './aws-sdk';

/** ListSecrets page size: the most AWS gives, so an unchanged poll costs one request per 100 secrets. */
export const LIST_PAGE = 100;
/** BatchGetSecretValue's limit of ids per call. */
export const BATCH_SIZE = 20;
/** Pages one listing may take (100,000 secrets); a server that never stops paging cannot hold a sync. */
const MAX_PAGES = 1_000;

/** One secret as ListSecrets describes it: no value. */
export interface ListedSecret {
  name: string;
  arn: string;
  /** The AWSCURRENT version id, or the last change time when AWS sent no versions. */
  version: string;
}

/** One secret's current value as BatchGetSecretValue sent it. */
export interface FetchedSecret {
  arn: string;
  version: string;
  /** The SecretString, or undefined for a binary secret (SecretBinary). */
  text: string | undefined;
}

/** What could not be read of a batch, by id, with AWS's error name. */
export interface BatchError {
  arn: string;
  error: string;
}

/** Options of {@link AwsClient}. */
export interface AwsClientOptions {
  region?: string | undefined;
  endpoint?: string | undefined;
  loadSdk: AwsSdkLoader;
  userDir?: string | undefined;
}

/** The current version id in a `SecretVersionsToStages` map. */
function currentVersion(stages: Record<string, string[]> | undefined): string | undefined {
  for (const [id, names] of Object.entries(stages ?? {})) if (names.includes('AWSCURRENT')) return id;
  return undefined;
}

/** The SDK client of one provider. */
export class AwsClient {
  readonly #options: AwsClientOptions;
  #ready: Promise<{ sdk: AwsSdk; client: SecretsManagerClient }> | undefined;
  /** Requests sent (ListSecrets pages and BatchGetSecretValue calls). */
  requests = 0;

  constructor(options: AwsClientOptions) {
    this.#options = options;
  }

  /** Where requests go, for the status: the endpoint, or the region's public one. */
  get address(): string | undefined {
    const { endpoint, region } = this.#options;
    return endpoint ?? (region ? `https://secretsmanager.${region}.amazonaws.com` : undefined);
  }

  /** Every live secret whose name starts with one of `prefixes`, in pages of {@link LIST_PAGE}. */
  async list(prefixes: readonly string[], signal: AbortSignal): Promise<ListedSecret[]> {
    const { sdk, client } = await this.#client();
    const out: ListedSecret[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const command = new sdk.ListSecretsCommand({ Filters: [{ Key: 'name', Values: [...prefixes] }], MaxResults: LIST_PAGE, ...(token ? { NextToken: token } : {}) });
      const answer = await this.#send(() => client.send(command, { abortSignal: signal }), 'ListSecrets', signal);
      for (const entry of answer.SecretList ?? []) {
        // A secret scheduled for deletion is gone for flows (AWS lists it only when asked to).
        if (entry.Name === undefined || entry.ARN === undefined || entry.DeletedDate !== undefined) continue;
        const version = currentVersion(entry.SecretVersionsToStages) ?? entry.LastChangedDate?.toISOString() ?? '';
        out.push({ name: entry.Name, arn: entry.ARN, version });
      }
      token = answer.NextToken;
      if (!token) return out;
    }
    throw new SyncError('invalid_payload', `ListSecrets sent more than ${MAX_PAGES} pages`);
  }

  /** The current values of `arns` (at most {@link BATCH_SIZE}), one BatchGetSecretValue call (and its pages). */
  async batchGet(arns: readonly string[], signal: AbortSignal): Promise<{ values: FetchedSecret[]; errors: BatchError[] }> {
    const { sdk, client } = await this.#client();
    const values: FetchedSecret[] = [];
    const errors: BatchError[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const command = new sdk.BatchGetSecretValueCommand({ SecretIdList: [...arns], ...(token ? { NextToken: token } : {}) });
      const answer = await this.#send(() => client.send(command, { abortSignal: signal }), 'BatchGetSecretValue', signal);
      for (const entry of answer.SecretValues ?? []) {
        if (entry.ARN === undefined) continue;
        values.push({ arn: entry.ARN, version: entry.VersionId ?? '', text: entry.SecretString });
      }
      for (const entry of answer.Errors ?? []) {
        if (entry.SecretId !== undefined) errors.push({ arn: entry.SecretId, error: awsErrorName({ name: entry.ErrorCode }) ?? 'UnknownError' });
      }
      token = answer.NextToken;
      if (!token) return { values, errors };
    }
    throw new SyncError('invalid_payload', `BatchGetSecretValue sent more than ${MAX_PAGES} pages`);
  }

  /** Releases the client's sockets. */
  close(): void {
    void this.#ready?.then(({ client }) => client.destroy()).catch(() => undefined);
  }

  async #send<T>(call: () => Promise<T>, action: string, signal: AbortSignal): Promise<T> {
    this.requests++;
    try {
      return await call();
    } catch (err) {
      // An abort is the retry loop's own doing: its signal's reason says why.
      if (signal.aborted) throw err;
      throw awsFailure(err, action, this.address ?? 'the default endpoint');
    }
  }

  #client(): Promise<{ sdk: AwsSdk; client: SecretsManagerClient }> {
    this.#ready ??= (async () => {
      const sdk = await requireAwsSdk(this.#options.loadSdk, this.#options.userDir);
      const { region, endpoint } = this.#options;
      // One attempt per call: the plugin's retry with backoff is the one retry (README, "Every setting").
      const client = new sdk.SecretsManagerClient({ maxAttempts: 1, ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
      return { sdk, client };
    })();
    // A missing SDK is asked for again at the next sync: it may have been installed meanwhile (Node caches only successes).
    const ready = this.#ready;
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    return ready;
  }
}
