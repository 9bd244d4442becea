// groups: print the groups a user is in (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail } from './common.ts';

const HELP = `Usage: groups [OPTION]... [USERNAME]...
Print group memberships for each USERNAME or, if no USERNAME is specified, for
the current process (which may differ if the groups database has changed).
      --help        display this help and exit
      --version     output version information and exit
`;

export const groups: Command = {
  name: 'groups',
  summary: 'print the groups a user is in',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'groups', HELP_VERSION);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const users = ctx.host.users;
    const names = (gids: number[]) => [...new Set(gids)].map((g) => users.groupByGid(g)?.name ?? String(g)).join(' ');
    if (!args.operands.length) {
      await ctx.stdout.write(names([ctx.proc.cred.gid, ...ctx.proc.cred.groups]) + '\n');
      return 0;
    }
    let status = 0;
    for (const u of args.operands) {
      const cred = users.credentials(u);
      if (!cred) {
        await ctx.stderr.write(`groups: ${lq(u)}: no such user\n`);
        status = 1;
        continue;
      }
      await ctx.stdout.write(`${u} : ${names(cred.groups)}\n`);
    }
    return status;
  },
};
