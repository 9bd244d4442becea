// openssl x509: print certificate fields, and sign requests with a CA (-req -CA -CAkey).
import { createHash } from 'node:crypto';
import { certificatePem, randomSerial, verifyCsrSignature, type Certificate } from '../certificate.ts';
import type { OpensslConfig } from '../config.ts';
import { OpensslFailure } from '../errors.ts';
import { extensionShortName, parseGeneralNames } from '../extensions.ts';
import { decodeDer } from '../der.ts';
import { publicKeyPem, rsaModulusHex, sameKey, type PrivateKey } from '../keys.ts';
import { formatName, nameHash, type NameStyle } from '../name.ts';
import { OID } from '../oids.ts';
import { certificateText, extensionLines, formatTime, serialHex } from '../text.ts';
import { resolvePath, basename } from '../../platform/filesystem.ts';
import { DIGESTS, flag, parseArgs, UsageError, value, type OptionSpec } from './args.ts';
import type { OpensslContext } from './context.ts';
import { readPlain, writeOutput } from './files.ts';
import { extensionsFrom, issue, issueContext, parseSerialArg, validity } from './issue.ts';
import { loadCertificate, loadCsr, loadPrivateKey, parseConfigText } from './load.ts';
import { nameStyleOf } from './nameopt.ts';

const STRING_OPTS = ['in', 'out', 'CA', 'CAkey', 'CAserial', 'set_serial', 'extfile', 'extensions', 'copy_extensions', 'signkey', 'key', 'nameopt', 'ext', 'inform', 'outform', 'CAform', 'CAkeyform', 'keyform', 'passin', 'certopt', 'sigopt', 'addtrust', 'addreject', 'setalias', 'subj', 'force_pubkey'];
const FLAG_OPTS = ['req', 'CAcreateserial', 'text', 'noout', 'subject', 'issuer', 'dates', 'startdate', 'enddate', 'serial', 'fingerprint', 'pubkey', 'modulus', 'email', 'hash', 'subject_hash', 'issuer_hash', 'purpose', 'x509toreq', 'clrext', 'preserve_dates', 'trustout', 'alias', 'ocspid', 'ocsp_uri', 'next_serial', 'nocert', 'clrtrust', 'clrreject', 'new', 'ext_print'];
const SPECS: OptionSpec[] = [
  ...STRING_OPTS.map((name) => ({ name, kind: 'string' as const })),
  ...FLAG_OPTS.map((name) => ({ name, kind: 'flag' as const })),
  { name: 'days', kind: 'int' },
  { name: 'checkend', kind: 'int' },
];

function fingerprint(c: Certificate, digest: string | undefined): string {
  const alg = digest ?? 'sha1';
  const label = digest ? digest : 'SHA1';
  const hex = createHash(alg).update(c.der).digest('hex').toUpperCase().match(/../g)!.join(':');
  return `${label} Fingerprint=${hex}\n`;
}

function extOutput(c: Certificate, list: string): { out: string; err: string } {
  // Names openssl does not know are simply not found; nothing found at all is reported on stderr.
  const wanted = list.split(',').map((s) => s.trim());
  let out = '';
  for (const e of c.extensions) {
    const short = extensionShortName(e.oid) ?? e.oid;
    if (wanted.includes(short) || wanted.includes(e.oid)) out += extensionLines(e, '').join('\n') + '\n';
  }
  return out ? { out, err: '' } : { out: '', err: 'No extensions in certificate\n' };
}

function emails(c: Certificate): string[] {
  const out: string[] = [];
  for (const r of c.subject.rdns) for (const a of r) if (a.oid === '1.2.840.113549.1.9.1') out.push(a.value);
  const san = c.extensions.find((e) => e.oid === OID.subjectAltName);
  if (san) for (const g of parseGeneralNames(decodeDer(san.value))) if (g.type === 'email') out.push(g.value);
  return out;
}

