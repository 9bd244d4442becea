// genrsa and genpkey: new private keys, written as PKCS#8 PEM (OpenSSL 3's default).
import { OpensslFailure } from '../errors.ts';
import { generateEcKey, generateEd25519Key, generateRsaKeyAsync, privateKeyPem, traditionalPrivateKeyPem, type PrivateKey } from '../keys.ts';
import { flag, parseArgs, UsageError, value, values } from './args.ts';
import type { OpensslContext } from './context.ts';
import { checkWritable, writeOutput } from './files.ts';
import { encryptPrivateKeyPem, passphraseFrom } from './passphrase.ts';

/** The "....+++++" lines genpkey and req -newkey print while finding primes. */
export function keygenDots(): string {
  const line = () => '.'.repeat(5 + Math.floor(Math.random() * 40)) + '+'.repeat(64);
  return `${line()}\n${line()}\n`;
}

const tooSmall = () =>
  new OpensslFailure(
    ['Error setting RSA length'],
    [{ code: '1C8000AB', lib: 'Provider routines', func: 'rsa_gen_set_params', reason: 'key size too small', where: '../providers/implementations/keymgmt/rsa_kmgmt.c:509', data: '' }],
  );

export async function rsaKeyOfSize(bits: number): Promise<PrivateKey> {
  if (bits < 512) throw tooSmall();
  if (bits > 16384) throw new OpensslFailure([`Warning: It is not recommended to use more than 16384 bit for RSA keys.`]);
  return generateRsaKeyAsync(bits);
}

async function emitKey(ctx: OpensslContext, key: PrivateKey, out: string | undefined, cipher: string | undefined, passout: string | undefined, traditional: boolean): Promise<void> {
  let pem = traditional ? traditionalPrivateKeyPem(key) : privateKeyPem(key);
  if (cipher) {
    const pass = await passphraseFrom(ctx, passout, true);
    pem = encryptPrivateKeyPem(key, pass, cipher);
  }
  await writeOutput(ctx, out, pem, { private: true });
}

export async function genrsa(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'genrsa',
    args,
    [
      { name: 'out', kind: 'string' },
      { name: 'passout', kind: 'string' },
      { name: 'f4', kind: 'flag' },
      { name: '3', kind: 'flag' },
      { name: 'verbose', kind: 'flag' },
      { name: 'quiet', kind: 'flag' },
      { name: 'traditional', kind: 'flag' },
      { name: 'primes', kind: 'nonneg' },
    ],
    { unknown: 'fetch-cipher' },
  );
  if (p.rest.length > 1) throw new UsageError([`genrsa: Extra arguments given.`, 'genrsa: Use -help for summary.']);
  const bitsArg = p.rest[0] ?? '2048';
  if (!/^\d+$/.test(bitsArg)) throw new UsageError([`genrsa: Can't parse "${bitsArg}" as a number`, 'genrsa: Use -help for summary.']);
  const out = value(p, 'out');
  checkWritable(ctx, out, 'genrsa: ');
  const key = await rsaKeyOfSize(Number(bitsArg));
  await emitKey(ctx, key, out, p.unknown[0], value(p, 'passout'), flag(p, 'traditional'));
  return 0;
}

export async function genpkey(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'genpkey',
    args,
    [
      { name: 'algorithm', kind: 'string' },
      { name: 'pkeyopt', kind: 'string', multi: true },
      { name: 'out', kind: 'string' },
      { name: 'outform', kind: 'string' },
      { name: 'pass', kind: 'string' },
      { name: 'quiet', kind: 'flag' },
      { name: 'text', kind: 'flag' },
    ],
    { unknown: 'cipher' },
  );
  if (p.rest.length) throw new UsageError([`genpkey: Extra arguments given.`, 'genpkey: Use -help for summary.']);
  const alg = value(p, 'algorithm');
  if (!alg) throw new UsageError(['genpkey: No algorithm specified.', 'genpkey: Use -help for summary.']);
  const opts = new Map<string, string>();
  for (const o of values(p, 'pkeyopt')) {
    const i = o.indexOf(':');
    opts.set(i < 0 ? o : o.slice(0, i), i < 0 ? '' : o.slice(i + 1));
  }
  const out = value(p, 'out');
  checkWritable(ctx, out);
  let key: PrivateKey;
  switch (alg.toUpperCase()) {
    case 'RSA': {
      const bits = Number(opts.get('rsa_keygen_bits') ?? '2048');
      key = await rsaKeyOfSize(bits);
      if (!flag(p, 'quiet')) await ctx.err(keygenDots());
      break;
    }
    case 'EC': {
      const curve = opts.get('ec_paramgen_curve') ?? opts.get('group');
      if (!curve) throw new OpensslFailure(['Error generating EC key']);
      try {
        key = generateEcKey(curve);
      } catch {
        throw new OpensslFailure([`genpkey: Error setting ec_paramgen_curve:${curve} parameter:`]);
      }
      break;
    }
    case 'ED25519':
      key = generateEd25519Key();
      break;
    default:
      throw new OpensslFailure([`genpkey: Algorithm ${alg} not found`]);
  }
  await emitKey(ctx, key, out, p.unknown[0], value(p, 'pass'), false);
  return 0;
}
