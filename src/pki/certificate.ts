// X.509 certificates and PKCS#10 requests: decoding (keeping the exact signed bytes),
// building and signing. Encoding choices follow OpenSSL 3 so that certificates made here
// and by the real openssl look alike to any reader.
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, children, ctx, decodeDer, encode, expect, nul, oid, raw, readOid, readTime, seq, set, smallInt, time, uint, DerError, type Der, type Tlv } from './der.ts';
import { extensionNode, keyIdentifier, parseBasicConstraints, parseGeneralNames, type Extension } from './extensions.ts';
import { publicKeyFromSpki, signData, signatureOidFor, spkiDer, spkiKeyBits, verifyData, type PrivateKey } from './keys.ts';
import { parseNameTlv, type DistinguishedName } from './name.ts';
import { OID, signatureAlgorithmByOid } from './oids.ts';
import { CERT_LABELS, CSR_LABELS, pemBlocks, toPem } from './pem.ts';

export interface Certificate {
  der: Buffer;
  tbs: Buffer;
  /** 0 = v1, 2 = v3. */
  version: number;
  /** Serial number as unsigned big-endian bytes (no sign byte). */
  serial: Buffer;
  signatureOid: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  publicKey: KeyObject;
  extensions: Extension[];
  signature: Buffer;
}

export interface CertificateRequest {
  der: Buffer;
  info: Buffer;
  version: number;
  subject: DistinguishedName;
  spki: Buffer;
  publicKey: KeyObject;
  /** Extensions from the extensionRequest attribute. */
  extensions: Extension[];
  signatureOid: string;
  signature: Buffer;
}

function integerBytes(t: Tlv): Buffer {
  expect(t, 2, 'INTEGER');
  let b = t.content;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return Buffer.from(b);
}

function parseAlgorithm(t: Tlv | undefined): string {
  return readOid(children(expect(t, 16, 'AlgorithmIdentifier'))[0]!);
}

function parseExtensionsSeq(t: Tlv): Extension[] {
  return children(expect(t, 16, 'Extensions')).map((e) => {
    const parts = children(expect(e, 16, 'Extension'));
    const id = readOid(parts[0]!);
    const critical = parts.length === 3 && parts[1]!.tag === 1 && parts[1]!.content[0] !== 0;
    const value = expect(parts[parts.length - 1], 4, 'OCTET STRING').content;
    return { oid: id, critical, value: Buffer.from(value) };
  });
}

export function parseCertificateDer(der: Buffer): Certificate {
  const top = children(expect(decodeDer(der), 16, 'Certificate'));
  const tbsTlv = expect(top[0], 16, 'TBSCertificate');
  const sigBits = expect(top[2], 3, 'BIT STRING');
  let fields = children(tbsTlv);
  let version = 0;
  if (fields[0]?.cls === 2 && fields[0].tag === 0) {
    version = children(fields[0])[0]!.content[0] ?? 0;
    fields = fields.slice(1);
  }
  const [serialT, sigAlgT, issuerT, validityT, subjectT, spkiT, ...rest] = fields;
  const validity = children(expect(validityT, 16, 'Validity'));
  const spki = Buffer.from(expect(spkiT, 16, 'SubjectPublicKeyInfo').raw);
  let extensions: Extension[] = [];
  for (const r of rest) if (r.cls === 2 && r.tag === 3) extensions = parseExtensionsSeq(children(r)[0]!);
  return {
    der: Buffer.from(der),
    tbs: Buffer.from(tbsTlv.raw),
    version,
    serial: integerBytes(serialT!),
    signatureOid: parseAlgorithm(sigAlgT),
    issuer: parseNameTlv(issuerT!),
    subject: parseNameTlv(subjectT!),
    notBefore: readTime(validity[0]!),
    notAfter: readTime(validity[1]!),
    spki,
    publicKey: publicKeyFromSpki(spki),
    extensions,
    signature: Buffer.from(sigBits.content.subarray(1)),
  };
}

/** The first certificate in PEM text (or undefined when there is none or it does not decode). */
export function parseCertificatePem(text: string): Certificate | undefined {
  return parseCertificatesPem(text)[0];
}

/** Every certificate in a PEM bundle, in order; undecodable blocks are skipped. */
export function parseCertificatesPem(text: string): Certificate[] {
  const out: Certificate[] = [];
  for (const b of pemBlocks(text, CERT_LABELS)) {
    try {
      out.push(parseCertificateDer(b.der));
    } catch {
      // a damaged block is as good as none
    }
  }
  return out;
}

export function certificatePem(c: Certificate): string {
  return toPem('CERTIFICATE', c.der);
}

export function parseCsrDer(der: Buffer): CertificateRequest {
  const top = children(expect(decodeDer(der), 16, 'CertificationRequest'));
  const infoT = expect(top[0], 16, 'CertificationRequestInfo');
  const [versionT, subjectT, spkiT, attrsT] = children(infoT);
  const spki = Buffer.from(expect(spkiT, 16, 'SubjectPublicKeyInfo').raw);
  let extensions: Extension[] = [];
  if (attrsT && attrsT.cls === 2 && attrsT.tag === 0) {
    for (const attr of children(attrsT)) {
      const [typeT, valuesT] = children(attr);
      if (readOid(typeT!) === OID.extensionRequest) {
        const first = children(valuesT!)[0];
        if (first) extensions = parseExtensionsSeq(first);
      }
    }
  }
  return {
    der: Buffer.from(der),
    info: Buffer.from(infoT.raw),
    version: versionT!.content[0] ?? 0,
    subject: parseNameTlv(subjectT!),
    spki,
    publicKey: publicKeyFromSpki(spki),
    extensions,
    signatureOid: parseAlgorithm(top[1]),
    signature: Buffer.from(expect(top[2], 3, 'BIT STRING').content.subarray(1)),
  };
}

