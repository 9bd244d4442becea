// rm: remove files or directories (GNU coreutils): -r/-R, -f, -d, -v, --no-preserve-root.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: rm [OPTION]... [FILE]...
Remove (unlink) the FILE(s).

  -f, --force           ignore nonexistent files and arguments, never prompt
  -i                    prompt before every removal (not supported here: ignored)
  -r, -R, --recursive   remove directories and their contents recursively
  -d, --dir             remove empty directories
  -v, --verbose         explain what is being done
      --no-preserve-root  do not treat '/' specially
      --preserve-root   do not remove '/' (default)
      --help        display this help and exit
      --version     output version information and exit

By default, rm does not remove directories.  Use the --recursive (-r or -R)
option to remove each listed directory, too, along with all of its contents.
`;

const SPEC = {
  ...HELP_VERSION,
  force: { short: 'f' },
  i: { short: 'i' },
  I: { short: 'I' },
  recursive: { short: 'r' },
  R: { short: 'R' },
  dir: { short: 'd' },
  verbose: { short: 'v' },
  'no-preserve-root': {},
  'preserve-root': {},
};

export const rm: Command = {
  name: 'rm',
  summary: 'remove files or directories',
  async run(ctx: CommandContext) {
    const args = await parseOrFail(ctx, 'rm', SPEC);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const force = args.has('force');
    const recursive = args.has('recursive') || args.has('R');
    const verbose = args.has('verbose');
    if (!args.operands.length) return force ? 0 : usageError(ctx, 'rm', 'rm: missing operand');
    const fs = fsOf(ctx);
    let status = 0;
    const fail = async (shown: string, e: unknown) => {
      await ctx.stderr.write(`rm: cannot remove ${quote(shown)}: ${reason(e)}\n`);
      status = 1;
    };
    const removeTree = async (shown: string, path: string): Promise<boolean> => {
      let names: string[];
      try {
        names = fs.readdir(path);
      } catch (e) {
        await fail(shown, e);
        return false;
      }
      let ok = true;
      for (const n of names) {
        const child = resolvePath(path, n);
        const childShown = shown.endsWith('/') ? shown + n : `${shown}/${n}`;
        let st;
        try {
          st = fs.lstat(child);
        } catch (e) {
          await fail(childShown, e);
          ok = false;
          continue;
        }
        if (st.type === 'dir') ok = (await removeTree(childShown, child)) && ok;
        else {
          try {
            fs.unlink(child);
            if (verbose) await ctx.stdout.write(`removed ${quote(childShown)}\n`);
          } catch (e) {
            await fail(childShown, e);
            ok = false;
          }
        }
      }
      if (!ok) return false;
      try {
        fs.rmdir(path);
        if (verbose) await ctx.stdout.write(`removed directory ${quote(shown)}\n`);
        return true;
      } catch (e) {
        await fail(shown, e);
        return false;
      }
    };
    for (const f of args.operands) {
      const base = f.replace(/\/+$/, '').split('/').pop();
      if (base === '.' || base === '..') {
        await ctx.stderr.write(`rm: refusing to remove '.' or '..' directory: skipping ${quote(f)}\n`);
        status = 1;
        continue;
      }
      const path = resolvePath(ctx.cwd, f);
      if (path === '/' && recursive && !args.has('no-preserve-root')) {
        await ctx.stderr.write(`rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n`);
        status = 1;
        continue;
      }
      let st;
      try {
        st = fs.lstat(path);
      } catch (e) {
        if (!force || !/No such file/.test(reason(e))) await fail(f, e);
        continue;
      }
      if (st.type === 'dir') {
        if (recursive) await removeTree(f, path);
        else if (args.has('dir')) {
          try {
            fs.rmdir(path);
            if (verbose) await ctx.stdout.write(`removed directory ${quote(f)}\n`);
          } catch (e) {
            await fail(f, e);
          }
        } else {
          await ctx.stderr.write(`rm: cannot remove ${quote(f)}: Is a directory\n`);
          status = 1;
        }
        continue;
      }
      try {
        fs.unlink(path);
        if (verbose) await ctx.stdout.write(`removed ${quote(f)}\n`);
      } catch (e) {
        await fail(f, e);
      }
    }
    return status;
  },
};
