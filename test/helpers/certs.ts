// Test certificates made in memory (node-forge; keys from node:crypto): a private CA, leaves for hosts, expired and self-signed ones.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/** PEM files of one certificate and its key. */
export interface CertFiles {
  cert: string;
  key: string;
}

interface Issuer {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function keyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(pem),
    pem,
  };
}

let serial = 1;

function make(options: { cn: string; ca?: boolean; ip?: string; dns?: string; issuer?: Issuer; notBefore?: Date; notAfter?: Date }): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; keyPem: string } {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(serial++).padStart(2, '0');
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 24 * 3600_000);
  const subject = [{ name: 'commonName', value: options.cn }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const altNames: { type: number; ip?: string; value?: string }[] = [];
  if (options.ip) altNames.push({ type: 7, ip: options.ip });
  if (options.dns) altNames.push({ type: 2, value: options.dns });
  cert.setExtensions([
    { name: 'basicConstraints', cA: options.ca === true },
    { name: 'keyUsage', keyCertSign: options.ca === true, digitalSignature: true, keyEncipherment: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(options.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, keyPem: keys.pem };
}

/** A private CA and server certificates for 127.0.0.1 in a temp directory. */
export interface TestPki {
  caFile: string;
  /** Signed by the CA, valid for IP 127.0.0.1. */
  good: CertFiles;
  /** Signed by the CA, valid only for the host name other.invalid. */
  wrongHost: CertFiles;
  /** Signed by the CA for 127.0.0.1, expired yesterday. */
  expired: CertFiles;
  /** Self-signed for 127.0.0.1 (no CA vouches for it). */
  selfSigned: CertFiles;
}

/** Creates the test PKI (about a second of key generation). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'secret-sync-pki-'));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const ca = make({ cn: 'Secret Sync Test CA', ca: true });
  const issuer = { cert: ca.cert, key: ca.key };
  const files = (name: string, made: ReturnType<typeof make>): CertFiles => ({
    cert: write(`${name}.crt`, forge.pki.certificateToPem(made.cert)),
    key: write(`${name}.key`, made.keyPem),
  });
  const yesterday = new Date(Date.now() - 24 * 3600_000);
  return {
    caFile: write('ca.crt', forge.pki.certificateToPem(ca.cert)),
    good: files('good', make({ cn: '127.0.0.1', ip: '127.0.0.1', issuer })),
    wrongHost: files('wrong-host', make({ cn: 'other.invalid', dns: 'other.invalid', issuer })),
    expired: files('expired', make({ cn: '127.0.0.1', ip: '127.0.0.1', issuer, notBefore: new Date(Date.now() - 10 * 24 * 3600_000), notAfter: yesterday })),
    selfSigned: files('self-signed', make({ cn: '127.0.0.1', ip: '127.0.0.1' })),
  };
}