/** The serial for a CA-signed certificate: -set_serial, or the serial file (incremented), or random. */
async function nextSerial(ctx: OpensslContext, caPath: string, serialFile: string | undefined, create: boolean): Promise<Buffer> {
  const file = serialFile ?? `${basename(caPath).replace(/\.[^.]*$/, '')}.srl`;
  const dir = caPath.includes('/') && serialFile === undefined ? caPath.slice(0, caPath.lastIndexOf('/') + 1) : '';
  const path = serialFile ?? dir + file;
  const full = resolvePath(ctx.cwd, path);
  let serial: Buffer;
  if (ctx.fs.exists(full)) {
    const text = (await readPlain(ctx, path)).toString('latin1').trim();
    if (!/^[0-9A-Fa-f]+$/.test(text)) {
      throw new OpensslFailure([`unable to load number from ${path}`, `error in ${path}`]);
    }
    const n = BigInt('0x' + text) + 1n;
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    serial = Buffer.from(hex, 'hex');
  } else if (serialFile !== undefined && !create) {
    const f = await readPlain(ctx, path).then(
      () => undefined,
      (e: unknown) => e,
    );
    const entries = f instanceof OpensslFailure ? f.entries : [];
    throw new OpensslFailure([`${path}: No such file or directory`], entries);
  } else if (!create) {
    return randomSerial();
  } else serial = randomSerial();
  await writeOutput(ctx, path, serialHex(serial) + '\n');
  return serial;
}

