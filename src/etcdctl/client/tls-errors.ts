// Go's crypto/tls and crypto/x509 wording for the failures a learner meets, so a wrong
// CA or a missing SAN reads as it does from the real etcdctl and etcd.
import net from 'node:net';
import type { PeerCertificate } from 'node:tls';

/** Go's x509.HostnameError text for a certificate that does not cover `host`, or undefined when it does. */
export function checkHostGo(host: string, cert: PeerCertificate): string | undefined {
  const sans = (cert.subjectaltname ?? '').split(/,\s*/).filter(Boolean);
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => normaliseIp(s.slice(11)));
  if (net.isIP(host)) {
    const want = normaliseIp(host);
    if (ips.includes(want)) return undefined;
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    return `x509: certificate is valid for ${ips.join(', ')}, not ${host}`;
  }
  const h = host.toLowerCase().replace(/\.$/, '');
  if (dns.some((d) => matchHostname(d.toLowerCase(), h))) return undefined;
  if (dns.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${dns.join(', ')}, not ${host}`;
}

function normaliseIp(ip: string): string {
  return ip.trim().toLowerCase();
}

function matchHostname(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === pattern.slice(1);
}

/** Maps an OpenSSL/Node verification code to Go's x509 text. */
export function goVerifyError(code: string | undefined, cert?: PeerCertificate, now?: Date): string {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return 'x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID': {
      const t = now ?? new Date();
      const fmt = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
      if (cert && code === 'CERT_HAS_EXPIRED')
        return `x509: certificate has expired or is not yet valid: current time ${fmt(t)} is after ${fmt(new Date(cert.valid_to))}`;
      if (cert) return `x509: certificate has expired or is not yet valid: current time ${fmt(t)} is before ${fmt(new Date(cert.valid_from))}`;
      return 'x509: certificate has expired or is not yet valid';
    }
    case 'INVALID_PURPOSE':
      return 'x509: certificate specifies an incompatible key usage';
    default:
      return `x509: ${code ?? 'certificate verification failed'}`;
  }
}

/** Go's words for a handshake failure reported by the peer or by OpenSSL. */
export function goTlsError(e: Error & { code?: string }): string {
  const msg = e.message ?? '';
  if (/certificate required/i.test(msg) || e.code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'remote error: tls: certificate required';
  if (/bad certificate/i.test(msg) || e.code === 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE') return 'remote error: tls: bad certificate';
  if (/unknown ca/i.test(msg)) return 'remote error: tls: unknown certificate authority';
  if (/alert certificate expired/i.test(msg)) return 'remote error: tls: expired certificate';
  if (/wrong version number|packet length too long|http request/i.test(msg)) return 'tls: first record does not look like a TLS handshake';
  if (/handshake failure/i.test(msg)) return 'remote error: tls: handshake failure';
  if (e.code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(msg)) return 'EOF';
  return msg;
}
