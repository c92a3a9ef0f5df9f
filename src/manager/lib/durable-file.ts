// Files that survive a crash: written and synced before they are named, renamed with their directory synced.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Syncs a directory, so a file created, renamed or removed in it stays so after a power loss. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    // Some file systems cannot sync a directory (EINVAL, EISDIR on a few platforms): the rename itself is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Syncs a file's contents to disk. */
export function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `file` (mode 0600) and syncs it and its directory before
 * returning; `flag` `wx` refuses a file that exists.
 */
export function writeDurable(file: string, text: string, flag: 'w' | 'wx' = 'w'): void {
  const fd = openSync(file, flag, 0o600);
  try {
    // A file that was there keeps its mode on open: a key file must be the owner's alone.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(file));
}

/** Renames `from` over `to` (atomic on one file system) and syncs the directory. */
export function renameDurable(from: string, to: string): void {
  renameSync(from, to);
  syncDirectory(dirname(to));
}
