// Private and public keys. Generation, parsing and signing use node:crypto (OpenSSL
// underneath, so RSA-4096 takes a moment instead of forge's pure-JS minutes); the PEM it
// writes is byte-for-byte the PKCS#8 / SPKI that openssl 3 writes.
import { createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { children, decodeDer, readOid } from './der.ts';
import { CURVES, OID } from './oids.ts';

export type KeyType = 'rsa' | 'ec' | 'ed25519';

export interface PrivateKey {
  type: KeyType;
  key: KeyObject;
  publicKey: KeyObject;
  /** RSA modulus / EC field size in bits. */
  bits: number;
}

export function generateRsaKey(bits: number, publicExponent = 65537): PrivateKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent });
  return { type: 'rsa', key: privateKey, publicKey, bits };
}

/**
 * The same, off the event loop (libuv's thread pool): a 4096-bit key takes a second or
 * more, and other terminals on the lab server must not freeze meanwhile.
 */
export function generateRsaKeyAsync(bits: number, publicExponent = 65537): Promise<PrivateKey> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ type: 'rsa', key: privateKey, publicKey, bits });
    });
  });
}

export function generateEcKey(curve: string): PrivateKey {
  const c = CURVES.find((x) => x.name === curve || x.nist === curve);
  if (!c) throw new Error(`unknown curve ${curve}`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: c.nodeName });
  return { type: 'ec', key: privateKey, publicKey, bits: c.bits };
}

export function generateEd25519Key(): PrivateKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { type: 'ed25519', key: privateKey, publicKey, bits: 256 };
}

