// X.509 v3 extensions: built from OpenSSL config syntax (the values of an extension
// section, -addext, -extfile) into DER exactly as OpenSSL encodes them, and printed the
// way `openssl x509 -text` prints them.
import { createHash } from 'node:crypto';
import { bitString, bool, children, ctx, decodeDer, encode, octets, oid, raw, readOid, seq, smallInt, uint, type Der, type Tlv } from './der.ts';
import { x509v3Error, type ErrorEntry } from './errors.ts';
import { formatName, parseNameTlv, type DistinguishedName } from './name.ts';
import { EXTENSION_NAMES, EXT_KEY_USAGES, KEY_USAGE_BITS, OID } from './oids.ts';
import type { OpensslConfig } from './config.ts';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue content (DER of the extension's own structure). */
  value: Buffer;
}

export function extensionNode(e: Extension): Der {
  const parts: Der[] = [oid(e.oid)];
  if (e.critical) parts.push(bool(true));
  parts.push(octets(e.value));
  return seq(...parts);
}

/** What an extension value may refer to while it is being built. */
export interface ExtensionContext {
  config?: OpensslConfig;
  /** BIT STRING contents of the subject's public key (for subjectKeyIdentifier = hash). */
  subjectPublicKey?: Buffer;
  /** The issuer, for authorityKeyIdentifier; undefined for a request. */
  issuer?: { subject: DistinguishedName; serial: Buffer; publicKey: Buffer; keyId: Buffer | undefined };
}

export function keyIdentifier(subjectPublicKey: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKey).digest();
}

/** Thrown with OpenSSL's error-stack entries; callers add their own heading line. */
export class ExtensionError extends Error {
  constructor(readonly entries: ErrorEntry[]) {
    super(entries[0]?.reason ?? 'extension error');
  }
}

const nconfError = (section: string, name: string, value: string): ErrorEntry =>
  x509v3Error('11000080', 'X509V3_EXT_nconf_int', 'error in extension', '../crypto/x509/v3_conf.c:48', `section=${section}, name=${name}, value=${value}`);

/** Splits "a, b:c, d" as X509V3_parse_list does (commas, trimmed). */
function splitList(v: string): string[] {
  return v.split(',').map((s) => s.trim());
}

function stripCritical(value: string): { critical: boolean; rest: string } {
  const m = /^\s*critical\s*,\s*/.exec(value);
  if (m) return { critical: true, rest: value.slice(m[0].length) };
  if (/^\s*critical\s*$/.test(value)) return { critical: true, rest: '' };
  return { critical: false, rest: value.trim() };
}

export function ipToBytes(ip: string): Buffer | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const parts = ip.split('.').map(Number);
    if (parts.some((n) => n > 255)) return undefined;
    return Buffer.from(parts);
  }
  if (!ip.includes(':') || !/^[0-9a-fA-F:.]+$/.test(ip)) return undefined;
  let head = ip;
  let tail = '';
  const dbl = ip.indexOf('::');
  if (dbl >= 0) {
    if (ip.indexOf('::', dbl + 1) >= 0) return undefined;
    head = ip.slice(0, dbl);
    tail = ip.slice(dbl + 2);
  }
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipToBytes(p);
        if (!v4 || v4.length !== 4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  const fill = 8 - h.length - t.length;
  if (dbl >= 0 ? fill < 1 : fill !== 0) return undefined;
  const all = [...h, ...Array<number>(Math.max(0, fill)).fill(0), ...t];
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

export function formatIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i).toString(16).toUpperCase());
    return g.join(':');
  }
  return '<invalid>';
}

function generalName(type: string, value: string): Der {
  switch (type) {
    case 'DNS':
      return ctx(2, Buffer.from(value, 'latin1'));
    case 'email':
      return ctx(1, Buffer.from(value, 'latin1'));
    case 'URI':
      return ctx(6, Buffer.from(value, 'latin1'));
    case 'IP': {
      const b = ipToBytes(value);
      if (!b) throw new ExtensionError([x509v3Error('11000076', 'a2i_GENERAL_NAME', 'bad ip address', '../crypto/x509/v3_san.c:552', `value=${value}`)]);
      return ctx(7, b);
    }
    case 'RID':
      return ctx(8, Buffer.from(encode(oid(value)).subarray(2)));
    default:
      throw new ExtensionError([x509v3Error('11000075', 'v2i_GENERAL_NAME_ex', 'unsupported option', '../crypto/x509/v3_san.c:626', `name=${type}`)]);
  }
}

