// Loading configs, keys, certificates and requests for the subcommands, with OpenSSL 3's
// messages when a file is missing, unreadable, or holds something else.
import { resolvePath } from '../../platform/filesystem.ts';
import { parseCertificateDer, parseCertificatesPem, parseCsrDer, parseCsrPem, type Certificate, type CertificateRequest } from '../certificate.ts';
import { ConfigParseError, parseConfig, type OpensslConfig } from '../config.ts';
import { OpensslFailure, type ErrorEntry } from '../errors.ts';
import { parsePrivateKeyDer, parsePrivateKeyPem, type PrivateKey } from '../keys.ts';
import type { OpensslContext } from './context.ts';
import { DEFAULT_CONFIG_PATHS, DEFAULT_OPENSSL_CNF } from './default-config.ts';
import { readPlain, readStored } from './files.ts';
import { isEncryptedPem, passphraseFrom } from './passphrase.ts';

function configErrorEntry(e: ConfigParseError): ErrorEntry {
  const where = { '07000064': '../crypto/conf/conf_def.c:368', '07000065': '../crypto/conf/conf_def.c:529', '07000068': '../crypto/conf/conf_def.c:767' }[e.info.code] ?? '../crypto/conf/conf_def.c:0';
  return {
    code: e.info.code,
    lib: 'configuration file routines',
    func: e.info.func,
    reason: e.info.reason,
    where,
    data: `${e.info.detail}line ${e.info.line}`,
  };
}

export function parseConfigText(ctx: OpensslContext, text: string, file: string): OpensslConfig {
  try {
    return parseConfig(text, file, ctx.env);
  } catch (e) {
    if (e instanceof ConfigParseError) {
      throw new OpensslFailure([`${ctx.prog}: Error on line ${e.info.line} of config file "${file}"`], [configErrorEntry(e)]);
    }
    throw e;
  }
}

/** The config named by -config, or OPENSSL_CONF, or the system one (built in when the disk has none). */
export async function loadConfig(ctx: OpensslContext, path: string | undefined): Promise<OpensslConfig> {
  const explicit = path ?? ctx.env['OPENSSL_CONF'];
  if (explicit !== undefined) {
    const text = (await readPlain(ctx, explicit)).toString('utf8');
    return parseConfigText(ctx, text, explicit);
  }
  for (const p of DEFAULT_CONFIG_PATHS) {
    if (ctx.fs.exists(p)) {
      try {
        return parseConfigText(ctx, Buffer.from(ctx.fs.readFile(p)).toString('utf8'), p);
      } catch (e) {
        if (e instanceof OpensslFailure) throw e;
        // unreadable system config: fall back to the built-in one
      }
    }
  }
  return parseConfigText(ctx, DEFAULT_OPENSSL_CNF, DEFAULT_CONFIG_PATHS[0]!);
}

/** A private key: "Could not open file or uri for loading private key from x" / "Could not read private key from x". */
export async function loadPrivateKey(ctx: OpensslContext, path: string | undefined, what = 'private key', passin?: string): Promise<PrivateKey> {
  const data = await readStored(ctx, path, what);
  const text = data.toString('latin1');
  const encrypted = isEncryptedPem(text);
  const passphrase = encrypted ? await passphraseFrom(ctx, passin, false, `Enter pass phrase for ${path ?? '<stdin>'}:`) : undefined;
  const key = parsePrivateKeyPem(text, passphrase) ?? parsePrivateKeyDer(data);
  if (!key && encrypted) {
    throw new OpensslFailure(
      [`Could not read ${what} from ${path ?? '<stdin>'}`],
      [
        { code: '1608010C', lib: 'STORE routines', func: 'ossl_store_handle_load_result', reason: 'unsupported', where: '../crypto/store/store_result.c:149', data: '' },
        { code: '1C800064', lib: 'Provider routines', func: 'ossl_cipher_unpadblock', reason: 'bad decrypt', where: '../providers/implementations/ciphers/ciphercommon_block.c:124', data: '' },
        { code: '11800074', lib: 'PKCS12 routines', func: 'PKCS12_pbe_crypt_ex', reason: 'pkcs12 cipherfinal error', where: '../crypto/pkcs12/p12_decr.c:88', data: 'maybe wrong password' },
      ],
    );
  }
  if (!key) throw new OpensslFailure([`Could not read ${what} from ${path ?? '<stdin>'}`]);
  return key;
}

