// openssl verify: "server.crt: OK", or the failing certificate's subject and the error.
import { OpensslFailure } from '../errors.ts';
import { formatName } from '../name.ts';
import { verifyCertificate, type Purpose } from '../verify.ts';
import type { Certificate } from '../certificate.ts';
import { flag, parseArgs, UsageError, value, values } from './args.ts';
import type { OpensslContext } from './context.ts';
import { loadCertificate, loadCertificateBundle, loadTrustStore } from './load.ts';

const PURPOSES: Record<string, Purpose> = { sslserver: 'sslserver', sslclient: 'sslclient', any: 'any' };

export async function verify(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    'verify',
    args,
    [
      { name: 'CAfile', kind: 'string', multi: true },
      { name: 'CApath', kind: 'string', multi: true },
      { name: 'untrusted', kind: 'string', multi: true },
      { name: 'trusted', kind: 'string', multi: true },
      { name: 'purpose', kind: 'string' },
      { name: 'verify_hostname', kind: 'string' },
      { name: 'verify_ip', kind: 'string' },
      { name: 'attime', kind: 'int' },
      { name: 'show_chain', kind: 'flag' },
      { name: 'verbose', kind: 'flag' },
      { name: 'no-CAfile', kind: 'flag' },
      { name: 'no-CApath', kind: 'flag' },
      { name: 'x509_strict', kind: 'flag' },
      { name: 'partial_chain', kind: 'flag' },
      { name: 'CRLfile', kind: 'string', multi: true },
      { name: 'crl_check', kind: 'flag' },
      { name: 'no_check_time', kind: 'flag' },
    ],
    { unknown: 'error' },
  );
  const purposeName = value(p, 'purpose');
  let purpose: Purpose | undefined;
  if (purposeName !== undefined) {
    purpose = PURPOSES[purposeName];
    if (!purpose) throw new UsageError([`verify: Invalid purpose ${purposeName}`, 'verify: Use -help for summary.']);
  }
  const trusted: Certificate[] = await loadTrustStore(ctx, {
    caFiles: [...values(p, 'CAfile'), ...values(p, 'trusted')],
    caPaths: values(p, 'CApath'),
    noCAfile: flag(p, 'no-CAfile') || values(p, 'trusted').length > 0,
    noCApath: flag(p, 'no-CApath') || values(p, 'trusted').length > 0,
  });
  const untrusted: Certificate[] = [];
  for (const f of values(p, 'untrusted')) untrusted.push(...(await loadCertificateBundle(ctx, f)));
  const attime = value(p, 'attime');
  const now = attime !== undefined ? Number(attime) * 1000 : ctx.clock.now();
  const files = p.rest.length ? p.rest : [undefined];
  let status = 0;
  for (const f of files) {
    const label = f ?? 'stdin';
    let cert: Certificate;
    try {
      cert = await loadCertificate(ctx, f, 'certificate file');
    } catch (e) {
      if (e instanceof OpensslFailure) {
        await ctx.err(e.render());
        status = 2;
        continue;
      }
      throw e;
    }
    const r = verifyCertificate(cert, trusted, {
      untrusted,
      now: flag(p, 'no_check_time') ? cert.notBefore.getTime() : now,
      purpose,
      hostname: value(p, 'verify_hostname'),
      ip: value(p, 'verify_ip'),
      partialChain: flag(p, 'partial_chain'),
    });
    if (r.ok) {
      await ctx.out(`${label}: OK\n`);
      if (flag(p, 'show_chain')) {
        await ctx.out('Chain:\n');
        for (let i = 0; i < r.chain.length; i++) {
          const c = r.chain[i]!;
          const untrustedTag = trusted.some((t) => t.der.equals(c.der)) ? '' : ' (untrusted)';
          await ctx.out(`depth=${i}: ${formatName(c.subject)}${untrustedTag}\n`);
        }
      }
    } else {
      let text = `${formatName(r.cert.subject)}\nerror ${r.code} at ${r.depth} depth lookup: ${r.error}\n`;
      for (const m of r.more ?? []) text += `${formatName(r.chain[m.depth]!.subject)}\nerror ${m.code} at ${m.depth} depth lookup: ${m.error}\n`;
      await ctx.err(`${text}error ${label}: verification failed\n`);
      status = 2;
    }
  }
  return status;
}
