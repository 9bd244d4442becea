// Chain verification with OpenSSL's error numbers and words, so `openssl verify`, the
// TLS handshakes' diagnostics and lab checks all say the same thing about a certificate.
import { certificateKeyId, certificateSans, findExtension, verifyCertificateSignature, type Certificate } from './certificate.ts';
import { decodeDer, children } from './der.ts';
import { parseBasicConstraints, parseExtKeyUsage, parseKeyUsage } from './extensions.ts';
import { sameName } from './name.ts';
import { OID } from './oids.ts';

export const VERIFY_ERRORS: Record<number, string> = {
  0: 'ok',
  2: 'unable to get issuer certificate',
  7: 'certificate signature failure',
  9: 'certificate is not yet valid',
  10: 'certificate has expired',
  18: 'self-signed certificate',
  19: 'self-signed certificate in certificate chain',
  20: 'unable to get local issuer certificate',
  21: 'unable to verify the first certificate',
  24: 'invalid CA certificate',
  32: 'key usage does not include certificate signing',
  79: 'invalid CA certificate',
  26: 'unsuitable certificate purpose',
  62: 'hostname mismatch',
  64: 'IP address mismatch',
};

export type Purpose = 'sslserver' | 'sslclient' | 'any';

export interface VerifyOptions {
  untrusted?: Certificate[];
  /** Milliseconds since the epoch. */
  now: number;
  purpose?: Purpose;
  /** Check the leaf's SANs (or CN when it has no DNS SANs) for this host name. */
  hostname?: string;
  ip?: string;
  /** Accept a trusted certificate that is not self-signed as the end of the chain (-partial_chain). */
  partialChain?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  /** OpenSSL X509_V_ERR number (0 when ok). */
  code: number;
  /** Its text ("unable to get local issuer certificate"). */
  error: string;
  /** Depth in the chain where it failed (0 = the certificate itself). */
  depth: number;
  /** The certificate at that depth. */
  cert: Certificate;
  /** The chain built, leaf first. */
  chain: Certificate[];
  /** Further errors the verify callback would also report (OpenSSL carries on after the first). */
  more?: { code: number; error: string; depth: number }[];
}

const selfIssued = (c: Certificate) => sameName(c.subject, c.issuer);

function akiKeyId(c: Certificate): Buffer | undefined {
  const e = findExtension(c.extensions, OID.authorityKeyIdentifier);
  if (!e) return undefined;
  try {
    const k = children(decodeDer(e.value)).find((p) => p.tag === 0 && p.cls === 2);
    return k ? Buffer.from(k.content) : undefined;
  } catch {
    return undefined;
  }
}

/** Could `issuer` have issued `child`? (names, and key identifiers when both say.) */
function couldIssue(issuer: Certificate, child: Certificate): boolean {
  if (!sameName(issuer.subject, child.issuer)) return false;
  const aki = akiKeyId(child);
  const ski = findExtension(issuer.extensions, OID.subjectKeyIdentifier);
  if (aki && ski && !certificateKeyId(issuer).equals(aki)) return false;
  return true;
}

/** Why a certificate cannot act as a CA: 79 (not a CA at all), 32 (a CA without keyCertSign), or 0. */
function caProblem(c: Certificate): number {
  if (!isCaByConstraints(c)) return 79;
  const ku = findExtension(c.extensions, OID.keyUsage);
  if (ku && !(parseKeyUsage(ku.value) & (1 << 5))) return 32;
  return 0;
}

function isCaByConstraints(c: Certificate): boolean {
  const bc = findExtension(c.extensions, OID.basicConstraints);
  if (bc) {
    try {
      if (!parseBasicConstraints(bc.value).ca) return false;
    } catch {
      return false;
    }
  } else if (c.version >= 2 || !selfIssued(c)) {
    // v3 without basicConstraints: not a CA (OpenSSL 3 is strict); v1 self-signed roots are accepted.
    return c.version < 2 && selfIssued(c);
  }
  return true;
}

function purposeOk(c: Certificate, purpose: Purpose): boolean {
  if (purpose === 'any') return true;
  const eku = findExtension(c.extensions, OID.extKeyUsage);
  if (eku) {
    const want = purpose === 'sslserver' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2';
    const list = parseExtKeyUsage(eku.value);
    if (!list.includes(want) && !list.includes('2.5.29.37.0')) return false;
  }
  const ku = findExtension(c.extensions, OID.keyUsage);
  if (ku) {
    const bits = parseKeyUsage(ku.value);
    // TLS needs digitalSignature (or keyEncipherment / keyAgreement for older key exchanges).
    if (!(bits & 0b10101)) return false;
  }
  return true;
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (p.startsWith('*.')) {
    const rest = p.slice(1);
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot) === rest;
  }
  return false;
}

