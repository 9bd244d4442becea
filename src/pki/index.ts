// What other parts of the lab use from pki: lab checks (is the CA a CA, do the SANs cover
// the host, does the client certificate chain to the CA) and etcd's TLS setup.
import { parseCertificatePem, parseCertificatesPem, verifyCertificateSignature, type Certificate } from './certificate.ts';
import { sameName } from './name.ts';
import { parsePrivateKeyPem, sameKey } from './keys.ts';
import { verifyCertificate, type VerifyOptions, type VerifyResult } from './verify.ts';

export { certificateSans, isCa, parseCertificatePem, parseCertificatesPem, parseCsrPem, certificatePem, type Certificate, type CertificateRequest } from './certificate.ts';
export { verifyChain, verifyCertificate, VERIFY_ERRORS, type VerifyOptions, type VerifyResult, type Purpose } from './verify.ts';
export { formatName } from './name.ts';
export { runOpenssl, type OpensslRunOptions } from './openssl/main.ts';
export { generateRsaKey, privateKeyPem, parsePrivateKeyPem } from './keys.ts';

/** Does this private key (PEM) belong to this certificate (PEM)? False when either does not parse. */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  const key = parsePrivateKeyPem(keyPem);
  const cert = parseCertificatePem(certPem);
  if (!key || !cert) return false;
  return sameKey(key.publicKey, cert.publicKey);
}

/**
 * node:tls options for a server or client from PEM texts, after checking them the way the
 * real tools do before starting: the key must match the certificate. Returns an error
 * string (etcd-style wording is the caller's job) instead of throwing.
 */
export function tlsSecureContextOptions(opts: { certPem?: string; keyPem?: string; caPem?: string }):
  | { ok: true; options: { cert?: string; key?: string; ca?: string[] } }
  | { ok: false; error: string } {
  const options: { cert?: string; key?: string; ca?: string[] } = {};
  if (opts.certPem !== undefined || opts.keyPem !== undefined) {
    if (opts.certPem === undefined || opts.keyPem === undefined) return { ok: false, error: 'both a certificate and a key are needed' };
    if (!parseCertificatePem(opts.certPem)) return { ok: false, error: 'failed to find any PEM data in certificate input' };
    if (!parsePrivateKeyPem(opts.keyPem)) return { ok: false, error: 'failed to find any PEM data in key input' };
    if (!keyMatchesCert(opts.keyPem, opts.certPem)) return { ok: false, error: 'private key does not match public key' };
    options.cert = opts.certPem;
    options.key = opts.keyPem;
  }
  if (opts.caPem !== undefined) {
    const cas = parseCertificatesPem(opts.caPem);
    if (cas.length === 0) return { ok: false, error: 'failed to find any PEM data in CA input' };
    options.ca = cas.map((c) => c.der.toString('base64')).map((b) => `-----BEGIN CERTIFICATE-----\n${b.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
  }
  return { ok: true, options };
}

/** Verifies a PEM certificate against PEM CA bundle text at `now`; the form lab checks want. */
export function verifyPem(certPem: string, caPem: string, opts: Omit<VerifyOptions, 'untrusted'> & { untrustedPem?: string }): VerifyResult | { ok: false; code: -1; error: string } {
  const cert = parseCertificatePem(certPem);
  if (!cert) return { ok: false, code: -1, error: 'no certificate found' };
  const cas: Certificate[] = parseCertificatesPem(caPem);
  return verifyCertificate(cert, cas, { ...opts, untrusted: opts.untrustedPem ? parseCertificatesPem(opts.untrustedPem) : [] });
}

export { goVerifyError, type GoVerifyOptions } from './go-errors.ts';

/** Issued by itself: same subject and issuer, and its own key verifies its signature (what a root CA is). */
export function isSelfSigned(cert: Certificate): boolean {
  return sameName(cert.subject, cert.issuer) && verifyCertificateSignature(cert, cert.publicKey);
}
