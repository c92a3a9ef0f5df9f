// Encryption at rest: AES-256-GCM with a fresh nonce per value, bound to the row it belongs to.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ManagerError } from './errors';

const FORMAT_V1 = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Length in bytes of the AES-256 master key. */
export const KEY_BYTES = 32;

/**
 * Seals and opens values with one master key. The sealed form is
 * `format(1) | nonce(12) | tag(16) | ciphertext`; `context` (scope and name) is
 * authenticated but not stored, so a ciphertext moved to another row fails to open.
 */
export class Cipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new ManagerError('invalid_master_key', 500, `The master key must be ${KEY_BYTES} bytes`);
    }
    this.#key = Buffer.from(key);
  }

  /** Encrypts `plaintext`, authenticating `context` with it. */
  seal(plaintext: string, context: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), nonce, cipher.getAuthTag(), ciphertext]);
  }

  /** Decrypts a sealed value; throws `decryption_failed` if it was tampered with, moved, or sealed with another key. */
  open(sealed: Uint8Array, context: string): string {
    const buf = Buffer.from(sealed);
    if (buf.length < 1 + NONCE_BYTES + TAG_BYTES || buf[0] !== FORMAT_V1) {
      throw new ManagerError('decryption_failed', 500, 'A stored value has an unknown format');
    }
    const nonce = buf.subarray(1, 1 + NONCE_BYTES);
    const tag = buf.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(buf.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new ManagerError('decryption_failed', 500, 'A stored value could not be decrypted with this master key');
    }
  }
}
