// whoami: print the effective user name (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: whoami [OPTION]...
Print the user name associated with the current effective user ID.
Same as id -un.

      --help        display this help and exit
      --version     output version information and exit
`;

export const whoami: Command = {
  name: 'whoami',
  summary: 'print effective user name',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'whoami', HELP_VERSION);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length) return usageError(ctx, 'whoami', `whoami: extra operand '${args.operands[0]}'`);
    const u = ctx.host.users.byUid(ctx.proc.cred.uid);
    if (!u) {
      await ctx.stderr.write(`whoami: cannot find name for user ID ${ctx.proc.cred.uid}\n`);
      return 1;
    }
    await ctx.stdout.write(u.name + '\n');
    return 0;
  },
};
