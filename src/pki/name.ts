// Distinguished names: parsed from -subj and config files, encoded as OpenSSL does under
// string_mask = utf8only, and printed in OpenSSL's -nameopt styles.
import { createHash } from 'node:crypto';
import { children, decodeDer, encode, expect, ia5, oid, printable, readOid, readString, seq, set, utf8, type Tlv } from './der.ts';
import { nameAttributeByName, nameAttributeByOid } from './oids.ts';

export interface NameAttribute {
  oid: string;
  value: string;
  /** Universal tag number it was (or will be) encoded with. */
  tag: number;
}

export interface DistinguishedName {
  /** Relative distinguished names in order; each usually holds one attribute. */
  rdns: NameAttribute[][];
  /** The DER as found in (or written to) the certificate. */
  der: Buffer;
}

const TAGS = { utf8: 12, printable: 19, ia5: 22 } as const;

export function attributeTag(oidStr: string): number {
  const t = nameAttributeByOid(oidStr);
  return t ? TAGS[t.tag] : 12;
}

export function buildName(rdns: NameAttribute[][]): DistinguishedName {
  const node = seq(
    ...rdns.map((rdn) =>
      set(
        ...rdn.map((a) => {
          const v = a.tag === 19 ? printable(a.value) : a.tag === 22 ? ia5(a.value) : utf8(a.value);
          return seq(oid(a.oid), v);
        }),
      ),
    ),
  );
  return { rdns, der: encode(node) };
}

export function parseNameTlv(t: Tlv): DistinguishedName {
  expect(t, 16, 'Name');
  const rdns: NameAttribute[][] = [];
  for (const rdnTlv of children(t)) {
    const rdn: NameAttribute[] = [];
    for (const atv of children(expect(rdnTlv, 17, 'RDN'))) {
      const [o, v] = children(expect(atv, 16, 'AttributeTypeAndValue'));
      if (!o || !v) throw new Error('bad AttributeTypeAndValue');
      rdn.push({ oid: readOid(o), value: readString(v), tag: v.tag });
    }
    rdns.push(rdn);
  }
  return { rdns, der: Buffer.from(t.raw) };
}

export function parseNameDer(der: Buffer): DistinguishedName {
  return parseNameTlv(decodeDer(der));
}

export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  // OpenSSL compares canonical encodings (case-folded, spaces squeezed); lower-case trimmed values are close enough for our uses.
  const canon = (n: DistinguishedName) =>
    n.rdns.map((r) => r.map((x) => `${x.oid}=${x.value.trim().toLowerCase().replace(/\s+/g, ' ')}`).join('+')).join('/');
  return canon(a) === canon(b);
}

export class SubjectSyntaxError extends Error {}

/**
 * Parses "/CN=etcd/O=etcd" as openssl's -subj does: '/' separates RDNs, '+' joins
 * multi-valued ones, backslash escapes. Unknown types and empty values are skipped with
 * a warning, as OpenSSL does.
 */
export function parseSubjectArg(subj: string, warn: (msg: string) => void): NameAttribute[][] {
  const formatError = () =>
    new SubjectSyntaxError(
      `name is expected to be in the format /type0=value0/type1=value1/type2=... where characters may be escaped by \\. This name is not in that format: '${subj}'`,
    );
  if (!subj.startsWith('/')) throw formatError();
  const rdns: NameAttribute[][] = [];
  let i = 1;
  let current: NameAttribute[] = [];
  while (i < subj.length) {
    let type = '';
    while (i < subj.length && subj[i] !== '=') {
      if (subj[i] === '\\' && i + 1 < subj.length) i++;
      type += subj[i++];
    }
    if (i >= subj.length) {
      throw new SubjectSyntaxError(`Hit end of string before finding the '='`);
    }
    i++; // '='
    let value = '';
    let multi = false;
    while (i < subj.length) {
      const c = subj[i]!;
      if (c === '\\' && i + 1 < subj.length) {
        value += subj[i + 1];
        i += 2;
        continue;
      }
      if (c === '/') break;
      if (c === '+') {
        multi = true;
        break;
      }
      value += c;
      i++;
    }
    i++; // separator
    const t = nameAttributeByName(type);
    if (!t) warn(`Subject Attribute ${type} has no known NID, skipped`);
    else if (value === '') warn(`No value provided for Subject Attribute ${type}, skipped`);
    else current.push({ oid: t.oid, value, tag: TAGS[t.tag] });
    if (!multi) {
      if (current.length) rdns.push(current);
      current = [];
    }
  }
  if (current.length) rdns.push(current);
  return rdns;
}

export type NameStyle = 'oneline' | 'rfc2253' | 'compat' | 'multiline';

function shortName(o: string): string {
  return nameAttributeByOid(o)?.short ?? o;
}

function escape2253(v: string): string {
  let s = v.replace(/([,+"\\<>;])/g, '\\$1');
  if (s.startsWith('#') || s.startsWith(' ')) s = '\\' + s;
  if (s.endsWith(' ')) s = s.slice(0, -1) + '\\ ';
  return s;
}

/** oneline style (ASN1_STRFLGS_ESC_QUOTE): a value with special characters is quoted, with " and \\ escaped inside. */
function escapeOneline(v: string): string {
  const needsQuotes = /[,+"\\<>;]/.test(v) || v.startsWith(' ') || v.startsWith('#') || v.endsWith(' ');
  if (!needsQuotes) return v;
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** Formats a name like OpenSSL's -nameopt: oneline is the OpenSSL 3 default ("CN = a, O = b"). */
export function formatName(n: DistinguishedName, style: NameStyle = 'oneline'): string {
  switch (style) {
    case 'rfc2253':
      // Entries are printed last to first, inside multi-valued RDNs too.
      return [...n.rdns]
        .reverse()
        .map((r) => [...r].reverse().map((a) => `${shortName(a.oid)}=${escape2253(a.value)}`).join('+'))
        .join(',');
    case 'compat':
      return n.rdns.map((r) => '/' + r.map((a) => `${shortName(a.oid)}=${a.value}`).join('+')).join('');
    case 'multiline':
      return n.rdns
        .flatMap((r) => r.map((a) => `    ${(nameAttributeByOid(a.oid)?.long ?? a.oid).padEnd(22)} = ${a.value}`))
        .join('\n');
    default:
      return n.rdns.map((r) => r.map((a) => `${shortName(a.oid)} = ${escapeOneline(a.value)}`).join(' + ')).join(', ');
  }
}

/** The value of the first attribute with this OID (e.g. the CN), if any. */
export function nameValue(n: DistinguishedName, oidStr: string): string | undefined {
  for (const r of n.rdns) for (const a of r) if (a.oid === oidStr) return a.value;
  return undefined;
}

/**
 * X509_NAME_hash: the first four bytes (little-endian) of SHA-1 over the canonical form
 * (each RDN's SET re-encoded with values as lower-cased, space-folded UTF8Strings, no
 * outer SEQUENCE). It names files in a CApath directory ("9829c20b.0").
 */
export function nameHash(n: DistinguishedName): string {
  const canon = Buffer.concat(
    n.rdns.map((rdn) =>
      encode(
        set(
          ...rdn.map((a) => {
            const isText = [12, 19, 20, 22, 26, 28, 30].includes(a.tag);
            const v = isText ? a.value.trim().replace(/\s+/g, ' ').replace(/[A-Z]/g, (c) => c.toLowerCase()) : a.value;
            return seq(oid(a.oid), utf8(v));
          }),
        ),
      ),
    ),
  );
  const d = createHash('sha1').update(canon).digest();
  return d.readUInt32LE(0).toString(16).padStart(8, '0');
}
