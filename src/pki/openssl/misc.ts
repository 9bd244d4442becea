// Small subcommands: dgst (and md5/sha1/sha256 …), rand, version.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { flag, parseArgs, UsageError, value, DIGESTS } from './args.ts';
import type { OpensslContext } from './context.ts';
import { readStored, readStdin, writeOutput } from './files.ts';

export const OPENSSL_VERSION = 'OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)';

/** The names dgst prints ("SHA2-256(stdin)= …"). */
const LABELS: Record<string, string> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha224: 'SHA2-224',
  sha256: 'SHA2-256',
  sha384: 'SHA2-384',
  sha512: 'SHA2-512',
  'sha3-256': 'SHA3-256',
  'sha3-512': 'SHA3-512',
};

export async function dgst(ctx: OpensslContext, args: string[], fixed?: string): Promise<number> {
  const prog = fixed ?? 'dgst';
  const p = parseArgs(
    prog,
    args,
    [
      { name: 'out', kind: 'string' },
      { name: 'hmac', kind: 'string' },
      { name: 'r', kind: 'flag' },
      { name: 'hex', kind: 'flag' },
      { name: 'binary', kind: 'flag' },
      { name: 'c', kind: 'flag' },
    ],
    { unknown: 'digest' },
  );
  const alg = fixed ?? p.unknown[p.unknown.length - 1] ?? 'sha256';
  if (!DIGESTS.includes(alg)) throw new UsageError([`${prog}: Unknown option or message digest: ${alg}`]);
  const label = LABELS[alg] ?? alg.toUpperCase();
  const files = p.rest.length ? p.rest : [undefined];
  let out = '';
  for (const f of files) {
    const data = f === undefined ? await readStdin(ctx) : await readStored(ctx, f, 'file');
    const key = value(p, 'hmac');
    const h = key !== undefined ? createHmac(alg, key).update(data) : createHash(alg).update(data);
    const digest = h.digest();
    if (flag(p, 'binary')) {
      await writeOutput(ctx, value(p, 'out'), digest);
      continue;
    }
    let hex = digest.toString('hex');
    if (flag(p, 'c')) hex = hex.match(/../g)!.join(':');
    const name = f ?? 'stdin';
    if (flag(p, 'r')) out += `${hex} *${name}\n`;
    else out += `${key !== undefined ? `HMAC-${label}` : label}(${name})= ${hex}\n`;
  }
  if (out) await writeOutput(ctx, value(p, 'out'), out);
  return 0;
}

export async function rand(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'rand',
    args,
    [
      { name: 'out', kind: 'string' },
      { name: 'hex', kind: 'flag' },
      { name: 'base64', kind: 'flag' },
    ],
    { unknown: 'error' },
  );
  if (p.rest.length > 1) throw new UsageError(['rand: Extra arguments given.', 'rand: Use -help for summary.']);
  const nArg = p.rest[0];
  if (nArg !== undefined && !/^\d+$/.test(nArg)) throw new UsageError([`rand: Can't parse "${nArg}" as a number`, 'rand: Use -help for summary.']);
  const n = Math.min(Number(nArg ?? '0'), 64 * 1024 * 1024);
  const bytes = randomBytes(n);
  let out: string | Buffer;
  if (flag(p, 'hex')) out = bytes.toString('hex') + '\n';
  else if (flag(p, 'base64')) out = n ? (bytes.toString('base64').match(/.{1,64}/g) ?? []).join('\n') + '\n' : '';
  else out = bytes;
  if (out.length) await writeOutput(ctx, value(p, 'out'), out);
  return 0;
}

export async function version(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'version',
    args,
    ['a', 'b', 'v', 'o', 'f', 'p', 'd', 'e', 'm', 'r', 'c'].map((name) => ({ name, kind: 'flag' as const })),
    { unknown: 'error' },
  );
  const all = flag(p, 'a');
  const lines: string[] = [];
  if (all || flag(p, 'v') || p.flags.size === 0) lines.push(OPENSSL_VERSION);
  if (all || flag(p, 'b')) lines.push('built on: Fri Apr  3 12:29:32 2026 UTC');
  if (all || flag(p, 'p')) lines.push('platform: debian-amd64');
  if (all || flag(p, 'o')) lines.push('options:  bn(64,64)');
  if (all || flag(p, 'd')) lines.push('OPENSSLDIR: "/usr/lib/ssl"');
  if (all || flag(p, 'e')) lines.push('ENGINESDIR: "/usr/lib/x86_64-linux-gnu/engines-3"');
  if (all || flag(p, 'm')) lines.push('MODULESDIR: "/usr/lib/x86_64-linux-gnu/ossl-modules"');
  if (all || flag(p, 'r')) lines.push('Seeding source: os-specific');
  await ctx.out(lines.join('\n') + '\n');
  return 0;
}
