// openssl rsa and pkey: read a key, check it, print it, convert it.
import { OpensslFailure } from '../errors.ts';
import { parsePublicKeyPem, privateKeyPem, privateKeyText, publicKeyPem, publicKeyText, rsaModulusHex, traditionalPrivateKeyPem, type PrivateKey } from '../keys.ts';
import { flag, parseArgs, UsageError, value, type OptionSpec } from './args.ts';
import type { OpensslContext } from './context.ts';
import { readStored, writeOutput } from './files.ts';
import { loadPrivateKey } from './load.ts';
import { encryptPrivateKeyPem, passphraseFrom } from './passphrase.ts';
import { createPrivateKey } from 'node:crypto';

const SPECS: OptionSpec[] = [
  ...['in', 'out', 'inform', 'outform', 'passin', 'passout'].map((name) => ({ name, kind: 'string' as const })),
  ...['pubin', 'pubout', 'noout', 'text', 'check', 'modulus', 'traditional', 'text_pub', 'RSAPublicKey_out', 'RSAPublicKey_in'].map((name) => ({ name, kind: 'flag' as const })),
];

/** `openssl rsa -check`: RSA key consistency, via the key's own components. */
function rsaKeyOk(k: PrivateKey): boolean {
  try {
    const der = k.key.export({ type: 'pkcs1', format: 'der' });
    createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    const jwk = k.key.export({ format: 'jwk' }) as Record<string, string>;
    const b = (s: string | undefined) => BigInt('0x' + Buffer.from(s ?? '', 'base64url').toString('hex'));
    const n = b(jwk['n']);
    const p = b(jwk['p']);
    const q = b(jwk['q']);
    return p * q === n;
  } catch {
    return false;
  }
}

export async function keyCommand(ctx: OpensslContext, args: string[], prog: 'rsa' | 'pkey'): Promise<number> {
  const p = parseArgs(prog, args, SPECS, { unknown: 'cipher' });
  if (p.rest.length) throw new UsageError([`${prog}: Extra arguments given.`, `${prog}: Use -help for summary.`]);
  const inPath = value(p, 'in');
  let out = '';
  if (flag(p, 'pubin')) {
    const data = await readStored(ctx, inPath, 'public key');
    const pub = parsePublicKeyPem(data.toString('latin1'));
    if (!pub) throw new OpensslFailure([`Could not read public key from ${inPath ?? '<stdin>'}`]);
    if (flag(p, 'text')) out += publicKeyText(pub);
    if (flag(p, 'modulus')) out += `Modulus=${rsaModulusHex(pub)}\n`;
    if (!flag(p, 'noout')) {
      if (prog === 'rsa') await ctx.err('writing RSA key\n');
      out += publicKeyPem(pub);
    }
    if (out) await writeOutput(ctx, value(p, 'out'), out);
    return 0;
  }
  const key = await loadPrivateKey(ctx, inPath, 'private key', value(p, 'passin'));
  if (prog === 'rsa' && key.type !== 'rsa') throw new OpensslFailure([`Not an RSA key`]);
  if (flag(p, 'text_pub')) out += publicKeyText(key.publicKey);
  else if (flag(p, 'text')) out += flag(p, 'pubout') ? publicKeyText(key.publicKey) : privateKeyText(key);
  if (flag(p, 'modulus')) out += `Modulus=${rsaModulusHex(key.publicKey)}\n`;
  if (flag(p, 'check')) {
    if (prog === 'rsa') out += rsaKeyOk(key) ? 'RSA key ok\n' : 'RSA key not ok\n';
    else out += 'Key is valid\n';
  }
  if (!flag(p, 'noout')) {
    if (prog === 'rsa') await ctx.err('writing RSA key\n');
    if (flag(p, 'pubout')) out += publicKeyPem(key.publicKey);
    else {
      if (/^der$/i.test(value(p, 'outform') ?? '')) {
        await writeOutput(ctx, value(p, 'out'), key.key.export({ type: prog === 'rsa' && flag(p, 'traditional') ? 'pkcs1' : 'pkcs8', format: 'der' }), { private: true });
        return 0;
      }
      let pem = flag(p, 'traditional') ? traditionalPrivateKeyPem(key) : privateKeyPem(key);
      const cipher = p.unknown[0];
      if (cipher) pem = encryptPrivateKeyPem(key, await passphraseFrom(ctx, value(p, 'passout'), true), cipher);
      out += pem;
    }
  }
  if (out) await writeOutput(ctx, value(p, 'out'), out, { private: !flag(p, 'pubout') && !flag(p, 'noout') });
  return 0;
}
