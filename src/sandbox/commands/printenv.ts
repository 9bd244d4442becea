// printenv: print all or part of the environment (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail } from './common.ts';

const HELP = `Usage: printenv [OPTION]... [VARIABLE]...
Print the values of the specified environment VARIABLE(s).
If no VARIABLE is specified, print name and value pairs for them all.

  -0, --null     end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
`;

export const printenv: Command = {
  name: 'printenv',
  summary: 'print all or part of environment',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'printenv', { ...HELP_VERSION, null: { short: '0' } }, { status: 2 });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const end = args.has('null') ? '\0' : '\n';
    if (!args.operands.length) {
      await ctx.stdout.write(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}${end}`).join(''));
      return 0;
    }
    let missing = false;
    for (const name of args.operands) {
      const v = name.includes('=') ? undefined : ctx.env[name];
      if (v === undefined) missing = true;
      else await ctx.stdout.write(v + end);
    }
    return missing ? 1 : 0;
  },
};