/** Builds a chain from `leaf` to one of `trusted` and checks it the way X509_verify_cert does. */
export function verifyCertificate(leaf: Certificate, trusted: Certificate[], opts: VerifyOptions): VerifyResult {
  const chain: Certificate[] = [leaf];
  const fail = (code: number, depth: number): VerifyResult => ({
    ok: false,
    code,
    error: VERIFY_ERRORS[code] ?? `error ${code}`,
    depth,
    cert: chain[Math.min(depth, chain.length - 1)]!,
    chain,
  });
  const isTrusted = (c: Certificate) => trusted.some((t) => t.der.equals(c.der));
  const untrusted = opts.untrusted ?? [];
  let anchored = false;
  for (let guard = 0; guard < 32; guard++) {
    const cur = chain[chain.length - 1]!;
    if (isTrusted(cur) && selfIssued(cur)) {
      anchored = true;
      break;
    }
    if (opts.partialChain && isTrusted(cur)) {
      anchored = true;
      break;
    }
    const fromTrusted = trusted.find((t) => couldIssue(t, cur) && !chain.includes(t));
    if (fromTrusted) {
      chain.push(fromTrusted);
      if (selfIssued(fromTrusted) || opts.partialChain) {
        anchored = true;
        break;
      }
      continue;
    }
    if (selfIssued(cur) && verifyCertificateSignature(cur, cur.publicKey)) {
      return fail(chain.length === 1 ? 18 : 19, chain.length - 1);
    }
    const fromUntrusted = untrusted.find((u) => couldIssue(u, cur) && !chain.includes(u));
    if (fromUntrusted) {
      chain.push(fromUntrusted);
      continue;
    }
    // A trusted intermediate whose own issuer is missing: "unable to get issuer certificate"
    // (only -partial_chain lets it end the chain).
    return fail(chain.length === 1 ? 20 : 2, chain.length - 1);
  }
  if (!anchored) return fail(20, chain.length - 1);

  // CA flags of every issuer, then purpose of the leaf, as check_chain_extensions does.
  for (let d = 1; d < chain.length; d++) {
    const problem = caProblem(chain[d]!);
    // OpenSSL 3.0 reports a CA without keyCertSign as both "invalid CA" (79) and 32.
    if (problem === 32) return { ...fail(79, d), more: [{ code: 32, error: VERIFY_ERRORS[32]!, depth: d }] };
    if (problem) return fail(problem, d);
  }
  if (opts.purpose && !purposeOk(leaf, opts.purpose)) return fail(26, 0);

  if (opts.hostname !== undefined) {
    const sans = certificateSans(leaf);
    const names = sans.dns.length ? sans.dns : leaf.subject.rdns.flat().filter((a) => a.oid === '2.5.4.3').map((a) => a.value);
    if (!names.some((n) => hostMatches(n, opts.hostname!))) return fail(62, 0);
  }
  if (opts.ip !== undefined) {
    const want = opts.ip;
    if (!certificateSans(leaf).ip.some((i) => i === want)) return fail(64, 0);
  }
  // Signatures and validity, from the top of the chain down (internal_verify).
  for (let d = chain.length - 1; d >= 0; d--) {
    const c = chain[d]!;
    const issuer = chain[Math.min(d + 1, chain.length - 1)]!;
    if (d < chain.length - 1 || !isTrusted(c)) {
      if (!verifyCertificateSignature(c, issuer.publicKey)) return fail(7, d);
    }
    if (opts.now < c.notBefore.getTime()) return fail(9, d);
    if (opts.now > c.notAfter.getTime()) return fail(10, d);
  }

  return { ok: true, code: 0, error: 'ok', depth: 0, cert: leaf, chain };
}

/** The short form lab checks and etcd use: is `cert` issued (directly or through `caCerts`) by a trusted CA, valid at `now`? */
export function verifyChain(cert: Certificate, caCerts: Certificate[], now: number): { ok: boolean; error: string | undefined } {
  const r = verifyCertificate(cert, caCerts, { now });
  return { ok: r.ok, error: r.ok ? undefined : r.error };
}
