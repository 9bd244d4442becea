// Extension sections and certificate issuing shared by `req -x509` and `x509 -req`,
// with OpenSSL 3.0's defaults: a certificate with any extension is v3 and also gets a
// subjectKeyIdentifier, plus an authorityKeyIdentifier when someone else signed it.
import { certificateKeyId, createCertificate, type Certificate } from '../certificate.ts';
import type { OpensslConfig } from '../config.ts';
import { OpensslFailure } from '../errors.ts';
import { UsageError } from './args.ts';
import { buildExtension, buildExtensionSection, ExtensionError, keyIdentifier, parseAddext, type Extension, type ExtensionContext } from '../extensions.ts';
import { sameKey, spkiKeyBits, type PrivateKey } from '../keys.ts';
import type { DistinguishedName } from '../name.ts';
import { OID } from '../oids.ts';
import { publicKeyFromSpki } from '../keys.ts';

/** Builds the extensions of `section` (if any) plus -addext ones, failing with `heading` and the stack. */
export function extensionsFrom(conf: OpensslConfig | undefined, section: string | undefined, addext: string[], c: ExtensionContext, heading: string): Extension[] {
  let exts: Extension[] = [];
  if (section !== undefined) {
    const entries = conf?.section(section);
    if (!entries) throw new OpensslFailure([heading]);
    try {
      exts = buildExtensionSection(section, entries, { ...c, config: conf });
    } catch (e) {
      if (e instanceof ExtensionError) throw new OpensslFailure([heading], e.entries);
      throw e;
    }
  }
  const seen = new Set<string>();
  for (const a of addext) {
    const kv = parseAddext(a);
    // openssl 3.0 reports an -addext without '=' and a repeated name the same way.
    if (!kv || seen.has(kv.name)) throw new UsageError([`Duplicate extension: ${a}`, 'req: Use -help for summary.']);
    seen.add(kv.name);
    try {
      const ext = buildExtension(kv.name, kv.value, { ...c, config: conf });
      if (!ext) continue;
      // A value given on the command line replaces the config's, in its place.
      const i = exts.findIndex((x) => x.oid === ext.oid);
      if (i >= 0) exts[i] = ext;
      else exts.push(ext);
    } catch (e) {
      if (e instanceof ExtensionError) throw new OpensslFailure([`Error adding extension ${a}`], e.entries);
      throw e;
    }
  }
  return exts;
}

export interface IssueSpec {
  subject: DistinguishedName;
  spki: Buffer;
  /** Undefined for a self-signed certificate. */
  issuerCert: Certificate | undefined;
  signingKey: PrivateKey;
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  digest: string;
  extensions: Extension[];
}

/** The ExtensionContext for a certificate being issued. */
export function issueContext(subjectSpki: Buffer, subject: DistinguishedName, serial: Buffer, issuerCert: Certificate | undefined): ExtensionContext {
  const subjectBits = spkiKeyBits(subjectSpki);
  return {
    subjectPublicKey: subjectBits,
    issuer: issuerCert
      ? { subject: issuerCert.subject, serial: issuerCert.serial, publicKey: spkiKeyBits(issuerCert.spki), keyId: certificateKeyId(issuerCert) }
      : { subject, serial, publicKey: subjectBits, keyId: keyIdentifier(subjectBits) },
  };
}

export function issue(spec: IssueSpec): Certificate {
  const exts = [...spec.extensions];
  if (exts.length) {
    const subjectBits = spkiKeyBits(spec.spki);
    if (!exts.some((e) => e.oid === OID.subjectKeyIdentifier)) {
      exts.push(buildExtension('subjectKeyIdentifier', 'hash', { subjectPublicKey: subjectBits })!);
    }
    const selfSigned = !spec.issuerCert || sameKey(publicKeyFromSpki(spec.spki), spec.issuerCert.publicKey);
    if (!selfSigned && !exts.some((e) => e.oid === OID.authorityKeyIdentifier)) {
      const ctx = issueContext(spec.spki, spec.subject, spec.serial, spec.issuerCert);
      const aki = buildExtension('authorityKeyIdentifier', 'keyid', ctx);
      if (aki) exts.push(aki);
    }
  }
  return createCertificate({
    serial: spec.serial,
    issuer: spec.issuerCert ? spec.issuerCert.subject : spec.subject,
    subject: spec.subject,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    spki: spec.spki,
    extensions: exts,
    signingKey: spec.signingKey,
    digest: spec.digest,
  });
}

/** -set_serial: decimal or 0x-hex, as unsigned bytes. */
export function parseSerialArg(s: string): Buffer | undefined {
  let n: bigint;
  try {
    n = /^0x/i.test(s) ? BigInt(s) : /^\d+$/.test(s) ? BigInt(s) : (() => { throw new Error(); })();
  } catch {
    return undefined;
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

/** Validity from the clock: now (whole seconds) to now + days. */
export function validity(nowMs: number, days: number): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(nowMs / 1000) * 1000;
  return { notBefore: new Date(start), notAfter: new Date(start + days * 86_400_000) };
}

/** The digest named in a config ("default" → sha256). */
export function configDigest(v: string | undefined): string | undefined {
  if (v === undefined || v === 'default') return undefined;
  return v.toLowerCase();
}
