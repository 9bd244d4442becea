// chown: change file owner and group (GNU coreutils): OWNER[:GROUP], :GROUP, numeric ids, -R, -v, -c, -h.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { fsOf, groupName, HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, reason, usageError, userName } from './common.ts';

const HELP = `Usage: chown [OPTION]... [OWNER][:[GROUP]] FILE...
  or:  chown [OPTION]... --reference=RFILE FILE...
Change the owner and/or group of each FILE to OWNER and/or GROUP.
With --reference, change the owner and group of each FILE to those of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
  -h, --no-dereference   affect symbolic links instead of any referenced file
      --reference=RFILE  use RFILE's owner and group rather than
                         specifying OWNER:GROUP values
  -R, --recursive        operate on files and directories recursively
      --help        display this help and exit
      --version     output version information and exit

Owner is unchanged if missing.  Group is unchanged if missing, but changed
to login group if implied by a ':' following a symbolic OWNER.
OWNER and GROUP may be numeric as well as symbolic.

Examples:
  chown root /u        Change the owner of /u to "root".
  chown root:staff /u  Likewise, but also change its group to "staff".
  chown -hR root /u    Change the owner of /u and subfiles to "root".
`;

/** Parses OWNER[:GROUP] into ids (-1 = unchanged); a string is the error message. */
export function parseOwnerSpec(ctx: CommandContext, spec: string): { uid: number; gid: number } | string {
  const users = ctx.host.users;
  const sep = spec.search(/[:.]/);
  const owner = sep < 0 ? spec : spec.slice(0, sep);
  const group = sep < 0 ? undefined : spec.slice(sep + 1);
  let uid = -1;
  let gid = -1;
  if (owner) {
    const u = users.byName(owner);
    if (u) uid = u.uid;
    else if (/^\d+$/.test(owner)) uid = Number(owner);
    else return `invalid user: ${lq(spec)}`;
    if (group === '' && u) gid = u.gid;
  }
  if (group) {
    const g = users.groupByName(group);
    if (g) gid = g.gid;
    else if (/^\d+$/.test(group)) gid = Number(group);
    else return `invalid group: ${lq(spec)}`;
  }
  return { uid, gid };
}

export const chown: Command = {
  name: 'chown',
  summary: 'change file owner and group',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'chown', {
      ...HELP_VERSION,
      changes: { short: 'c' },
      silent: { short: 'f' },
      quiet: {},
      verbose: { short: 'v' },
      'no-dereference': { short: 'h' },
      dereference: {},
      reference: { arg: true },
      recursive: { short: 'R' },
      'preserve-root': {},
      'no-preserve-root': {},
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const ops = [...args.operands];
    let ids: { uid: number; gid: number };
    const ref = args.value('reference');
    if (ref !== undefined) {
      try {
        const st = fs.stat(resolvePath(ctx.cwd, ref));
        ids = { uid: st.uid, gid: st.gid };
      } catch (e) {
        await ctx.stderr.write(`chown: failed to get attributes of ${quote(ref)}: ${reason(e)}\n`);
        return 1;
      }
    } else {
      const spec = ops.shift();
      if (spec === undefined) return usageError(ctx, 'chown', 'chown: missing operand');
      if (!ops.length) return usageError(ctx, 'chown', `chown: missing operand after ${lq(spec)}`);
      const parsed = parseOwnerSpec(ctx, spec);
      if (typeof parsed === 'string') {
        await ctx.stderr.write(`chown: ${parsed}\n`);
        return 1;
      }
      ids = parsed;
    }
    if (!ops.length) return usageError(ctx, 'chown', 'chown: missing operand');
    const quiet = args.has('silent') || args.has('quiet');
    const noDeref = args.has('no-dereference');
    let status = 0;
    const describe = (uid: number, gid: number) => (ids.gid === -1 ? userName(ctx, uid) : ids.uid === -1 ? groupName(ctx, gid) : `${userName(ctx, uid)}:${groupName(ctx, gid)}`);
    const visit = async (shown: string, path: string, top: boolean): Promise<void> => {
      let st;
      try {
        st = top && !noDeref ? fs.stat(path) : fs.lstat(path);
      } catch (e) {
        if (!quiet) await ctx.stderr.write(`chown: cannot access ${quote(shown)}: ${reason(e)}\n`);
        status = 1;
        return;
      }
      const uid = ids.uid === -1 ? st.uid : ids.uid;
      const gid = ids.gid === -1 ? st.gid : ids.gid;
      const changed = uid !== st.uid || gid !== st.gid;
      try {
        fs.chown(path, ids.uid, ids.gid, { noFollow: noDeref || !top });
        const what = ids.uid === -1 ? 'group' : 'ownership';
        if (args.has('verbose') && !changed) await ctx.stdout.write(`${what} of ${quote(shown)} retained as ${describe(uid, gid)}\n`);
        else if ((args.has('verbose') || args.has('changes')) && changed) await ctx.stdout.write(`changed ${what} of ${quote(shown)} from ${describe(st.uid, st.gid)} to ${describe(uid, gid)}\n`);
      } catch (e) {
        if (!quiet) await ctx.stderr.write(`chown: changing ${ids.uid === -1 ? 'group' : 'ownership'} of ${quote(shown)}: ${reason(e)}\n`);
        status = 1;
      }
      if (args.has('recursive') && st.type === 'dir') {
        let names: string[] = [];
        try {
          names = fs.readdir(path);
        } catch (e) {
          if (!quiet) await ctx.stderr.write(`chown: cannot read directory ${quote(shown)}: ${reason(e)}\n`);
          status = 1;
        }
        for (const n of names) await visit(shown.endsWith('/') ? shown + n : `${shown}/${n}`, resolvePath(path, n), false);
      }
    };
    for (const f of ops) await visit(f, resolvePath(ctx.cwd, f), true);
    return status;
  },
};
