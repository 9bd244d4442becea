// Pass phrases for encrypted keys: -passin/-passout "pass:x", "env:VAR", "file:path",
// "stdin"; otherwise asked for on the terminal, as openssl does.
import { createPrivateKey } from 'node:crypto';
import { resolvePath } from '../../platform/filesystem.ts';
import { OpensslFailure } from '../errors.ts';
import type { PrivateKey } from '../keys.ts';
import type { OpensslContext } from './context.ts';

async function readLine(ctx: OpensslContext): Promise<string | undefined> {
  let s = '';
  for (;;) {
    const c = await ctx.stdin.read();
    if (c === null) return s.length ? s : undefined;
    s += Buffer.from(c).toString('utf8');
    const nl = s.indexOf('\n');
    if (nl >= 0) return s.slice(0, nl).replace(/\r$/, '');
  }
}

export async function passphraseFrom(ctx: OpensslContext, spec: string | undefined, verify: boolean, prompt = 'Enter PEM pass phrase:'): Promise<string> {
  if (spec !== undefined) {
    if (spec.startsWith('pass:')) return spec.slice(5);
    if (spec.startsWith('env:')) {
      const v = ctx.env[spec.slice(4)];
      if (v === undefined) throw new OpensslFailure([`Can't read environment variable ${spec.slice(4)}`]);
      return v;
    }
    if (spec.startsWith('file:')) {
      const text = Buffer.from(ctx.fs.readFile(resolvePath(ctx.cwd, spec.slice(5)))).toString('utf8');
      return text.split('\n')[0] ?? '';
    }
    if (spec === 'stdin') return (await readLine(ctx)) ?? '';
    throw new OpensslFailure([`Invalid password argument, missing ':' within the first 5 chars`]);
  }
  // On a terminal the typed line ends with the newline the (silent) echo would show.
  const nl = ctx.stdin.isTTY ? '\n' : '';
  await ctx.err(prompt);
  const first = await readLine(ctx);
  if (first === undefined || (verify && first.length < 4)) {
    await ctx.err(nl);
    throw new OpensslFailure(['Error reading password from BIO', 'Error getting password']);
  }
  if (verify) {
    await ctx.err(`${nl}Verifying - ${prompt}`);
    const again = await readLine(ctx);
    await ctx.err(nl);
    if (again !== first) throw new OpensslFailure(['Verify failure', 'Error reading password from BIO']);
  } else await ctx.err(nl);
  return first;
}

export function encryptPrivateKeyPem(key: PrivateKey, pass: string, cipher: string): string {
  const c = cipher.startsWith('aes') && !cipher.includes('-') ? `aes-${cipher.slice(3)}-cbc` : cipher === 'des3' ? 'des-ede3-cbc' : cipher;
  return key.key.export({ type: 'pkcs8', format: 'pem', cipher: c, passphrase: pass }).toString();
}

export function isEncryptedPem(text: string): boolean {
  return text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type: 4,ENCRYPTED/.test(text);
}

export function tryDecrypt(text: string, pass: string): boolean {
  try {
    createPrivateKey({ key: text, passphrase: pass });
    return true;
  } catch {
    return false;
  }
}
