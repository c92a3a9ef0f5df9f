// A real AWS Secrets Manager API for tests: moto's server (pip install 'moto[server]==5.2.5') on a free loopback port, with an SDK client to write secrets.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freePort } from './openbao';

/** The pinned moto version .ci/run installs. */
export const MOTO_VERSION = '5.2.5';

/** Region and dummy credentials every test client uses (moto accepts any unless it enforces IAM). */
export const MOTO_REGION = 'eu-west-1';
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIATESTTESTTEST0001', secretAccessKey: 'test-secret-key-not-a-secret' } as const;


/** Sets the credentials the AWS SDK's default chain reads from the environment (at a client's first request). */
export function useCredentials(credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_CREDENTIALS): void {
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
}

/** Remembers the environment's AWS credentials; the function it returns puts them back (unset where they were unset). */
export function keepCredentials(): () => void {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
  return () => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.key;
  };
}
/** Whether `moto_server` is on PATH. */
export function hasMoto(): boolean {
  return spawnSync('moto_server', ['-h'], { encoding: 'utf8' }).status === 0;
}

/**
 * Skips the calling suite when moto_server is missing, with one warning line;
 * fails instead where REQUIRE_AWS is set (.ci/run installs moto and sets it).
 */
export function requireAws(suite: Mocha.Context): void {
  if (hasMoto()) return;
  if (process.env.REQUIRE_AWS) throw new Error(`REQUIRE_AWS is set but moto_server is missing (pip install 'moto[server]==${MOTO_VERSION}')`);
  console.warn(`aws: moto_server is missing (pip install 'moto[server]==${MOTO_VERSION}'); skipping the AWS Secrets Manager suite`);
  suite.skip();
}

/** Counts the tests of the calling suite that passed against moto and prints it at the end, so a CI log shows the AWS suites really ran. */
export function countAwsTests(suite: Mocha.Suite, name: string): void {
  let passed = 0;
  suite.afterEach(function () {
    if (this.currentTest?.state === 'passed') passed++;
  });
  suite.afterAll(() => {
    if (hasMoto()) process.stdout.write(`      aws: ${passed} ${name} tests ran against moto's AWS API\n`);
  });
}

/** A running moto server. */
export interface Moto {
  url: string;
  /** An SDK client for the test's own writes (not counted by any proxy in front of the provider). */
  admin: SecretsManagerClient;
  /** Creates the secret, or puts a new version of it. */
  put(name: string, value: string | Uint8Array): Promise<void>;
  /** Creates a secret that does not exist yet (one request). */
  create(name: string, value: string): Promise<void>;
  /** Deletes the secret at once (ForceDeleteWithoutRecovery). */
  remove(name: string): Promise<void>;
  /** Creates an IAM user with the inline policy `policy` and returns its access key (call while IAM is not enforced). */
  iamUser(name: string, policy: unknown): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  /** From now on every request must be signed by an IAM user moto knows (`POST /moto-api/reset-auth`); `false` turns it off. */
  enforceIam(on: boolean): Promise<void>;
  /** Forgets every secret and IAM entity. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  return exited;
}

/** An SDK client for `endpoint` with the dummy credentials (or `credentials`). */
export function motoClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_CREDENTIALS): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: MOTO_REGION, credentials, maxAttempts: 1 });
}

/** Starts `moto_server` on a free 127.0.0.1 port and waits (at most 30 s) until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/moto-api/data.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`moto_server did not answer on ${url}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const admin = motoClient(url);
  const post = async (path: string, body = ''): Promise<void> => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body });
    if (!res.ok) throw new Error(`moto ${path}: HTTP ${res.status}`);
  };
  // IAM's query API, unsigned: moto routes by the credential scope and checks no signature while IAM is not enforced.
  const iam = async (params: Record<string, string>): Promise<string> => {
    const res = await fetch(`${url}/`, {
      method: 'POST',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto IAM ${params.Action}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  return {
    url,
    admin,
    iamUser: async (name, policy) => {
      await iam({ Action: 'CreateUser', UserName: name });
      await iam({ Action: 'PutUserPolicy', UserName: name, PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policy) });
      const xml = await iam({ Action: 'CreateAccessKey', UserName: name });
      const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
      const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(xml)?.[1];
      if (!accessKeyId || !secretAccessKey) throw new Error('moto IAM CreateAccessKey sent no key');
      return { accessKeyId, secretAccessKey };
    },
    put: async (name, value) => {
      const body = typeof value === 'string' ? { SecretString: value } : { SecretBinary: value };
      try {
        await admin.send(new PutSecretValueCommand({ SecretId: name, ...body }));
      } catch (err) {
        if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
        await admin.send(new CreateSecretCommand({ Name: name, ...body }));
      }
    },
    create: async (name, value) => {
      await admin.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    },
    remove: async (name) => {
      await admin.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    },
    enforceIam: (on) => post('/moto-api/reset-auth', on ? '0' : 'inf'),
    reset: () => post('/moto-api/reset'),
    stop: async () => {
      admin.destroy();
      await stopChild(child);
    },
  };
}

/** Creates `count` secrets `KEY_0000`… under `dir`, one at a time: moto's server is not safe for concurrent writes ("dictionary changed size during iteration"). */
export async function fillSecrets(moto: Pick<Moto, 'create'>, dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await moto.create(`${dir}/KEY_${String(i).padStart(4, '0')}`, `value-${i}`);
}
