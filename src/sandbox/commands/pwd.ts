// pwd: print the current directory (GNU coreutils: -P by default, -L trusts $PWD when it names the same place).
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, reason } from './common.ts';

const HELP = `Usage: pwd [OPTION]...
Print the full filename of the current working directory.

  -L, --logical   use PWD from environment, even if it contains symlinks
  -P, --physical  avoid all symlinks
      --help        display this help and exit
      --version     output version information and exit

If no option is specified, -P is assumed.
`;

export const pwd: Command = {
  name: 'pwd',
  summary: 'print name of current/working directory',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'pwd', { ...HELP_VERSION, logical: { short: 'L' }, physical: { short: 'P' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length) await ctx.stderr.write('pwd: ignoring non-option arguments\n');
    const fs = fsOf(ctx);
    const logical = args.list.filter((o) => o.name === 'logical' || o.name === 'physical').pop()?.name === 'logical';
    try {
      const real = fs.realpath(ctx.cwd);
      const env = ctx.env.PWD;
      if (logical && env && env.startsWith('/') && resolvePath('/', env) === env && fs.realpath(env) === real) {
        await ctx.stdout.write(env + '\n');
      } else await ctx.stdout.write(real + '\n');
      return 0;
    } catch (e) {
      await ctx.stderr.write(`pwd: couldn't find directory entry in '..' with matching i-node\n`);
      void reason(e);
      return 1;
    }
  },
};
