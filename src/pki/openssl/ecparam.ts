// openssl ecparam -genkey -name prime256v1: an EC key in the traditional SEC1 form,
// preceded by its parameters unless -noout, as OpenSSL 3 writes it.
import { encode, oid } from '../der.ts';
import { OpensslFailure } from '../errors.ts';
import { generateEcKey, traditionalPrivateKeyPem } from '../keys.ts';
import { CURVES } from '../oids.ts';
import { toPem } from '../pem.ts';
import { flag, parseArgs, UsageError, value } from './args.ts';
import type { OpensslContext } from './context.ts';
import { writeOutput } from './files.ts';

export async function ecparam(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'ecparam',
    args,
    [
      { name: 'name', kind: 'string' },
      { name: 'out', kind: 'string' },
      { name: 'genkey', kind: 'flag' },
      { name: 'noout', kind: 'flag' },
      { name: 'list_curves', kind: 'flag' },
      { name: 'text', kind: 'flag' },
    ],
    { unknown: 'error' },
  );
  if (p.rest.length) throw new UsageError(['ecparam: Extra arguments given.', 'ecparam: Use -help for summary.']);
  if (flag(p, 'list_curves')) {
    await ctx.out(
      '  secp384r1 : NIST/SECG curve over a 384 bit prime field\n  prime256v1: X9.62/SECG curve over a 256 bit prime field\n',
    );
    return 0;
  }
  const name = value(p, 'name');
  const curve = CURVES.find((c) => c.name === name || c.nist === name || (name === 'secp256r1' && c.name === 'prime256v1'));
  if (!curve) {
    throw new OpensslFailure(
      ['unable to generate key'],
      [{ code: '0800008D', lib: 'elliptic curve routines', func: 'group_new_from_name', reason: 'invalid curve', where: '../crypto/ec/ec_lib.c:1490', data: '' }],
    );
  }
  let out = flag(p, 'noout') ? '' : toPem('EC PARAMETERS', encode(oid(curve.oid)));
  if (flag(p, 'genkey')) out += traditionalPrivateKeyPem(generateEcKey(curve.name));
  await writeOutput(ctx, value(p, 'out'), out, { private: flag(p, 'genkey') });
  return 0;
}
