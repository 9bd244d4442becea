// How etcd's Go TLS server judges a client's certificate chain (RequireAndVerifyClientCert
// with --trusted-ca-file as ClientCAs), and which alert it answers a refusal with: an
// unknown issuer gets "unknown_ca", an expired or not-yet-valid leaf "certificate_expired",
// anything else (a certificate not meant for client auth) "bad_certificate".
import { parseCertificateDer, parseCertificatesPem, type Certificate } from '../../pki/certificate.ts';
import { goVerifyError } from '../../pki/go-errors.ts';
import type { CertificateVerdict, VerifyClientChain } from '../../pki/tls13/client-cert-gate.ts';

export function clientChainVerifier(caPem: Uint8Array | undefined, now: () => number): VerifyClientChain {
  const roots = caPem ? parseCertificatesPem(Buffer.from(caPem).toString('utf8')) : [];
  return (chain: Buffer[]): CertificateVerdict | undefined => {
    if (chain.length === 0) return { alert: 'certificate_required', error: "tls: client didn't provide a certificate" };
    let certs: Certificate[];
    try {
      certs = chain.map((der) => parseCertificateDer(der));
    } catch {
      return { alert: 'bad_certificate', error: 'tls: failed to parse client certificate: x509: malformed certificate' };
    }
    const err = goVerifyError(certs[0]!, roots, { now: now(), usage: 'clientAuth', intermediates: certs.slice(1) });
    if (!err) return undefined;
    const alert = err.startsWith('x509: certificate signed by unknown authority')
      ? 'unknown_ca'
      : err.startsWith('x509: certificate has expired or is not yet valid')
        ? 'certificate_expired'
        : 'bad_certificate';
    return { alert, error: `tls: failed to verify certificate: ${err}` };
  };
}
