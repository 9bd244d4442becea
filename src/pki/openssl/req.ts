// openssl req: new keys, certificate requests, and self-signed certificates (-x509).
import { createCsr, csrPem, certificatePem, randomSerial, verifyCsrSignature, type Certificate, type CertificateRequest } from '../certificate.ts';
import type { OpensslConfig } from '../config.ts';
import { OpensslFailure } from '../errors.ts';
import { generateEcKey, generateEd25519Key, privateKeyPem, publicKeyPem, rsaModulusHex, spkiDer, spkiKeyBits, type PrivateKey } from '../keys.ts';
import { buildName, formatName, parseSubjectArg, SubjectSyntaxError, attributeTag, type DistinguishedName, type NameAttribute, type NameStyle } from '../name.ts';
import { nameAttributeByName } from '../oids.ts';
import { certificateText, csrText } from '../text.ts';
import { digestOf, flag, parseArgs, UsageError, value, values } from './args.ts';
import type { OpensslContext } from './context.ts';
import { writeOutput } from './files.ts';
import { keygenDots, rsaKeyOfSize } from './genkey.ts';
import { configDigest, extensionsFrom, issue, issueContext, parseSerialArg, validity } from './issue.ts';
import { loadConfig, loadCsr, loadPrivateKey } from './load.ts';
import { nameStyleOf } from './nameopt.ts';
import { encryptPrivateKeyPem, passphraseFrom } from './passphrase.ts';
import { configBool } from '../config.ts';

const SPECS = [
  ...['in', 'out', 'key', 'keyout', 'newkey', 'subj', 'config', 'section', 'set_serial', 'extensions', 'reqexts', 'nameopt', 'keyform', 'outform', 'inform', 'passin', 'passout', 'copy_extensions', 'reqopt', 'certopt'].map((name) => ({ name, kind: 'string' as const })),
  { name: 'days', kind: 'int' as const },
  { name: 'addext', kind: 'string' as const, multi: true },
  { name: 'sigopt', kind: 'string' as const, multi: true },
  { name: 'pkeyopt', kind: 'string' as const, multi: true },
  ...['new', 'x509', 'nodes', 'noenc', 'text', 'noout', 'verify', 'pubkey', 'subject', 'batch', 'utf8', 'modulus', 'multivalue-rdn', 'quiet', 'verbose', 'precert', 'newhdr'].map((name) => ({ name, kind: 'flag' as const })),
];

async function readLine(ctx: OpensslContext, pending: { buf: string }): Promise<string | undefined> {
  for (;;) {
    const nl = pending.buf.indexOf('\n');
    if (nl >= 0) {
      const line = pending.buf.slice(0, nl);
      pending.buf = pending.buf.slice(nl + 1);
      return line.replace(/\r$/, '');
    }
    const c = await ctx.stdin.read();
    if (c === null) return undefined;
    pending.buf += Buffer.from(c).toString('utf8');
  }
}

const makeFailed = (extra: string[] = []) => new OpensslFailure([...extra, 'Error making certificate request']);