function sanValue(rest: string, ctxt: ExtensionContext): Buffer {
  let pairs: { type: string; value: string | undefined }[];
  if (rest.startsWith('@')) {
    const sectName = rest.slice(1);
    const sect = ctxt.config?.section(sectName);
    if (!sect) {
      throw new ExtensionError([
        x509v3Error('11000069', 'do_ext_nconf', 'invalid extension string', '../crypto/x509/v3_conf.c:102', `name=subjectAltName,section=${rest}`),
      ]);
    }
    // In a section the name is "DNS.1": the type is what precedes the first '.'.
    pairs = sect.map((e) => ({ type: e.name.replace(/\..*$/, ''), value: e.value }));
  } else {
    pairs = [];
    for (const item of splitList(rest)) {
      const i = item.indexOf(':');
      if (i < 0) pairs.push({ type: item, value: undefined });
      else {
        const value = item.slice(i + 1).trim();
        if (value === '') {
          throw new ExtensionError([
            x509v3Error('1100006D', 'X509V3_parse_list', 'invalid null value', '../crypto/x509/v3_utl.c:379'),
            x509v3Error('11000069', 'do_ext_nconf', 'invalid extension string', '../crypto/x509/v3_conf.c:102', `name=subjectAltName,section=${rest}`),
          ]);
        }
        pairs.push({ type: item.slice(0, i).trim(), value });
      }
    }
  }
  const names = pairs.map((p) => {
    if (p.value === undefined) throw new ExtensionError([x509v3Error('1100007C', 'v2i_GENERAL_NAME_ex', 'missing value', '../crypto/x509/v3_san.c:607')]);
    return generalName(p.type, p.value);
  });
  return encode(seq(...names));
}

function boolValue(name: string, v: string): boolean {
  if (/^(true|yes|y|TRUE|YES|Y)$/.test(v)) return true;
  if (/^(false|no|n|FALSE|NO|N)$/.test(v)) return false;
  throw new ExtensionError([x509v3Error('11000068', 'X509V3_get_value_bool', 'invalid boolean string', '../crypto/x509/v3_utl.c:289', `name=${name}, value=${v}`)]);
}

function basicConstraintsValue(rest: string): Buffer {
  let ca = false;
  let pathlen: number | undefined;
  for (const item of splitList(rest)) {
    const [k, v = ''] = item.split(':').map((s) => s.trim()) as [string, string | undefined];
    if (k === 'CA') ca = boolValue('CA', v);
    else if (k === 'pathlen') {
      if (!/^\d+$/.test(v)) throw new ExtensionError([x509v3Error('11000064', 'X509V3_get_value_int', 'invalid number', '../crypto/x509/v3_utl.c:300', `name=pathlen, value=${v}`)]);
      pathlen = Number(v);
    } else {
      throw new ExtensionError([x509v3Error('1100006A', 'v2i_BASIC_CONSTRAINTS', 'invalid name', '../crypto/x509/v3_bcons.c:80', `name=${k}, value=${v}`)]);
    }
  }
  const parts: Der[] = [];
  if (ca) parts.push(bool(true)); // DER omits the DEFAULT FALSE
  if (pathlen !== undefined) parts.push(smallInt(pathlen));
  return encode(seq(...parts));
}

function keyUsageValue(rest: string): Buffer {
  let bits = 0;
  for (const item of splitList(rest)) {
    const i = KEY_USAGE_BITS.findIndex((k) => k.short === item || k.long === item);
    if (i < 0) throw new ExtensionError([x509v3Error('1100006F', 'v2i_ASN1_BIT_STRING', 'unknown bit string argument', '../crypto/x509/v3_bitst.c:82', item)]);
    bits |= 1 << i;
  }
  return encodeBits(bits);
}

/** A named-bit BIT STRING in DER: trailing zero bits dropped, unused count set. */
function encodeBits(bits: number): Buffer {
  let highest = -1;
  for (let i = 0; i < 16; i++) if (bits & (1 << i)) highest = i;
  if (highest < 0) return encode(bitString(Buffer.alloc(0)));
  const nbytes = Math.floor(highest / 8) + 1;
  const b = Buffer.alloc(nbytes);
  for (let i = 0; i <= highest; i++) if (bits & (1 << i)) b[i >> 3]! |= 0x80 >> (i & 7);
  return encode(bitString(b, nbytes * 8 - (highest + 1)));
}

function extKeyUsageValue(rest: string): Buffer {
  const oids = splitList(rest).map((item) => {
    const known = EXT_KEY_USAGES.find((k) => k.short === item || k.long === item);
    if (known) return known.oid;
    if (/^\d+(\.\d+)+$/.test(item)) return item;
    throw new ExtensionError([
      { code: '04000067', lib: 'object identifier routines', func: 'OBJ_txt2obj', reason: 'unknown object name', where: '../crypto/objects/obj_dat.c:372', data: '' },
      x509v3Error('1100006E', 'v2i_EXTENDED_KEY_USAGE', 'invalid object identifier', '../crypto/x509/v3_extku.c:94', item),
    ]);
  });
  return encode(seq(...oids.map(oid)));
}

