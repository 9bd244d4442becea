// DER in and out. Encoding goes through node-forge's ASN.1 builder; decoding is a small
// TLV reader of our own because certificate checks need the exact bytes of each part
// (the signed TBSCertificate, the issuer Name as the CA wrote it, the public key).
import forge from 'node-forge';

const asn1 = forge.asn1;
type Node = forge.asn1.Asn1;

export const binToBuf = (s: string): Buffer => Buffer.from(s, 'binary');
export const bufToBin = (b: Uint8Array): string => Buffer.from(b).toString('binary');

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One decoded TLV with its place in the input buffer. */
export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  /** The whole element (header + content). */
  raw: Buffer;
  /** Just the content octets. */
  content: Buffer;
}

/** Reads one element at `offset`; returns it and the offset after it. */
export function readTlv(buf: Buffer, offset = 0): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('too short');
  const first = buf[offset]!;
  let tag = first & 0x1f;
  let p = offset + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      const b = buf[p++];
      if (b === undefined) throw new DerError('bad tag');
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const lenByte = buf[p++];
  if (lenByte === undefined) throw new DerError('too short');
  let len = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[p++];
      if (b === undefined) throw new DerError('too short');
      len = len * 256 + b;
    }
  }
  const end = p + len;
  if (end > buf.length) throw new DerError('header too long');
  return {
    tlv: { cls: first >> 6, constructed: (first & 0x20) !== 0, tag, raw: buf.subarray(offset, end), content: buf.subarray(p, end) },
    next: end,
  };
}

/** Decodes exactly one element filling the whole buffer. */
export function decodeDer(buf: Buffer): Tlv {
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) throw new DerError('trailing data');
  return tlv;
}

/** The children of a constructed element. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < t.content.length) {
    const { tlv, next } = readTlv(t.content, off);
    out.push(tlv);
    off = next;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.cls !== 0 || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

export function readOid(t: Tlv): string {
  if (t.cls !== 0 || t.tag !== 6) throw new DerError('expected OBJECT IDENTIFIER');
  return asn1.derToOid(bufToBin(t.content));
}

/** String value of a DirectoryString / IA5String / PrintableString … */
export function readString(t: Tlv): string {
  if (t.tag === 30) {
    // BMPString: UTF-16BE
    let s = '';
    for (let i = 0; i + 1 < t.content.length; i += 2) s += String.fromCharCode((t.content[i]! << 8) | t.content[i + 1]!);
    return s;
  }
  if (t.tag === 12) return t.content.toString('utf8');
  return t.content.toString('latin1');
}

/** UTCTime or GeneralizedTime to a Date. */
export function readTime(t: Tlv): Date {
  const s = t.content.toString('latin1');
  if (t.tag === 23) return asn1.utcTimeToDate(s);
  if (t.tag === 24) return asn1.generalizedTimeToDate(s);
  throw new DerError('expected Time');
}

// ---- building, with forge ----

export type Der = Node;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const seq = (...items: Node[]): Node => asn1.create(U, T.SEQUENCE, true, items);
export const set = (...items: Node[]): Node => asn1.create(U, T.SET, true, items);
export const oid = (dotted: string): Node => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
export const nul = (): Node => asn1.create(U, T.NULL, false, '');
export const bool = (v: boolean): Node => asn1.create(U, T.BOOLEAN, false, v ? '\xff' : '\x00');
export const octets = (b: Uint8Array): Node => asn1.create(U, T.OCTETSTRING, false, bufToBin(b));
export const bitString = (b: Uint8Array, unusedBits = 0): Node =>
  asn1.create(U, T.BITSTRING, false, String.fromCharCode(unusedBits) + bufToBin(b));
export const utf8 = (s: string): Node => asn1.create(U, T.UTF8, false, bufToBin(Buffer.from(s, 'utf8')));
export const printable = (s: string): Node => asn1.create(U, T.PRINTABLESTRING, false, s);
export const ia5 = (s: string): Node => asn1.create(U, T.IA5STRING, false, s);
/** A context-specific element: explicit wrapper (constructed) or implicit primitive bytes. */
export const ctx = (n: number, content: Node[] | Uint8Array): Node =>
  Array.isArray(content) ? asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, true, content) : asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, false, bufToBin(content));
/** Already-encoded DER dropped in as is (forge re-parses it; it is DER so it round-trips). */
export const raw = (der: Uint8Array): Node => (asn1.fromDer as unknown as (b: string, o: object) => Node)(bufToBin(der), { decodeBitStrings: false });

/** INTEGER from unsigned magnitude bytes (adds the 00 sign byte when needed). */
export function uint(bytes: Uint8Array): Node {
  let b = Buffer.from(bytes);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return asn1.create(U, T.INTEGER, false, bufToBin(b));
}
export const smallInt = (n: number): Node => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());

/** Time as X.509 wants it: UTCTime through 2049, GeneralizedTime after. */
export function time(d: Date): Node {
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d));
  return asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

export function encode(n: Node): Buffer {
  return binToBuf(asn1.toDer(n).getBytes());
}