/** The name from the config's distinguished_name section: given (prompt = no) or asked for. */
async function subjectFromConfig(ctx: OpensslContext, conf: OpensslConfig, section: string, batch: boolean, selfSigned: boolean): Promise<NameAttribute[][]> {
  const dnSect = conf.get(section, 'distinguished_name');
  const entries = dnSect ? conf.section(dnSect) : undefined;
  const prompt = configBool(conf.get(section, 'prompt')) !== false;
  const rdns: NameAttribute[][] = [];
  const typeOf = (name: string) => {
    const m = /^[^.:,]*[.:,](.+)$/.exec(name);
    return m ? m[1]! : name;
  };
  const add = (name: string, v: string) => {
    const multi = name.startsWith('+');
    const t = nameAttributeByName(typeOf(multi ? name.slice(1) : name));
    if (!t) return;
    const attr = { oid: t.oid, value: v, tag: attributeTag(t.oid) };
    if (multi && rdns.length) rdns[rdns.length - 1]!.push(attr);
    else rdns.push([attr]);
  };
  if (!entries || entries.length === 0) throw makeFailed(['Error: No objects specified in config file']);
  if (!prompt) {
    for (const e of entries) add(e.name, e.value);
    if (rdns.length === 0) throw makeFailed(['Error: No objects specified in config file']);
    return rdns;
  }
  const pending = { buf: '' };
  if (!batch) {
    await ctx.err(
      [
        'You are about to be asked to enter information that will be incorporated',
        'into your certificate request.',
        'What you are about to enter is what is called a Distinguished Name or a DN.',
        'There are quite a few fields but you can leave some blank',
        'For some fields there will be a default value,',
        "If you enter '.', the field will be left blank.",
        '-----',
        '',
      ].join('\n'),
    );
  }
  for (const e of entries) {
    if (/_(default|min|max|value)$/.test(e.name)) continue;
    const def = conf.get(dnSect, `${e.name}_default`) ?? '';
    let v = def;
    if (!batch) {
      await ctx.err(`${e.value} [${def}]:`);
      const line = await readLine(ctx, pending);
      if (line === undefined) throw makeFailed();
      if (line !== '') v = line;
    }
    if (v === '.' || v === '') continue;
    add(e.name, v);
  }
  const attrSect = conf.get(section, 'attributes');
  const attrs = attrSect ? conf.section(attrSect) : undefined;
  // Attributes belong to a request; a self-signed certificate (-x509) does not ask for them.
  if (!batch && !selfSigned && attrs && attrs.some((a) => !/_(default|min|max|value)$/.test(a.name))) {
    await ctx.err("\nPlease enter the following 'extra' attributes\nto be sent with your certificate request\n");
    for (const a of attrs) {
      if (/_(default|min|max|value)$/.test(a.name)) continue;
      await ctx.err(`${a.value} []:`);
      if ((await readLine(ctx, pending)) === undefined) throw makeFailed();
    }
  }
  if (rdns.length === 0) throw makeFailed(['Error: No objects specified in config file']);
  return rdns;
}

async function newKey(ctx: OpensslContext, spec: string | undefined, conf: OpensslConfig, section: string, pkeyopts: string[]): Promise<PrivateKey> {
  const opt = (name: string) => pkeyopts.map((o) => o.split(':')).find((kv) => kv[0] === name)?.slice(1).join(':');
  const defBits = Number(opt('rsa_keygen_bits') ?? conf.get(section, 'default_bits') ?? '2048') || 2048;
  const s = spec ?? 'rsa';
  const [alg, given] = s.includes(':') ? [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)] : /^\d+$/.test(s) ? ['rsa', s] : [s, undefined];
  const param = given ?? (alg!.toLowerCase() === 'ec' ? opt('ec_paramgen_curve') : undefined);
  let key: PrivateKey;
  switch (alg!.toLowerCase()) {
    case 'rsa': {
      const bits = param !== undefined ? Number(param) : defBits;
      if (!Number.isInteger(bits)) throw new OpensslFailure([`Unknown algorithm ${s}`]);
      key = await rsaKeyOfSize(bits);
      await ctx.err(keygenDots());
      break;
    }
    case 'ec':
      try {
        key = generateEcKey(param ?? 'prime256v1');
      } catch {
        throw new OpensslFailure([`Error setting ec_paramgen_curve:${param} parameter:`]);
      }
      break;
    case 'ed25519':
      key = generateEd25519Key();
      break;
    default:
      throw new OpensslFailure([`Unknown algorithm ${alg}`]);
  }
  return key;
}