function describe(key: KeyObject): { type: KeyType; bits: number } {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return { type: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  if (t === 'ec') {
    const c = CURVES.find((x) => x.nodeName === key.asymmetricKeyDetails?.namedCurve);
    return { type: 'ec', bits: c?.bits ?? 256 };
  }
  if (t === 'ed25519') return { type: 'ed25519', bits: 256 };
  throw new Error(`unsupported key type ${t}`);
}

/** True when the text holds a PEM private key block of a kind we read. */
export function findPrivateKeyPem(text: string): string | undefined {
  const m = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END \1?PRIVATE KEY-----/.exec(text);
  return m?.[0];
}

/** Parses a PEM (PKCS#8, PKCS#1 or SEC1) private key; undefined when there is none. */
export function parsePrivateKeyPem(text: string, passphrase?: string): PrivateKey | undefined {
  const pem = findPrivateKeyPem(text);
  if (!pem) return undefined;
  try {
    const key = createPrivateKey(passphrase === undefined ? { key: pem } : { key: pem, passphrase });
    const { type, bits } = describe(key);
    return { type, key, publicKey: createPublicKey(key), bits };
  } catch {
    return undefined;
  }
}

/** A DER private key (PKCS#8, PKCS#1 or SEC1), for -inform DER. */
export function parsePrivateKeyDer(der: Buffer): PrivateKey | undefined {
  if (der[0] !== 0x30) return undefined;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      const key = createPrivateKey({ key: der, format: 'der', type });
      const { type: t, bits } = describe(key);
      return { type: t, key, publicKey: createPublicKey(key), bits };
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

export function parsePublicKeyPem(text: string): KeyObject | undefined {
  const m = /-----BEGIN (RSA )?PUBLIC KEY-----[\s\S]*?-----END \1?PUBLIC KEY-----/.exec(text);
  if (!m) return undefined;
  try {
    return createPublicKey(m[0]);
  } catch {
    return undefined;
  }
}

export function publicKeyFromSpki(spkiDer: Buffer): KeyObject {
  return createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
}

/** PKCS#8 "BEGIN PRIVATE KEY", what openssl 3's genrsa/genpkey/rsa write. */
export function privateKeyPem(k: PrivateKey): string {
  return k.key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The traditional form (-traditional): "BEGIN RSA PRIVATE KEY" / "BEGIN EC PRIVATE KEY". */
export function traditionalPrivateKeyPem(k: PrivateKey): string {
  if (k.type === 'rsa') return k.key.export({ type: 'pkcs1', format: 'pem' }).toString();
  if (k.type === 'ec') return k.key.export({ type: 'sec1', format: 'pem' }).toString();
  return privateKeyPem(k);
}

export function publicKeyPem(pub: KeyObject): string {
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

export function spkiDer(pub: KeyObject): Buffer {
  return pub.export({ type: 'spki', format: 'der' });
}

/** The BIT STRING contents of an SPKI (the key itself), which key identifiers hash. */
export function spkiKeyBits(spki: Buffer): Buffer {
  const parts = children(decodeDer(spki));
  const bits = parts[1];
  if (!bits || bits.tag !== 3) throw new Error('bad SubjectPublicKeyInfo');
  return bits.content.subarray(1);
}

export function spkiAlgorithm(spki: Buffer): string {
  const alg = children(decodeDer(spki))[0];
  return readOid(children(alg!)[0]!);
}

export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return spkiDer(a).equals(spkiDer(b));
}

/** Signs `data` the way an X.509 signature with this key and digest is made. */
export function signData(k: PrivateKey, hash: string | undefined, data: Buffer): Buffer {
  if (k.type === 'ed25519') return cryptoSign(null, data, k.key);
  return cryptoSign(hash ?? 'sha256', data, k.key);
}

export function verifyData(pub: KeyObject, hash: string | undefined, data: Buffer, sig: Buffer): boolean {
  try {
    if (pub.asymmetricKeyType === 'ed25519') return cryptoVerify(null, data, pub, sig);
    return cryptoVerify(hash ?? 'sha256', data, pub, sig);
  } catch {
    return false;
  }
}

/** Signature algorithm OID for a key and digest name ("sha256"). */
export function signatureOidFor(k: PrivateKey | KeyObject, digest: string): string {
  const type = 'key' in k ? k.type : describe(k).type;
  if (type === 'ed25519') return OID.ed25519;
  if (type === 'ec') {
    return digest === 'sha384' ? OID.ecdsaWithSHA384 : digest === 'sha512' ? OID.ecdsaWithSHA512 : OID.ecdsaWithSHA256;
  }
  switch (digest) {
    case 'sha1':
      return OID.sha1WithRSA;
    case 'sha384':
      return OID.sha384WithRSA;
    case 'sha512':
      return OID.sha512WithRSA;
    default:
      return OID.sha256WithRSA;
  }
}

export function keyInfo(pub: KeyObject): { type: KeyType; bits: number } {
  return describe(pub);
}

const b64urlToBuf = (s: string): Buffer => Buffer.from(s, 'base64url');

/** RSA components, for -text and -modulus. */
export function rsaComponents(key: KeyObject): Record<'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi', Buffer | undefined> {
  const jwk = key.export({ format: 'jwk' });
  const get = (k: string): Buffer | undefined => {
    const v = (jwk as Record<string, unknown>)[k];
    return typeof v === 'string' ? b64urlToBuf(v) : undefined;
  };
  return { n: get('n'), e: get('e'), d: get('d'), p: get('p'), q: get('q'), dp: get('dp'), dq: get('dq'), qi: get('qi') };
}

/** "00:c1:36:…" in lines of 15 bytes, each prefixed by indent, as OpenSSL prints bignums. */
export function bignumLines(b: Buffer, indent: string): string[] {
  let bytes = b;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  const hex = [...bytes].map((x) => x.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 15) {
    const last = i + 15 >= hex.length;
    lines.push(indent + hex.slice(i, i + 15).join(':') + (last ? '' : ':'));
  }
  return lines;
}

/** A small integer the way OpenSSL prints it: "65537 (0x10001)". */
export function smallBignum(b: Buffer): string {
  const n = BigInt('0x' + (b.toString('hex') || '0'));
  return `${n} (0x${n.toString(16)})`;
}

/** -text of a private key, as `openssl rsa -text` / `openssl pkey -text` print it. */
export function privateKeyText(k: PrivateKey): string {
  if (k.type !== 'rsa') return nonRsaKeyText(k.key, k.bits, true);
  const c = rsaComponents(k.key);
  const out = [`Private-Key: (${k.bits} bit, 2 primes)`];
  const field = (label: string, v: Buffer | undefined) => {
    if (!v) return;
    out.push(`${label}:`, ...bignumLines(v, '    '));
  };
  field('modulus', c.n);
  out.push(`publicExponent: ${smallBignum(c.e ?? Buffer.alloc(0))}`);
  field('privateExponent', c.d);
  field('prime1', c.p);
  field('prime2', c.q);
  field('exponent1', c.dp);
  field('exponent2', c.dq);
  field('coefficient', c.qi);
  return out.join('\n') + '\n';
}

/** -text of a public key ("Public-Key: (2048 bit)\nModulus:\n…"). */
export function publicKeyText(pub: KeyObject): string {
  const { type, bits } = describe(pub);
  if (type !== 'rsa') return nonRsaKeyText(pub, bits, false);
  const c = rsaComponents(pub);
  return [`Public-Key: (${bits} bit)`, 'Modulus:', ...bignumLines(c.n!, '    '), `Exponent: ${smallBignum(c.e!)}`].join('\n') + '\n';
}

/** Uppercase hex modulus as -modulus prints it. */
export function rsaModulusHex(pub: KeyObject): string {
  const n = rsaComponents(pub).n!;
  let b = n;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b.toString('hex').toUpperCase();
}

/** Colon hex of raw octets, 15 a line (public points, Ed25519 keys). */
function octetLines(b: Buffer, indent: string): string[] {
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 15) lines.push(indent + hex.slice(i, i + 15).join(':') + (i + 15 < hex.length ? ':' : ''));
  return lines;
}

/** EC and Ed25519 keys as `openssl pkey -text` prints them. */
function nonRsaKeyText(key: KeyObject, bits: number, withPrivate: boolean): string {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string | undefined>;
  const b = (v: string | undefined) => Buffer.from(v ?? '', 'base64url');
  const out: string[] = [];
  if (key.asymmetricKeyType === 'ed25519') {
    out.push(withPrivate ? 'ED25519 Private-Key:' : 'ED25519 Public-Key:');
    if (withPrivate) out.push('priv:', ...octetLines(b(jwk['d']), '    '));
    out.push('pub:', ...octetLines(b(jwk['x']), '    '));
    return out.join('\n') + '\n';
  }
  const curve = CURVES.find((c) => c.nodeName === key.asymmetricKeyDetails?.namedCurve);
  out.push(withPrivate ? `Private-Key: (${bits} bit)` : `Public-Key: (${bits} bit)`);
  if (withPrivate) out.push('priv:', ...octetLines(b(jwk['d']), '    '));
  out.push('pub:', ...octetLines(Buffer.concat([Buffer.from([4]), b(jwk['x']), b(jwk['y'])]), '    '));
  out.push(`ASN1 OID: ${curve?.name ?? key.asymmetricKeyDetails?.namedCurve}`);
  if (curve?.nist) out.push(`NIST CURVE: ${curve.nist}`);
  return out.join('\n') + '\n';
}
