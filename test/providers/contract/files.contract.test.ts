// The shared provider suite against a real temporary directory: one file per key, `KEY.json` for pairs; breakSource moves the directory away.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesProvider } from '../../../src/providers/files/files-provider';
import { describeProviderContract } from './provider-contract';
import type { HarnessScope, HarnessSpace, HarnessValue, ProviderHarness } from './provider-harness';

let root: string | undefined;
let spaces = 0;

function spaceOnly(scope: HarnessScope): void {
  if (scope === 'org') throw new Error('the files provider has no organization keys');
}

const harness: ProviderHarness = {
  name: 'files',
  supports: { org: false, multiPair: true, watch: true, unchanged: true, badNames: true },
  setUp() {
    root = mkdtempSync(join(tmpdir(), 'files-contract-'));
    return Promise.resolve();
  },
  tearDown() {
    if (root) rmSync(root, { recursive: true, force: true });
    return Promise.resolve();
  },
  newSpace(): Promise<HarnessSpace> {
    const space = `space-${++spaces}`;
    const dir = join(root!, space);
    mkdirSync(dir);
    // settleMs stays the default: the suite exercises the provider as configured.
    const provider = new FilesProvider({ dir, space });
    const drop = (key: string): void => {
      rmSync(join(dir, key), { force: true });
      rmSync(join(dir, `${key}.json`), { force: true });
    };
    return Promise.resolve({
      space,
      provider,
      put: (scope: HarnessScope, key: string, value: HarnessValue) => {
        spaceOnly(scope);
        drop(key);
        // Written as `echo value > KEY` would: the trailing newline is not part of the value.
        const [name, text] = typeof value === 'string' ? [key, `${value}\n`] : [`${key}.json`, JSON.stringify(value)];
        // A hidden temporary file renamed into place: the way an atomic writer does it.
        writeFileSync(join(dir, `.tmp-${name}`), text);
        renameSync(join(dir, `.tmp-${name}`), join(dir, name));
        return Promise.resolve();
      },
      remove: (scope: HarnessScope, key: string) => {
        spaceOnly(scope);
        drop(key);
        return Promise.resolve();
      },
      // Works as root too (where chmod would not stop a read): the directory is simply not there.
      breakSource: () => Promise.resolve(renameSync(dir, `${dir}.away`)),
      heal: () => Promise.resolve(renameSync(`${dir}.away`, dir)),
    });
  },
};

describeProviderContract(harness);
