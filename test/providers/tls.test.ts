// TLS against the real Secret Manager served over HTTPS: fail closed on bad certificates, work with a configured CA.
import assert from 'node:assert/strict';
import { SecretManagerProvider } from '../../src/providers/secret-manager-provider';
import type { SyncError } from '../../src/shared/sync-error';
import { createTestPki } from '../helpers/certs';
import type { CertFiles, TestPki } from '../helpers/certs';
import { startTestManager } from '../helpers/manager';

describe('providers: TLS', function () {
  this.timeout(30_000);
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });

  async function fetchFrom(cert: CertFiles, caFile?: string): Promise<{ ok: boolean; error?: SyncError; token?: string }> {
    const m = await startTestManager({ tls: { certFile: cert.cert, keyFile: cert.key } });
    try {
      assert.match(m.url, /^https:/);
      const token = `tls-token-${Math.random().toString(36).slice(2)}`;
      const provider = new SecretManagerProvider({ url: m.url, space: 'demo', token, caFile });
      try {
        await provider.fetch({ signal: new AbortController().signal });
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err as SyncError, token };
      }
    } finally {
      await m.stop();
    }
  }

  it('works with the CA given in caFile', async () => {
    const res = await fetchFrom(pki.good, pki.caFile);
    // The token is not valid on this manager: reaching 401 proves the TLS handshake succeeded.
    assert.equal(res.error?.code, 'unauthorized');
  });

  for (const [name, cert, code] of [
    ['a self-signed certificate', 'selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['a certificate from an unknown CA (no caFile)', 'good', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['an expired certificate', 'expired', 'CERT_HAS_EXPIRED'],
    ['a certificate for another host', 'wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ] as const) {
    it(`fails closed on ${name}, without retrying and without the token in the message`, async () => {
      const res = await fetchFrom(pki[cert], cert === 'good' ? undefined : pki.caFile);
      assert.equal(res.ok, false);
      assert.equal(res.error?.code, 'tls_error');
      assert.equal(res.error?.retryable, false);
      assert.ok(res.error?.message.includes(code), res.error?.message);
      assert.ok(!res.error?.message.includes(res.token ?? '-'));
    });
  }

  it('reports an unreadable caFile as a configuration error naming the field', () => {
    assert.throws(
      () => new SecretManagerProvider({ url: 'https://127.0.0.1:1', space: 'demo', token: 't', caFile: '/nonexistent/ca.pem' }),
      (e: SyncError) => e.code === 'config_invalid' && e.field === 'caFile',
    );
  });
});
