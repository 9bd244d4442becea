// ln: make links (GNU coreutils). Symbolic links (-s) with -f, -n/-T, -v; hard links are
// not modelled by the sandbox's disk and fail as on a filesystem without them.
import { basename, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: ln [OPTION]... [-T] TARGET LINK_NAME
  or:  ln [OPTION]... TARGET
  or:  ln [OPTION]... TARGET... DIRECTORY
  or:  ln [OPTION]... -t DIRECTORY TARGET...
In the 1st form, create a link to TARGET with the name LINK_NAME.
In the 2nd form, create a link to TARGET in the current directory.
In the 3rd and 4th forms, create links to each TARGET in DIRECTORY.
Create hard links by default, symbolic links with --symbolic.

  -f, --force                 remove existing destination files
  -n, --no-dereference        treat LINK_NAME as a normal file if
                                it is a symbolic link to a directory
  -s, --symbolic              make symbolic links instead of hard links
  -t, --target-directory=DIRECTORY  specify the DIRECTORY in which to create
                                the links
  -T, --no-target-directory   treat LINK_NAME as a normal file always
  -v, --verbose               print name of each linked file
      --help        display this help and exit
      --version     output version information and exit
`;

export const ln: Command = {
  name: 'ln',
  summary: 'make links between files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'ln', {
      ...HELP_VERSION,
      force: { short: 'f' },
      'no-dereference': { short: 'n' },
      symbolic: { short: 's' },
      'target-directory': { short: 't', arg: true },
      'no-target-directory': { short: 'T' },
      verbose: { short: 'v' },
      relative: { short: 'r' },
      interactive: { short: 'i' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const ops = args.operands;
    if (!ops.length) return usageError(ctx, 'ln', 'ln: missing file operand');
    const noDeref = args.has('no-dereference') || args.has('no-target-directory');
    const isDir = (p: string) => {
      try {
        const abs = resolvePath(ctx.cwd, p);
        if (noDeref && fs.lstat(abs).type === 'symlink') return false;
        return fs.stat(abs).type === 'dir';
      } catch {
        return false;
      }
    };
    let pairs: [string, string][];
    const tdir = args.value('target-directory');
    if (tdir !== undefined) pairs = ops.map((t) => [t, `${tdir}/${basename(t)}`]);
    else if (ops.length === 1) pairs = [[ops[0]!, basename(ops[0]!)]];
    else {
      const last = ops[ops.length - 1]!;
      if (!args.has('no-target-directory') && isDir(last)) pairs = ops.slice(0, -1).map((t) => [t, `${last.replace(/\/$/, '')}/${basename(t)}`]);
      else if (ops.length > 2) {
        await ctx.stderr.write(`ln: target ${quote(last)} is not a directory\n`);
        return 1;
      } else pairs = [[ops[0]!, last]];
    }
    let status = 0;
    for (const [target, link] of pairs) {
      const path = resolvePath(ctx.cwd, link);
      if (!args.has('symbolic')) {
        try {
          fs.lstat(resolvePath(ctx.cwd, target));
          await ctx.stderr.write(`ln: failed to create hard link ${quote(link)} => ${quote(target)}: Operation not permitted\n`);
        } catch (e) {
          await ctx.stderr.write(`ln: failed to access ${quote(target)}: ${reason(e)}\n`);
        }
        status = 1;
        continue;
      }
      try {
        if (args.has('force')) {
          try {
            const st = fs.lstat(path);
            if (st.type !== 'dir') fs.unlink(path);
          } catch {
            // nothing to replace
          }
        }
        fs.symlink(target, path);
        if (args.has('verbose')) await ctx.stdout.write(`${quote(link)} -> ${quote(target)}\n`);
      } catch (e) {
        await ctx.stderr.write(`ln: failed to create symbolic link ${quote(link)}: ${reason(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};
