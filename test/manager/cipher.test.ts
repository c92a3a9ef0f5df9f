// Tests for src/manager/lib/cipher.ts: AES-256-GCM sealing bound to its row.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Cipher } from 'secret-sync-manager/dist/cipher';
import type { ManagerError } from 'secret-sync-manager';

describe('manager/cipher', () => {
  const cipher = new Cipher(randomBytes(32));

  it('opens what it sealed', () => {
    const sealed = cipher.seal('p@ss wörd', 'demo\u0000API');
    assert.equal(cipher.open(sealed, 'demo\u0000API'), 'p@ss wörd');
  });

  it('never stores the plaintext and uses a fresh nonce each time', () => {
    const a = cipher.seal('same-value-123', 'ctx');
    const b = cipher.seal('same-value-123', 'ctx');
    assert.ok(!a.includes(Buffer.from('same-value-123')));
    assert.notDeepEqual(a, b);
  });

  it('refuses a value moved to another row (context is authenticated)', () => {
    const sealed = cipher.seal('v', 'demo\u0000A');
    assert.throws(() => cipher.open(sealed, 'demo\u0000B'), (e: ManagerError) => e.code === 'decryption_failed');
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = cipher.seal('value', 'ctx');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] as number) ^ 1;
    assert.throws(() => cipher.open(sealed, 'ctx'), (e: ManagerError) => e.code === 'decryption_failed');
  });

  it('refuses a value sealed with another key', () => {
    const sealed = new Cipher(randomBytes(32)).seal('value', 'ctx');
    assert.throws(() => cipher.open(sealed, 'ctx'), (e: ManagerError) => e.code === 'decryption_failed');
  });

  it('refuses truncated input and keys of the wrong length', () => {
    assert.throws(() => cipher.open(Buffer.from([1, 2, 3]), 'ctx'), (e: ManagerError) => e.code === 'decryption_failed');
    assert.throws(() => new Cipher(randomBytes(16)), (e: ManagerError) => e.code === 'invalid_master_key');
  });
});