export async function req(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs('req', args, SPECS, { unknown: 'digest' });
  if (p.rest.length) throw new UsageError([`req: Extra arguments given.`, 'req: Use -help for summary.']);
  const x509 = flag(p, 'x509');
  const nameStyle: NameStyle = nameStyleOf(value(p, 'nameopt'));
  const days = value(p, 'days');
  if (days !== undefined && !x509) await ctx.err('Ignoring -days without -x509; not generating a certificate\n');
  const conf = await loadConfig(ctx, value(p, 'config'));
  const section = value(p, 'section') ?? 'req';
  const digest = digestOf(p) ?? configDigest(conf.get(section, 'default_md')) ?? 'sha256';
  const inPath = value(p, 'in');
  const wantNew = flag(p, 'new') || value(p, 'newkey') !== undefined || (x509 && inPath === undefined);

  // The key: given, or made now (and written to -keyout).
  let key: PrivateKey | undefined;
  const keyPath = value(p, 'key');
  if (keyPath !== undefined) key = await loadPrivateKey(ctx, keyPath, 'private key', value(p, 'passin'));
  else if (wantNew) {
    key = await newKey(ctx, value(p, 'newkey'), conf, section, values(p, 'pkeyopt'));
    const keyout = value(p, 'keyout') ?? conf.get(section, 'default_keyfile');
    const encrypt = !(flag(p, 'nodes') || flag(p, 'noenc') || configBool(conf.get(section, 'encrypt_key') ?? conf.get(section, 'encrypt_rsa_key')) === false);
    let pem = privateKeyPem(key);
    if (encrypt) pem = encryptPrivateKeyPem(key, await passphraseFrom(ctx, value(p, 'passout'), true), 'aes-256-cbc');
    await ctx.err('-----\n');
    await writeOutput(ctx, keyout, pem, { private: true });
  }

  let csr: CertificateRequest | undefined;
  let cert: Certificate | undefined;
  let subject: DistinguishedName;
  if (inPath !== undefined && !wantNew) {
    csr = await loadCsr(ctx, inPath, 'Unable to load X509 request');
    subject = csr.subject;
  } else {
    if (!key) throw new OpensslFailure(['req: Missing -key or -newkey option']);
    let rdns: NameAttribute[][];
    const subj = value(p, 'subj');
    if (subj !== undefined) {
      const warnings: string[] = [];
      try {
        rdns = parseSubjectArg(subj, (w) => warnings.push(w));
      } catch (e) {
        if (e instanceof SubjectSyntaxError) throw new OpensslFailure([`req: subject ${e.message}`]);
        throw e;
      }
      for (const w of warnings) await ctx.err(w + '\n');
    } else rdns = await subjectFromConfig(ctx, conf, section, flag(p, 'batch'), x509);
    subject = buildName(rdns);
  }

  const spki = csr ? csr.spki : spkiDer(key!.publicKey);
  if (x509) {
    if (!key) throw new OpensslFailure(['req: Missing -key option for -x509 with -in']);
    const serialArg = value(p, 'set_serial');
    const serial = serialArg !== undefined ? parseSerialArg(serialArg) : randomSerial();
    if (!serial) throw new UsageError([`req: Error converting serial number`]);
    const extSect = value(p, 'extensions') ?? conf.get(section, 'x509_extensions');
    const ctxt = issueContext(spki, subject, serial, undefined);
    const exts = extensionsFrom(conf, extSect, values(p, 'addext'), ctxt, `Error checking x509 extension section ${extSect}`);
    const copy = value(p, 'copy_extensions');
    if (csr && copy && copy !== 'none') for (const e of csr.extensions) if (!exts.some((x) => x.oid === e.oid) || copy === 'copyall') exts.push(e);
    const { notBefore, notAfter } = validity(ctx.clock.now(), days !== undefined ? Number(days) : 30);
    cert = issue({ subject, spki, issuerCert: undefined, signingKey: key, serial, notBefore, notAfter, digest, extensions: exts });
  } else if (!csr) {
    const reqSect = value(p, 'reqexts') ?? conf.get(section, 'req_extensions');
    const exts = extensionsFrom(conf, reqSect, values(p, 'addext'), { subjectPublicKey: spkiKeyBits(spki) }, `Error checking request extension section ${reqSect}`);
    csr = createCsr({ subject, key: key!, digest, extensions: exts });
  }

  let out = '';
  if (flag(p, 'verify') && csr) {
    const ok = verifyCsrSignature(csr);
    await ctx.err(ok ? 'Certificate request self-signature verify OK\n' : 'Certificate request self-signature verify failure\n');
    if (!ok) return 1;
  }
  if (flag(p, 'subject')) out += `subject=${formatName(cert ? cert.subject : subject, nameStyle)}\n`;
  if (flag(p, 'pubkey')) out += publicKeyPem((cert ?? csr)!.publicKey);
  if (flag(p, 'text')) out += cert ? certificateText(cert, nameStyle) : csrText(csr!, nameStyle);
  if (flag(p, 'modulus')) out += `Modulus=${rsaModulusHex((cert ?? csr)!.publicKey)}\n`;
  if (!flag(p, 'noout') && /^der$/i.test(value(p, 'outform') ?? '')) {
    await writeOutput(ctx, value(p, 'out'), Buffer.concat([Buffer.from(out, 'utf8'), cert ? cert.der : csr!.der]));
    return 0;
  }
  if (!flag(p, 'noout')) out += cert ? certificatePem(cert) : csrPem(csr!);
  if (out) await writeOutput(ctx, value(p, 'out'), out);
  return 0;
}