/** One certificate (the first in the file). */
export async function loadCertificate(ctx: OpensslContext, path: string | undefined, what = 'certificate'): Promise<Certificate> {
  const tail = [`Unable to load ${what}`];
  const data = await readStored(ctx, path, what, tail);
  // OSSL_STORE recognises DER as well as PEM, whatever -inform says.
  const cert = parseCertificatesPem(data.toString('latin1'))[0] ?? derCertificate(data);
  if (!cert) {
    const stack: ErrorEntry[] = /-----BEGIN /.test(data.toString('latin1'))
      ? [{ code: '1608010C', lib: 'STORE routines', func: 'ossl_store_handle_load_result', reason: 'unsupported', where: '../crypto/store/store_result.c:149', data: '' }]
      : [];
    throw new OpensslFailure([`Could not read ${what} from ${path ?? '<stdin>'}`], stack, tail);
  }
  return cert;
}

/** Every certificate of a bundle (-CAfile, -untrusted). */
export async function loadCertificateBundle(ctx: OpensslContext, path: string): Promise<Certificate[]> {
  let data: Buffer;
  try {
    data = Buffer.from(ctx.fs.readFile(resolvePath(ctx.cwd, path)));
  } catch (e) {
    // X509_LOOKUP_load_file's wording for a CA file it cannot open.
    const failure = await readPlain(ctx, path).then(
      () => undefined,
      (f: unknown) => f,
    );
    if (failure instanceof OpensslFailure) {
      throw new OpensslFailure(
        [`Error loading file ${path}`],
        [
          ...failure.entries,
          { code: '05880002', lib: 'x509 certificate routines', func: 'X509_load_cert_crl_file_ex', reason: 'system lib', where: '../crypto/x509/by_file.c:229', data: '' },
        ],
      );
    }
    throw e;
  }
  const certs = parseCertificatesPem(data.toString('latin1'));
  if (certs.length === 0) {
    throw new OpensslFailure(
      [`Error loading file ${path}`],
      [{ code: '05800088', lib: 'x509 certificate routines', func: 'X509_load_cert_crl_file_ex', reason: 'no certificate or crl found', where: '../crypto/x509/by_file.c:251', data: '' }],
    );
  }
  return certs;
}

const noStartLine = (label: string): ErrorEntry => ({
  code: '0480006C',
  lib: 'PEM routines',
  func: 'get_name',
  reason: 'no start line',
  where: '../crypto/pem/pem_lib.c:760',
  data: `Expecting: ${label}`,
});

export async function loadCsr(ctx: OpensslContext, path: string | undefined, failLine: string): Promise<CertificateRequest> {
  const data = await readPlain(ctx, path, [failLine]);
  const csr = parseCsrPem(data.toString('latin1')) ?? derCsr(data);
  if (!csr) throw new OpensslFailure([failLine], [noStartLine('CERTIFICATE REQUEST')]);
  return csr;
}

function derCertificate(data: Buffer): Certificate | undefined {
  if (data[0] !== 0x30) return undefined;
  try {
    return parseCertificateDer(data);
  } catch {
    return undefined;
  }
}

function derCsr(data: Buffer): CertificateRequest | undefined {
  if (data[0] !== 0x30) return undefined;
  try {
    return parseCsrDer(data);
  } catch {
    return undefined;
  }
}

/** Certificates in a directory (-CApath; /etc/ssl/certs by default). Unreadable entries are skipped, as lookups by hash skip them. */
export function loadCertificateDir(ctx: OpensslContext, dir: string): Certificate[] {
  const full = resolvePath(ctx.cwd, dir);
  let names: string[];
  try {
    names = ctx.fs.readdir(full);
  } catch {
    return [];
  }
  const out: Certificate[] = [];
  for (const n of names) {
    try {
      out.push(...parseCertificatesPem(Buffer.from(ctx.fs.readFile(`${full}/${n}`)).toString('latin1')));
    } catch {
      // a directory, a dangling link, no permission: not a certificate for us
    }
  }
  return out;
}

/** Trusted certificates: -CAfile, -CApath, and the system store unless -no-CAfile/-no-CApath. */
export async function loadTrustStore(ctx: OpensslContext, opts: { caFiles: string[]; caPaths: string[]; noCAfile: boolean; noCApath: boolean }): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const f of opts.caFiles) out.push(...(await loadCertificateBundle(ctx, f)));
  for (const d of opts.caPaths) out.push(...loadCertificateDir(ctx, d));
  if (!opts.noCAfile && opts.caFiles.length === 0 && ctx.fs.exists('/usr/lib/ssl/cert.pem')) {
    try {
      out.push(...parseCertificatesPem(Buffer.from(ctx.fs.readFile('/usr/lib/ssl/cert.pem')).toString('latin1')));
    } catch {
      // unreadable system bundle: as if absent
    }
  }
  if (!opts.noCApath && opts.caPaths.length === 0) out.push(...loadCertificateDir(ctx, '/etc/ssl/certs'));
  return out;
}
