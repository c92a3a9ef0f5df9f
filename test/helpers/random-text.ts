// Random canaries of a given shape (a GitHub token's 36 characters, an AWS key id's base32), made at run time so no fixture holds one.
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random characters of `set` (letters and digits by default). */
export function randomText(n: number, set = ALNUM): string {
  let out = '';
  for (let i = 0; i < n; i++) out += set[randomInt(set.length)];
  return out;
}