export function parseCsrPem(text: string): CertificateRequest | undefined {
  const b = pemBlocks(text, CSR_LABELS)[0];
  if (!b) return undefined;
  try {
    return parseCsrDer(b.der);
  } catch {
    return undefined;
  }
}

export function csrPem(r: CertificateRequest): string {
  return toPem('CERTIFICATE REQUEST', r.der);
}

function algorithmNode(sigOid: string): Der {
  const alg = signatureAlgorithmByOid(sigOid);
  return alg?.nullParams ? seq(oid(sigOid), nul()) : seq(oid(sigOid));
}

function signed(tbs: Buffer, sigOid: string, key: PrivateKey): Buffer {
  const alg = signatureAlgorithmByOid(sigOid);
  const sig = signData(key, alg?.hash, tbs);
  return encode(seq(raw(tbs), algorithmNode(sigOid), bitString(sig)));
}

export interface CsrSpec {
  subject: DistinguishedName;
  key: PrivateKey;
  digest: string;
  extensions: Extension[];
}

export function createCsr(spec: CsrSpec): CertificateRequest {
  const sigOid = signatureOidFor(spec.key, spec.digest);
  const attrs: Der[] = [];
  if (spec.extensions.length) {
    attrs.push(seq(oid(OID.extensionRequest), set(seq(...spec.extensions.map(extensionNode)))));
  }
  const info = encode(seq(smallInt(0), raw(spec.subject.der), raw(spkiDer(spec.key.publicKey)), ctx(0, attrs)));
  return parseCsrDer(signed(info, sigOid, spec.key));
}

export interface CertificateSpec {
  serial: Buffer;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Extension[];
  signingKey: PrivateKey;
  digest: string;
}

/** Builds and signs a certificate: v3 when it has extensions, v1 otherwise (as OpenSSL 3.0 does). */
export function createCertificate(spec: CertificateSpec): Certificate {
  const sigOid = signatureOidFor(spec.signingKey, spec.digest);
  const fields: Der[] = [];
  if (spec.extensions.length) fields.push(ctx(0, [smallInt(2)]));
  fields.push(
    uint(spec.serial),
    algorithmNode(sigOid),
    raw(spec.issuer.der),
    seq(time(spec.notBefore), time(spec.notAfter)),
    raw(spec.subject.der),
    raw(spec.spki),
  );
  if (spec.extensions.length) fields.push(ctx(3, [seq(...spec.extensions.map(extensionNode))]));
  return parseCertificateDer(signed(encode(seq(...fields)), sigOid, spec.signingKey));
}

/** A random positive serial of 20 bytes (159 bits), as OpenSSL 3 picks one. */
export function randomSerial(): Buffer {
  const b = randomBytes(20);
  b[0] = b[0]! & 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

export function verifyCertificateSignature(cert: Certificate, issuerKey: KeyObject): boolean {
  return verifyData(issuerKey, signatureAlgorithmByOid(cert.signatureOid)?.hash, cert.tbs, cert.signature);
}

export function verifyCsrSignature(r: CertificateRequest): boolean {
  return verifyData(r.publicKey, signatureAlgorithmByOid(r.signatureOid)?.hash, r.info, r.signature);
}

export function findExtension(exts: Extension[], oidStr: string): Extension | undefined {
  return exts.find((e) => e.oid === oidStr);
}

/** Subject alternative names, split by kind. */
export function certificateSans(cert: Certificate): { dns: string[]; ip: string[]; email: string[]; uri: string[] } {
  const out = { dns: [] as string[], ip: [] as string[], email: [] as string[], uri: [] as string[] };
  const e = findExtension(cert.extensions, OID.subjectAltName);
  if (!e) return out;
  for (const n of parseGeneralNames(decodeDer(e.value))) {
    if (n.type === 'DNS') out.dns.push(n.value);
    else if (n.type === 'IP') out.ip.push(normalizeIp(n.value));
    else if (n.type === 'email') out.email.push(n.value);
    else if (n.type === 'URI') out.uri.push(n.value);
  }
  return out;
}

/** "0:0:0:0:0:0:0:1" → "::1"; IPv4 unchanged. */
function normalizeIp(v: string): string {
  if (!v.includes(':')) return v;
  const groups = v.split(':').map((g) => g.toLowerCase());
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function isCa(cert: Certificate): boolean {
  const e = findExtension(cert.extensions, OID.basicConstraints);
  if (!e) return false;
  try {
    return parseBasicConstraints(e.value).ca;
  } catch {
    return false;
  }
}

/** The subjectKeyIdentifier if present, else the SHA-1 of the key (what OpenSSL falls back to). */
export function certificateKeyId(cert: Certificate): Buffer {
  const e = findExtension(cert.extensions, OID.subjectKeyIdentifier);
  if (e) {
    try {
      return Buffer.from(decodeDer(e.value).content);
    } catch {
      // fall through
    }
  }
  return keyIdentifier(spkiKeyBits(cert.spki));
}

export { DerError };
