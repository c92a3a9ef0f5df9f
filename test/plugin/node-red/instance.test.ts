// Tests for src/plugin/node-red/instance.ts: the instance id is kept in the user directory, and survives a new host name.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_FILE, instanceIdentity } from '../../../src/plugin/node-red/instance';

describe('plugin/node-red/instance', () => {
  const userDir = (): string => mkdtempSync(join(tmpdir(), 'secret-sync-instance-'));

  it('writes the id to the user directory on first start and reads it back on the next', () => {
    const dir = userDir();
    const first = instanceIdentity(dir);
    assert.match(first.id, /^[0-9a-f]{16}$/);
    assert.equal(readFileSync(join(dir, INSTANCE_FILE), 'utf8'), `${first.id}\n`);
    assert.equal(instanceIdentity(dir).id, first.id);
    assert.match(first.version, /^\d+\.\d+\.\d+/);
  });

  it('keeps an id from the file whatever the host is (a new container on the same volume)', () => {
    const dir = userDir();
    writeFileSync(join(dir, INSTANCE_FILE), 'line-3-pi\n');
    assert.equal(instanceIdentity(dir).id, 'line-3-pi');
  });

  it('ignores a file that does not hold an id, and falls back to the derived id where it cannot write', () => {
    const dir = userDir();
    writeFileSync(join(dir, INSTANCE_FILE), 'not an id; name=x\n');
    const derived = instanceIdentity(dir).id;
    assert.match(derived, /^[0-9a-f]{16}$/);
    // A directory nothing can be written into, even as root: a path under a regular file.
    const unwritable = join(userDir(), 'a-file');
    writeFileSync(unwritable, '');
    const id = instanceIdentity(unwritable).id;
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(instanceIdentity(unwritable).id, id, 'stable without the file');
    assert.notEqual(id, derived, 'derived from the directory');
  });
});
