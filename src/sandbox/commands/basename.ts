// basename: strip directory and suffix from file names (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: basename NAME [SUFFIX]
  or:  basename OPTION... NAME...
Print NAME with any leading directory components removed.
If specified, also remove a trailing SUFFIX.

  -a, --multiple       support multiple arguments and treat each as a NAME
  -s, --suffix=SUFFIX  remove a trailing SUFFIX; implies -a
  -z, --zero           end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit

Examples:
  basename /usr/bin/sort          -> "sort"
  basename include/stdio.h .h     -> "stdio"
  basename -s .h include/stdio.h  -> "stdio"
  basename -a any/str1 any/str2   -> "str1" followed by "str2"
`;

export function baseName(name: string, suffix?: string): string {
  if (name === '') return '';
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  let base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (suffix && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  return base;
}

export const basename: Command = {
  name: 'basename',
  summary: 'strip directory and suffix from filenames',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'basename', { ...HELP_VERSION, multiple: { short: 'a' }, suffix: { short: 's', arg: true }, zero: { short: 'z' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const ops = args.operands;
    if (!ops.length) return usageError(ctx, 'basename', 'basename: missing operand');
    const end = args.has('zero') ? '\0' : '\n';
    const suffix = args.value('suffix');
    if (args.has('multiple') || suffix !== undefined) {
      for (const n of ops) await ctx.stdout.write(baseName(n, suffix) + end);
      return 0;
    }
    if (ops.length > 2) return usageError(ctx, 'basename', `basename: extra operand ${lq(ops[2]!)}`);
    await ctx.stdout.write(baseName(ops[0]!, ops[1]) + end);
    return 0;
  },
};