export async function x509(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs('x509', args, SPECS, { unknown: 'digest-silent' });
  if (p.rest.length) throw new UsageError([`x509: Extra arguments given.`, 'x509: Use -help for summary.']);
  const digestWords = p.unknown.filter((u) => DIGESTS.includes(u.toLowerCase()));
  const digest = digestWords[digestWords.length - 1]?.toLowerCase();
  const nameStyle: NameStyle = nameStyleOf(value(p, 'nameopt'));

  // -extfile is read and its section checked before anything else happens.
  let extConf: OpensslConfig | undefined;
  let extSect: string | undefined;
  const extfile = value(p, 'extfile');
  if (extfile !== undefined) {
    extConf = parseConfigText(ctx, (await readPlain(ctx, extfile)).toString('utf8'), extfile);
    extSect = value(p, 'extensions') ?? extConf.get('default', 'extensions') ?? 'default';
    if (!extConf.section(extSect)) throw new OpensslFailure([`Error checking extension section ${extSect}`]);
  }

  let cert: Certificate;
  const caPath = value(p, 'CA');
  if (flag(p, 'req')) {
    const csr = await loadCsr(ctx, value(p, 'in'), 'Unable to load certificate request input');
    if (!verifyCsrSignature(csr)) {
      throw new OpensslFailure(['Certificate request self-signature did not match the contents']);
    }
    await ctx.err(`Certificate request self-signature ok\nsubject=${formatName(csr.subject, nameStyle)}\n`);
    let signer: PrivateKey;
    let caCert: Certificate | undefined;
    if (caPath !== undefined) {
      caCert = await loadCertificate(ctx, caPath, 'CA certificate');
      signer = await loadPrivateKey(ctx, value(p, 'CAkey') ?? caPath, 'CA private key', value(p, 'passin'));
      if (!sameKey(signer.publicKey, caCert.publicKey)) {
        throw new OpensslFailure(
          ['CA certificate and CA private key do not match'],
          [{ code: '05800074', lib: 'x509 certificate routines', func: 'X509_check_private_key', reason: 'key values mismatch', where: '../crypto/x509/x509_cmp.c:403', data: '' }],
        );
      }
    } else {
      const signkey = value(p, 'signkey') ?? value(p, 'key');
      if (signkey === undefined) throw new OpensslFailure(['We need a private key to sign with, use -signkey or -CA with -CAkey']);
      signer = await loadPrivateKey(ctx, signkey, 'private key', value(p, 'passin'));
    }
    const serialArg = value(p, 'set_serial');
    let serial: Buffer;
    if (serialArg !== undefined) {
      const s = parseSerialArg(serialArg);
      if (!s) throw new UsageError([`x509: Error converting serial number`]);
      serial = s;
    } else if (caPath !== undefined) {
      serial = await nextSerial(ctx, caPath, value(p, 'CAserial'), flag(p, 'CAcreateserial'));
    } else serial = randomSerial();
    const ectx = issueContext(csr.spki, csr.subject, serial, caCert);
    const exts = extSect !== undefined ? extensionsFrom(extConf, extSect, [], ectx, `Error checking extension section ${extSect}`) : [];
    const copy = value(p, 'copy_extensions') ?? 'none';
    if (!['none', 'copy', 'copyall'].includes(copy)) throw new UsageError([`x509: Invalid extension copy option: "${copy}"`]);
    if (copy !== 'none') {
      for (const e of csr.extensions) {
        const i = exts.findIndex((x) => x.oid === e.oid);
        if (i < 0) exts.push(e);
        else if (copy === 'copyall') exts[i] = e;
      }
    }
    const { notBefore, notAfter } = validity(ctx.clock.now(), value(p, 'days') !== undefined ? Number(value(p, 'days')) : 30);
    cert = issue({ subject: csr.subject, spki: csr.spki, issuerCert: caCert, signingKey: signer, serial, notBefore, notAfter, digest: digest ?? 'sha256', extensions: exts });
  } else {
    cert = await loadCertificate(ctx, value(p, 'in'), 'certificate');
    const signkey = value(p, 'signkey') ?? value(p, 'key');
    if (signkey !== undefined || caPath !== undefined) {
      // Re-signing an existing certificate: self-signed with -signkey, or by a CA.
      const caCert = caPath !== undefined ? await loadCertificate(ctx, caPath, 'CA certificate') : undefined;
      const signer = await loadPrivateKey(ctx, caCert ? (value(p, 'CAkey') ?? caPath) : signkey, caCert ? 'CA private key' : 'private key', value(p, 'passin'));
      const serial = caPath !== undefined ? await nextSerial(ctx, caPath, value(p, 'CAserial'), flag(p, 'CAcreateserial')) : cert.serial;
      const ectx = issueContext(cert.spki, cert.subject, serial, caCert);
      const exts = extSect !== undefined ? extensionsFrom(extConf, extSect, [], ectx, `Error checking extension section ${extSect}`) : cert.extensions;
      const v = flag(p, 'preserve_dates') ? { notBefore: cert.notBefore, notAfter: cert.notAfter } : validity(ctx.clock.now(), value(p, 'days') !== undefined ? Number(value(p, 'days')) : 30);
      cert = issue({ subject: cert.subject, spki: cert.spki, issuerCert: caCert, signingKey: signer, serial, ...v, digest: digest ?? 'sha256', extensions: exts });
    }
  }

  // Printing options run in the order they were given, as the real x509 does.
  let out = '';
  let status = 0;
  for (const a of args) {
    const name = a.replace(/^--?/, '');
    switch (name) {
      case 'subject':
        out += `subject=${formatName(cert.subject, nameStyle)}\n`;
        break;
      case 'issuer':
        out += `issuer=${formatName(cert.issuer, nameStyle)}\n`;
        break;
      case 'serial':
        out += `serial=${serialHex(cert.serial)}\n`;
        break;
      case 'dates':
        out += `notBefore=${formatTime(cert.notBefore)}\nnotAfter=${formatTime(cert.notAfter)}\n`;
        break;
      case 'startdate':
        out += `notBefore=${formatTime(cert.notBefore)}\n`;
        break;
      case 'enddate':
        out += `notAfter=${formatTime(cert.notAfter)}\n`;
        break;
      case 'fingerprint':
        out += fingerprint(cert, digest);
        break;
      case 'pubkey':
        out += publicKeyPem(cert.publicKey);
        break;
      case 'modulus':
        out += `Modulus=${rsaModulusHex(cert.publicKey)}\n`;
        break;
      case 'hash':
      case 'subject_hash':
        out += nameHash(cert.subject) + '\n';
        break;
      case 'issuer_hash':
        out += nameHash(cert.issuer) + '\n';
        break;
      case 'email':
        out += emails(cert).map((e) => e + '\n').join('');
        break;
      case 'text':
        out += certificateText(cert, nameStyle);
        break;
      case 'ext': {
        const r = extOutput(cert, value(p, 'ext')!);
        out += r.out;
        if (r.err) await ctx.err(r.err);
        break;
      }
      case 'checkend': {
        const secs = Number(value(p, 'checkend'));
        const expires = cert.notAfter.getTime() < ctx.clock.now() + secs * 1000;
        out += expires ? 'Certificate will expire\n' : 'Certificate will not expire\n';
        status = expires ? 1 : 0;
        break;
      }
    }
  }
  const der = /^der$/i.test(value(p, 'outform') ?? '');
  if (!flag(p, 'noout') && der) {
    await writeOutput(ctx, value(p, 'out'), Buffer.concat([Buffer.from(out, 'utf8'), cert.der]));
    return status;
  }
  if (!flag(p, 'noout')) out += certificatePem(cert);
  if (out) await writeOutput(ctx, value(p, 'out'), out);
  return status;
}
