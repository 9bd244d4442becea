// uname: print system information (GNU coreutils) for a Debian 12 kernel.
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, usageError } from './common.ts';

export const KERNEL_RELEASE = '6.1.0-26-amd64';
export const KERNEL_VERSION = '#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)';

const HELP = `Usage: uname [OPTION]...
Print certain system information.  With no OPTION, same as -s.

  -a, --all                print all information, in the following order,
                             except omit -p and -i if unknown:
  -s, --kernel-name        print the kernel name
  -n, --nodename           print the network node hostname
  -r, --kernel-release     print the kernel release
  -v, --kernel-version     print the kernel version
  -m, --machine            print the machine hardware name
  -p, --processor          print the processor type (non-portable)
  -i, --hardware-platform  print the hardware platform (non-portable)
  -o, --operating-system   print the operating system
      --help        display this help and exit
      --version     output version information and exit
`;

const SPEC = {
  ...HELP_VERSION,
  all: { short: 'a' },
  'kernel-name': { short: 's' },
  nodename: { short: 'n' },
  'kernel-release': { short: 'r' },
  'kernel-version': { short: 'v' },
  machine: { short: 'm' },
  processor: { short: 'p' },
  'hardware-platform': { short: 'i' },
  'operating-system': { short: 'o' },
};

export const uname: Command = {
  name: 'uname',
  summary: 'print system information',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'uname', SPEC);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length) return usageError(ctx, 'uname', `uname: extra operand '${args.operands[0]}'`);
    const all = args.has('all');
    const want = (k: string) => all || args.has(k);
    const parts: string[] = [];
    if (want('kernel-name') || !args.list.length) parts.push('Linux');
    if (want('nodename')) parts.push(ctx.host.hostname);
    if (want('kernel-release')) parts.push(KERNEL_RELEASE);
    if (want('kernel-version')) parts.push(KERNEL_VERSION);
    if (want('machine')) parts.push('x86_64');
    if (args.has('processor')) parts.push('unknown');
    if (args.has('hardware-platform')) parts.push('unknown');
    if (want('operating-system')) parts.push('GNU/Linux');
    await ctx.stdout.write(parts.join(' ') + '\n');
    return 0;
  },
};
