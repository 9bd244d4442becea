// Certificate verification in Go's words, for our etcd and etcdctl (which are Go programs
// in real life): crypto/x509 checks the leaf's validity period first, then the name,
// then builds a chain, and says so in fixed phrases.
import { certificateSans, findExtension, type Certificate } from './certificate.ts';
import { parseExtKeyUsage } from './extensions.ts';
import { OID } from './oids.ts';
import { verifyCertificate } from './verify.ts';

/** Go's time.Time formatting in these messages (RFC 3339, UTC). */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface GoVerifyOptions {
  now: number;
  /** The name dialled: a DNS name or an IP literal (as in https://127.0.0.1:2379). */
  serverName?: string;
  /** What the leaf must be good for (ExtKeyUsage in Go's VerifyOptions). */
  usage?: 'serverAuth' | 'clientAuth';
  intermediates?: Certificate[];
}

const isIp = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');

/** Go's net.IP.String() for the names we print. */
function goHostnameError(cert: Certificate, host: string): string | undefined {
  const sans = certificateSans(cert);
  const want = host.replace(/^\[|\]$/g, '');
  if (isIp(want)) {
    if (sans.ip.length === 0) return `x509: cannot validate certificate for ${want} because it doesn't contain any IP SANs`;
    if (sans.ip.includes(want)) return undefined;
    return `x509: certificate is valid for ${sans.ip.join(', ')}, not ${want}`;
  }
  const lower = want.toLowerCase().replace(/\.$/, '');
  const match = sans.dns.some((p) => {
    const pat = p.toLowerCase();
    if (pat === lower) return true;
    return pat.startsWith('*.') && lower.includes('.') && lower.slice(lower.indexOf('.')) === pat.slice(1);
  });
  if (match) return undefined;
  if (sans.dns.length === 0) {
    const hasCn = cert.subject.rdns.some((r) => r.some((a) => a.oid === '2.5.4.3'));
    if (hasCn) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
    return `x509: certificate is not valid for any names, but wanted to match ${want}`;
  }
  return `x509: certificate is valid for ${sans.dns.join(', ')}, not ${want}`;
}

/** undefined when Go would accept `cert` for these options, else Go's error text. */
export function goVerifyError(cert: Certificate, roots: Certificate[], opts: GoVerifyOptions): string | undefined {
  if (opts.now > cert.notAfter.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(opts.now)} is after ${rfc3339(cert.notAfter.getTime())}`;
  }
  if (opts.now < cert.notBefore.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(opts.now)} is before ${rfc3339(cert.notBefore.getTime())}`;
  }
  if (opts.serverName !== undefined) {
    const e = goHostnameError(cert, opts.serverName);
    if (e) return e;
  }
  // Go treats every certificate in Roots as an anchor, self-signed or not.
  const r = verifyCertificate(cert, roots, { now: opts.now, untrusted: opts.intermediates ?? [], partialChain: true });
  if (!r.ok) {
    if (r.code === 79 || r.code === 32) return 'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "' + (r.cert.subject.rdns.flat().find((a) => a.oid === '2.5.4.3')?.value ?? '') + '")';
    if (r.code === 10 || r.code === 9) {
      const c = r.cert;
      const after = opts.now > c.notAfter.getTime();
      return `x509: certificate has expired or is not yet valid: current time ${rfc3339(opts.now)} is ${after ? 'after' : 'before'} ${rfc3339((after ? c.notAfter : c.notBefore).getTime())}`;
    }
    return 'x509: certificate signed by unknown authority';
  }
  if (opts.usage) {
    const want = opts.usage === 'serverAuth' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2';
    for (const c of r.chain) {
      const eku = findExtension(c.extensions, OID.extKeyUsage);
      if (!eku) continue;
      const list = parseExtKeyUsage(eku.value);
      if (!list.includes(want) && !list.includes('2.5.29.37.0')) return 'x509: certificate specifies an incompatible key usage';
    }
  }
  return undefined;
}