function skiValue(rest: string, c: ExtensionContext): Buffer | undefined {
  if (rest === 'none') return undefined;
  if (rest === 'hash') {
    if (!c.subjectPublicKey) throw new ExtensionError([x509v3Error('11000072', 's2i_skey_id', 'no public key', '../crypto/x509/v3_skid.c:65')]);
    return encode(octets(keyIdentifier(c.subjectPublicKey)));
  }
  const hex = rest.replace(/:/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new ExtensionError([x509v3Error('11000070', 's2i_skey_id', 'invalid hex string', '../crypto/x509/v3_skid.c:40', rest)]);
  return encode(octets(Buffer.from(hex, 'hex')));
}

function akiValue(rest: string, c: ExtensionContext): Buffer | undefined {
  const issuer = c.issuer;
  if (!issuer) return undefined; // requests carry no AKI
  let keyid = 0; // 0 no, 1 yes, 2 always
  let iss = 0;
  for (const item of splitList(rest)) {
    if (item === 'keyid') keyid = 1;
    else if (item === 'keyid:always') keyid = 2;
    else if (item === 'issuer') iss = 1;
    else if (item === 'issuer:always') iss = 2;
    else if (item === 'none') return undefined;
    else throw new ExtensionError([x509v3Error('11000079', 'v2i_AUTHORITY_KEYID', 'unknown option', '../crypto/x509/v3_akid.c:120', item)]);
  }
  const id = keyid ? (issuer.keyId ?? keyIdentifier(issuer.publicKey)) : undefined;
  const parts: Der[] = [];
  if (id) parts.push(ctx(0, id));
  if (iss === 2 || (iss === 1 && !id)) {
    parts.push(ctx(1, [ctx(4, [raw(issuer.subject.der)])]));
    parts.push(ctx(2, Buffer.from(encode(uint(issuer.serial)).subarray(2))));
  }
  return encode(seq(...parts));
}


/** Builds one extension from "name = value" as in an extension section. */
export function buildExtension(name: string, value: string, c: ExtensionContext): Extension | undefined {
  const known = EXTENSION_NAMES.find((e) => e.short === name || e.long === name);
  if (!known) {
    throw new ExtensionError([x509v3Error('11000082', 'do_ext_nconf', 'unknown extension name', '../crypto/x509/v3_conf.c:88')]);
  }
  const { critical, rest } = stripCritical(value);
  let der: Buffer | undefined;
  switch (known.oid) {
    case OID.basicConstraints:
      der = basicConstraintsValue(rest);
      break;
    case OID.keyUsage:
      der = keyUsageValue(rest);
      break;
    case OID.extKeyUsage:
      der = extKeyUsageValue(rest);
      break;
    case OID.subjectAltName:
      der = sanValue(rest, c);
      break;
    case OID.subjectKeyIdentifier:
      der = skiValue(rest, c);
      break;
    case OID.authorityKeyIdentifier:
      der = akiValue(rest, c);
      break;
  }
  return der ? { oid: known.oid, critical, value: der } : undefined;
}

/** Builds every extension of a config section, in order. */
export function buildExtensionSection(section: string, entries: { name: string; value: string }[], c: ExtensionContext): Extension[] {
  const out: Extension[] = [];
  for (const e of entries) {
    try {
      const ext = buildExtension(e.name, e.value, c);
      if (ext) {
        const i = out.findIndex((x) => x.oid === ext.oid);
        if (i >= 0) out[i] = ext;
        else out.push(ext);
      }
    } catch (err) {
      if (err instanceof ExtensionError) throw new ExtensionError([...err.entries, nconfError(section, e.name, e.value)]);
      throw err;
    }
  }
  return out;
}

/** Parses "name=value" as -addext takes it. */
export function parseAddext(arg: string): { name: string; value: string } | undefined {
  const i = arg.indexOf('=');
  if (i < 0) return undefined;
  return { name: arg.slice(0, i).trim(), value: arg.slice(i + 1).trim() };
}

// ---- reading and printing ----

export function extensionLongName(oidStr: string): string {
  return EXTENSION_NAMES.find((e) => e.oid === oidStr)?.long ?? oidStr;
}

export function extensionShortName(oidStr: string): string | undefined {
  return EXTENSION_NAMES.find((e) => e.oid === oidStr)?.short;
}

export const hexColons = (b: Uint8Array, upper = true): string => {
  const s = Buffer.from(b).toString('hex');
  const pairs = s.match(/../g) ?? [];
  return (upper ? pairs.map((p) => p.toUpperCase()) : pairs).join(':');
};

export interface GeneralName {
  type: 'DNS' | 'IP' | 'email' | 'URI' | 'DirName' | 'RID' | 'othername';
  value: string;
}

export function parseGeneralNames(seqTlv: Tlv): GeneralName[] {
  return children(seqTlv).map((g): GeneralName => {
    switch (g.tag) {
      case 1:
        return { type: 'email', value: g.content.toString('latin1') };
      case 2:
        return { type: 'DNS', value: g.content.toString('latin1') };
      case 6:
        return { type: 'URI', value: g.content.toString('latin1') };
      case 7:
        return { type: 'IP', value: formatIp(g.content) };
      case 4:
        return { type: 'DirName', value: formatName(parseNameTlv(children(g)[0]!), 'compat') };
      case 8:
        return { type: 'RID', value: readOid({ ...g, cls: 0, tag: 6 }) };
      default:
        return { type: 'othername', value: '<unsupported>' };
    }
  });
}

export function formatGeneralName(n: GeneralName): string {
  return n.type === 'IP' ? `IP Address:${n.value}` : `${n.type}:${n.value}`;
}

export interface BasicConstraints {
  ca: boolean;
  pathlen: number | undefined;
}

export function parseBasicConstraints(value: Buffer): BasicConstraints {
  let ca = false;
  let pathlen: number | undefined;
  for (const c of children(decodeDer(value))) {
    if (c.tag === 1) ca = c.content[0] !== 0;
    else if (c.tag === 2) pathlen = c.content.readUIntBE(0, Math.min(6, c.content.length));
  }
  return { ca, pathlen };
}

/** keyUsage as bit flags (bit 0 = digitalSignature). */
export function parseKeyUsage(value: Buffer): number {
  const t = decodeDer(value);
  let bits = 0;
  for (let i = 1; i < t.content.length && i < 3; i++) {
    for (let j = 0; j < 8; j++) if (t.content[i]! & (0x80 >> j)) bits |= 1 << ((i - 1) * 8 + j);
  }
  return bits;
}

export function parseExtKeyUsage(value: Buffer): string[] {
  return children(decodeDer(value)).map(readOid);
}

/** The extension's value lines as `openssl x509 -text` prints them (without indentation). */
export function formatExtensionValue(e: Extension): string[] {
  try {
    switch (e.oid) {
      case OID.basicConstraints: {
        const bc = parseBasicConstraints(e.value);
        return [`CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathlen !== undefined ? `, pathlen:${bc.pathlen}` : ''}`];
      }
      case OID.keyUsage: {
        const bits = parseKeyUsage(e.value);
        return [KEY_USAGE_BITS.filter((_, i) => bits & (1 << i)).map((k) => k.long).join(', ')];
      }
      case OID.extKeyUsage:
        return [parseExtKeyUsage(e.value).map((o) => EXT_KEY_USAGES.find((k) => k.oid === o)?.long ?? o).join(', ')];
      case OID.subjectAltName:
        return [parseGeneralNames(decodeDer(e.value)).map(formatGeneralName).join(', ')];
      case OID.subjectKeyIdentifier:
        return [hexColons(decodeDer(e.value).content)];
      case OID.authorityKeyIdentifier: {
        const parts = children(decodeDer(e.value));
        const keyid = parts.find((p) => p.tag === 0);
        const others = parts.filter((p) => p.tag !== 0);
        if (keyid && others.length === 0) return [hexColons(keyid.content)];
        const lines: string[] = [];
        if (keyid) lines.push(`keyid:${hexColons(keyid.content)}`);
        for (const p of others) {
          if (p.tag === 1) for (const g of parseGeneralNames(p)) lines.push(formatGeneralName(g));
          if (p.tag === 2) lines.push(`serial:${hexColons(p.content)}`);
        }
        return lines;
      }
    }
  } catch {
    // fall through to the hex dump, as OpenSSL does for values it cannot decode
  }
  return hexDumpLines(e.value);
}

function hexDumpLines(b: Buffer): string[] {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const chunk = b.subarray(off, off + 16);
    const hex = [...chunk].map((x, i) => x.toString(16).padStart(2, '0') + (i === 7 && chunk.length > 8 ? '-' : ' ')).join('');
    const ascii = [...chunk].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${off.toString(16).padStart(4, '0')} - ${hex.padEnd(49)} ${ascii}`);
  }
  return lines;
}

