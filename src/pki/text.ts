// `-text` output of certificates and requests, in OpenSSL 3.0's layout.
import type { KeyObject } from 'node:crypto';
import type { Certificate, CertificateRequest } from './certificate.ts';
import { children, decodeDer, readOid } from './der.ts';
import { extensionLongName, formatExtensionValue, type Extension } from './extensions.ts';
import { bignumLines, keyInfo, rsaComponents, smallBignum, spkiAlgorithm } from './keys.ts';
import { formatName, type NameStyle } from './name.ts';
import { CURVES, OID, signatureAlgorithmByOid } from './oids.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** "Nov 21 09:22:32 2026 GMT", as ASN1_TIME_print writes it. */
export function formatTime(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

export function signatureAlgorithmName(oidStr: string): string {
  return signatureAlgorithmByOid(oidStr)?.name ?? oidStr;
}

export function serialLines(serial: Buffer, indent: string): string[] {
  if (serial.length <= 8 && !(serial.length === 8 && serial[0]! & 0x80)) {
    const n = BigInt('0x' + (serial.toString('hex') || '0'));
    return [` ${n} (0x${n.toString(16)})`];
  }
  return ['', indent + [...serial].map((b) => b.toString(16).padStart(2, '0')).join(':')];
}

/** Uppercase hex as -serial prints it ("serial=72E0…"). */
export function serialHex(serial: Buffer): string {
  const h = serial.toString('hex').toUpperCase();
  return h.length ? h : '00';
}

function publicKeyInfoLines(spki: Buffer, pub: KeyObject, indent: string): string[] {
  const alg = spkiAlgorithm(spki);
  const { bits } = keyInfo(pub);
  if (alg === OID.rsaEncryption) {
    const c = rsaComponents(pub);
    return [
      `${indent}Public Key Algorithm: rsaEncryption`,
      `${indent}    Public-Key: (${bits} bit)`,
      `${indent}    Modulus:`,
      ...bignumLines(c.n!, indent + '        '),
      `${indent}    Exponent: ${smallBignum(c.e!)}`,
    ];
  }
  const keyBits = children(decodeDer(spki))[1]!.content.subarray(1);
  if (alg === OID.ecPublicKey) {
    const params = children(children(decodeDer(spki))[0]!)[1];
    const curveOid = params ? decodeOidSafe(params.raw) : undefined;
    const curve = CURVES.find((c) => c.oid === curveOid);
    return [
      `${indent}Public Key Algorithm: id-ecPublicKey`,
      `${indent}    Public-Key: (${bits} bit)`,
      `${indent}    pub:`,
      ...hexBlock(keyBits, indent + '        ', 15),
      `${indent}    ASN1 OID: ${curve?.name ?? curveOid}`,
      ...(curve?.nist ? [`${indent}    NIST CURVE: ${curve.nist}`] : []),
    ];
  }
  return [`${indent}Public Key Algorithm: ED25519`, `${indent}    ED25519 Public-Key:`, `${indent}    pub:`, ...hexBlock(keyBits, indent + '        ', 15)];
}

function decodeOidSafe(raw: Buffer): string | undefined {
  try {
    const t = decodeDer(raw);
    return t.tag === 6 ? readOidContent(t.content) : undefined;
  } catch {
    return undefined;
  }
}
const readOidContent = (content: Buffer) => readOid({ cls: 0, constructed: false, tag: 6, raw: content, content });

/** Lowercase colon hex, `perLine` bytes a line, every line but the last ending in ':'. */
export function hexBlock(b: Buffer, indent: string, perLine: number): string[] {
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += perLine) {
    lines.push(indent + hex.slice(i, i + perLine).join(':') + (i + perLine < hex.length ? ':' : ''));
  }
  return lines;
}

export function extensionLines(e: Extension, indent: string): string[] {
  return [`${indent}${extensionLongName(e.oid)}: ${e.critical ? 'critical' : ''}`, ...formatExtensionValue(e).map((l) => `${indent}    ${l}`)];
}

export function certificateText(c: Certificate, nameStyle: NameStyle = 'oneline'): string {
  const sigName = signatureAlgorithmName(c.signatureOid);
  const lines = [
    'Certificate:',
    '    Data:',
    `        Version: ${c.version + 1} (0x${c.version.toString(16)})`,
  ];
  const serial = serialLines(c.serial, '            ');
  lines.push(`        Serial Number:${serial[0]}`, ...serial.slice(1));
  lines.push(
    `        Signature Algorithm: ${sigName}`,
    `        Issuer: ${formatName(c.issuer, nameStyle)}`,
    '        Validity',
    `            Not Before: ${formatTime(c.notBefore)}`,
    `            Not After : ${formatTime(c.notAfter)}`,
    `        Subject: ${formatName(c.subject, nameStyle)}`,
    '        Subject Public Key Info:',
    ...publicKeyInfoLines(c.spki, c.publicKey, '            '),
  );
  if (c.extensions.length) {
    lines.push('        X509v3 extensions:');
    for (const e of c.extensions) lines.push(...extensionLines(e, '            '));
  }
  lines.push(`    Signature Algorithm: ${sigName}`, '    Signature Value:', ...hexBlock(c.signature, '        ', 18));
  return lines.join('\n') + '\n';
}

export function csrText(r: CertificateRequest, nameStyle: NameStyle = 'oneline'): string {
  const sigName = signatureAlgorithmName(r.signatureOid);
  const lines = [
    'Certificate Request:',
    '    Data:',
    `        Version: ${r.version + 1} (0x${r.version.toString(16)})`,
    `        Subject: ${formatName(r.subject, nameStyle)}`,
    '        Subject Public Key Info:',
    ...publicKeyInfoLines(r.spki, r.publicKey, '            '),
    '        Attributes:',
  ];
  if (r.extensions.length === 0) lines.push('            (none)', '            Requested Extensions:');
  else {
    lines.push('            Requested Extensions:');
    for (const e of r.extensions) lines.push(...extensionLines(e, '                '));
  }
  lines.push(`    Signature Algorithm: ${sigName}`, '    Signature Value:', ...hexBlock(r.signature, '        ', 18));
  return lines.join('\n') + '\n';
}
