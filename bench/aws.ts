// `npm run bench` (aws): requests and time per sync against moto's AWS Secrets Manager API, for 10 and 1,000 secrets, in both layouts.
import { AwsProvider } from '../src/providers/aws/aws-provider';
import type { FetchResult } from '../src/providers/provider';
import { MOTO_CREDENTIALS, MOTO_REGION, MOTO_VERSION, fillSecrets, hasMoto, startMoto } from '../test/helpers/moto';
import { median } from './stats';

/** Polls timed per row; the median is reported. */
const POLLS = 5;

const etagOf = (result: FetchResult): string | undefined => (result.status === 'changed' ? (result.etag ?? undefined) : undefined);

async function main(): Promise<void> {
  if (!hasMoto()) {
    process.stdout.write(`aws: moto_server is missing (pip install 'moto[server]==${MOTO_VERSION}'); skipped\n`);
    return;
  }
  // Credentials through the SDK's default chain, as in production: the environment here.
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  const moto = await startMoto();
  const rows: string[] = [];
  try {
    for (const count of [10, 1_000]) {
      await fillSecrets(moto, `bench${count}/space`, count);
      const entry: Record<string, string> = {};
      for (let i = 0; i < count; i++) entry[`KEY_${String(i).padStart(4, '0')}`] = `value-${i}`;
      await moto.put(`bench${count}-entry/space`, JSON.stringify(entry));
      for (const layout of ['folder', 'entry'] as const) {
        const prefix = layout === 'folder' ? `bench${count}` : `bench${count}-entry`;
        const provider = new AwsProvider({ prefix, layout, region: MOTO_REGION, endpoint: moto.url, space: 'space' });
        const signal = AbortSignal.timeout(120_000);
        let started = performance.now();
        const first = await provider.fetch({ signal });
        const firstMs = performance.now() - started;
        const afterFirst = provider.requests;
        const etag = etagOf(first);
        const unchangedMs: number[] = [];
        let before = provider.requests;
        for (let i = 0; i < POLLS; i++) {
          started = performance.now();
          await provider.fetch({ etag, signal });
          unchangedMs.push(performance.now() - started);
        }
        const unchanged = (provider.requests - before) / POLLS;
        const changedMs: number[] = [];
        let changed = 0;
        let lastEtag = etag;
        for (let i = 0; i < POLLS; i++) {
          if (layout === 'folder') await moto.put(`${prefix}/space/KEY_0007`, `moved-${i}`);
          else await moto.put(`${prefix}/space`, JSON.stringify({ ...entry, KEY_0007: `moved-${i}` }));
          before = provider.requests;
          started = performance.now();
          lastEtag = etagOf(await provider.fetch({ etag: lastEtag, signal }));
          changedMs.push(performance.now() - started);
          changed = provider.requests - before;
        }
        const ms = (value: number): string => `${value.toFixed(0)} ms`;
        rows.push(`| ${count} | ${layout} | ${afterFirst} (${ms(firstMs)}) | ${unchanged} (${ms(median(unchangedMs))}) | ${changed} (${ms(median(changedMs))}) |`);
        provider.close();
      }
    }
  } finally {
    await moto.stop();
  }
  process.stdout.write(`requests per sync against moto ${MOTO_VERSION} (ListSecrets pages of 100, BatchGetSecretValue of 20; time: first sync, median of ${POLLS} polls)\n`);
  process.stdout.write('| secrets | layout | first sync | no change | one key changed |\n|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
