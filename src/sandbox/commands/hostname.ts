// hostname: show the host's name (Debian's hostname 3.23): -I all addresses, -i the addresses the name resolves to.
import type { Command } from '../types.ts';
import { HELP_VERSION, parseOrFail } from './common.ts';

const HELP = `Usage: hostname [-b] {hostname|-F file}         set host name (from file)
       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name
       hostname                                 display host name

       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)
       {yp,nis,}domainname                      display NIS domain name

       dnsdomainname                            display dns domain name

       hostname -V|--version|-h|--help          print info and exit

Program options:
    -a, --alias            alias names
    -A, --all-fqdns        all long host names (FQDNs)
    -d, --domain           DNS domain name
    -f, --fqdn, --long     long host name (FQDN)
    -i, --ip-address       addresses for the host name
    -I, --all-ip-addresses all addresses for the host
    -s, --short            short host name
`;

const SPEC = {
  ...HELP_VERSION,
  h: { short: 'h' },
  V: { short: 'V' },
  alias: { short: 'a' },
  'all-fqdns': { short: 'A' },
  domain: { short: 'd' },
  fqdn: { short: 'f' },
  long: {},
  'ip-address': { short: 'i' },
  'all-ip-addresses': { short: 'I' },
  short: { short: 's' },
  boot: { short: 'b' },
  file: { short: 'F', arg: true },
};

export const hostname: Command = {
  name: 'hostname',
  summary: 'show or set the system host name',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'hostname', SPEC);
    if (typeof args === 'number') return args;
    if (args.has('help') || args.has('h')) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args.has('version') || args.has('V')) {
      await ctx.stdout.write('hostname 3.23\n');
      return 0;
    }
    const name = ctx.host.hostname;
    if (args.operands.length || args.has('file')) {
      if (ctx.proc.cred.uid !== 0) {
        await ctx.stderr.write('hostname: you must be root to change the host name\n');
        return 1;
      }
      const setter = ctx.host as unknown as { setHostname?: (n: string) => void };
      const next = args.operands[0] ?? new TextDecoder().decode(ctx.fs.readFile(args.value('file')!)).split('\n')[0]!.trim();
      setter.setHostname?.(next);
      return 0;
    }
    const last = args.list.filter((o) => o.name !== 'boot').pop()?.name;
    let out: string;
    switch (last) {
      case 'all-ip-addresses':
        out = `${ctx.host.ip} `;
        break;
      case 'ip-address': {
        const ip = ctx.net.resolve(name);
        if (!ip) {
          await ctx.stderr.write('hostname: Name or service not known\n');
          return 1;
        }
        out = ip;
        break;
      }
      case 'domain':
        out = name.includes('.') ? name.slice(name.indexOf('.') + 1) : '';
        break;
      case 'short':
        out = name.split('.')[0]!;
        break;
      case 'alias':
        out = '';
        break;
      case 'all-fqdns':
        out = `${name} `;
        break;
      default:
        out = name;
    }
    await ctx.stdout.write(out + '\n');
    return 0;
  },
};
