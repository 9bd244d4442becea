// id: print user and group ids (GNU coreutils wording: uid=1000(learner) gid=… groups=…).
import type { Command, Credentials } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: id [OPTION]... [USER]...
Print user and group information for each specified USER,
or (when USER omitted) for the current process.

  -a             ignore, for compatibility with other versions
  -g, --group    print only the effective group ID
  -G, --groups   print all group IDs
  -n, --name     print a name instead a number, for -ugG
  -r, --real     print the real ID instead of the effective ID, with -ugG
  -u, --user     print only the effective user ID
  -z, --zero     delimit entries with NUL characters, not whitespace;
                   not permitted in default format
      --help        display this help and exit
      --version     output version information and exit

Without any OPTION, print some useful set of identified information.
`;

const SPEC = { ...HELP_VERSION, a: { short: 'a' }, group: { short: 'g' }, groups: { short: 'G' }, name: { short: 'n' }, real: { short: 'r' }, user: { short: 'u' }, zero: { short: 'z' } };

export const id: Command = {
  name: 'id',
  summary: 'print real and effective user and group IDs',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'id', SPEC);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const users = ctx.host.users;
    const only = ['user', 'group', 'groups'].filter((o) => args.has(o));
    if (only.length > 1) return usageError(ctx, 'id', 'id: cannot print "only" of more than one choice');
    if (args.has('name') && !only.length) return usageError(ctx, 'id', 'id: cannot print only names or real IDs in default format');
    if (args.has('zero') && !only.length) return usageError(ctx, 'id', 'id: option --zero not permitted in default format');
    const targets: (Credentials | string)[] = args.operands.length ? args.operands : [ctx.proc.cred];
    let status = 0;
    const sep = args.has('zero') ? '\0' : ' ';
    const end = args.has('zero') ? '\0' : '\n';
    for (const t of targets) {
      let cred: Credentials | undefined;
      if (typeof t === 'string') {
        cred = users.credentials(t) ?? (/^\d+$/.test(t) && users.byUid(Number(t)) ? users.credentials(users.byUid(Number(t))!.name) : undefined);
        if (!cred) {
          await ctx.stderr.write(`id: '${t}': no such user\n`);
          status = 1;
          continue;
        }
      } else cred = t;
      const uname = (uid: number) => users.byUid(uid)?.name;
      const gname = (gid: number) => users.groupByGid(gid)?.name;
      const name = args.has('name');
      const show = (n: number, label: string | undefined) => (name ? (label ?? String(n)) : String(n));
      if (args.has('user')) await ctx.stdout.write(show(cred.uid, uname(cred.uid)) + end);
      else if (args.has('group')) await ctx.stdout.write(show(cred.gid, gname(cred.gid)) + end);
      else if (args.has('groups')) await ctx.stdout.write(groupList(cred).map((g) => show(g, gname(g))).join(sep) + end);
      else {
        const paren = (n: number, label: string | undefined) => (label === undefined ? String(n) : `${n}(${label})`);
        const groups = groupList(cred).map((g) => paren(g, gname(g))).join(',');
        await ctx.stdout.write(`uid=${paren(cred.uid, uname(cred.uid))} gid=${paren(cred.gid, gname(cred.gid))} groups=${groups}\n`);
      }
    }
    return status;
  },
};

function groupList(cred: Credentials): number[] {
  const out = [cred.gid];
  for (const g of cred.groups) if (!out.includes(g)) out.push(g);
  return out;
}
