// Certificates and keys on a lab host, read from its disk and judged with src/pki: is it
// a CA, does it chain to the CA, which SANs does it lack, does the key belong to it, who
// can read it. Each answer is a sentence a failing check can show as it is.
import { bytesToString } from '../../src/platform/filesystem.ts';
import { certificateSans, formatName, isCa, isSelfSigned, keyMatchesCert, parseCertificatePem, verifyCertificate, type Certificate, type Purpose } from '../../src/pki/index.ts';
import type { Host } from '../../src/sandbox/types.ts';

export type Loaded<T> = { ok: true; value: T; text: string } | { ok: false; problem: string };

function readText(host: Host, path: string): { ok: true; text: string } | { ok: false; problem: string } {
  try {
    const st = host.rootFs.stat(path);
    if (st.type !== 'file') return { ok: false, problem: `${path} is not a file` };
    return { ok: true, text: bytesToString(host.rootFs.readFile(path)) };
  } catch {
    return { ok: false, problem: `${path} does not exist` };
  }
}

export function loadCertificate(host: Host, path: string): Loaded<Certificate> {
  const r = readText(host, path);
  if (!r.ok) return r;
  const cert = parseCertificatePem(r.text);
  if (!cert) return { ok: false, problem: `${path} holds no PEM certificate (${r.text.trim() ? 'it has no -----BEGIN CERTIFICATE----- block that parses' : 'it is empty'})` };
  return { ok: true, value: cert, text: r.text };
}

/** The private key at keyPath belongs to the certificate text; a sentence when not. */
export function keyProblem(host: Host, keyPath: string, cert: { text: string; path: string }): string | undefined {
  const r = readText(host, keyPath);
  if (!r.ok) return r.problem;
  if (!/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(r.text)) return `${keyPath} holds no PEM private key`;
  if (!keyMatchesCert(r.text, cert.text)) return `${keyPath} is not the key of ${cert.path}: the certificate carries a different public key`;
  return undefined;
}

/** A self-signed certificate with basicConstraints CA:TRUE. */
export function caProblem(cert: Certificate, path: string): string | undefined {
  if (!isSelfSigned(cert)) return `${path} (subject ${formatName(cert.subject)}) is not self-signed: its issuer is ${formatName(cert.issuer)}`;
  if (!isCa(cert)) return `${path} is self-signed but has no basicConstraints CA:TRUE, so it cannot sign other certificates`;
  return undefined;
}

/** Chains to the CA (OpenSSL's verdict and words), for a purpose when given. */
export function chainProblem(cert: Certificate, path: string, ca: Certificate, caPath: string, now: number, purpose?: Purpose): string | undefined {
  const r = verifyCertificate(cert, [ca], { now, ...(purpose ? { purpose } : {}) });
  if (r.ok) return undefined;
  return `${path} does not verify against ${caPath}: ${r.error} (issuer ${formatName(cert.issuer)}, CA subject ${formatName(ca.subject)})`;
}

export interface SanCoverage {
  dns: string[];
  ip: string[];
  missing: string[];
}

/** Which of the wanted names (DNS names and IPs) the certificate's SANs lack. */
export function sanCoverage(cert: Certificate, wanted: { dns: string[]; ip: string[] }): SanCoverage {
  const sans = certificateSans(cert);
  const dns = sans.dns.map((d) => d.toLowerCase());
  const missing = [...wanted.dns.filter((d) => !dns.includes(d.toLowerCase())).map((d) => `DNS:${d}`), ...wanted.ip.filter((i) => !sans.ip.includes(i)).map((i) => `IP:${i}`)];
  return { dns: sans.dns, ip: sans.ip, missing };
}

export function describeSans(c: { dns: string[]; ip: string[] }): string {
  const all = [...c.dns.map((d) => `DNS:${d}`), ...c.ip.map((i) => `IP Address:${i}`)];
  return all.length ? all.join(', ') : 'no subjectAltName at all';
}

/** Can this user open the file for reading (the host's permission rules, as the user's processes meet them)? */
export function readProblem(host: Host, user: string, path: string): string | undefined {
  const cred = host.users.credentials(user);
  if (!cred) return `there is no user ${user}`;
  try {
    host.fsFor(cred).readFile(path);
    return undefined;
  } catch {
    try {
      const st = host.rootFs.stat(path);
      const owner = host.users.byUid(st.uid)?.name ?? String(st.uid);
      const group = host.users.groupByGid(st.gid)?.name ?? String(st.gid);
      return `${user} cannot read ${path} (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}, owner ${owner}:${group})`;
    } catch {
      return `${path} does not exist`;
    }
  }
}
