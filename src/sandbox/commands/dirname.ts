// dirname: strip the last component from file names (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: dirname [OPTION] NAME...
Output each NAME with its last non-slash component and trailing slashes
removed; if NAME contains no /'s, output '.' (meaning the current directory).

  -z, --zero     end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit

Examples:
  dirname /usr/bin/          -> "/usr"
  dirname dir1/str dir2/str  -> "dir1" followed by "dir2"
  dirname stdio.h            -> "."
`;

export function dirName(name: string): string {
  const t = name.replace(/\/+$/, '');
  if (t === '') return name.startsWith('/') ? '/' : '.';
  const i = t.lastIndexOf('/');
  if (i < 0) return '.';
  const d = t.slice(0, i).replace(/\/+$/, '');
  return d === '' ? '/' : d;
}

export const dirname: Command = {
  name: 'dirname',
  summary: 'strip last component from file name',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'dirname', { ...HELP_VERSION, zero: { short: 'z' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'dirname', 'dirname: missing operand');
    for (const n of args.operands) await ctx.stdout.write(dirName(n) + (args.has('zero') ? '\0' : '\n'));
    return 0;
  },
};
