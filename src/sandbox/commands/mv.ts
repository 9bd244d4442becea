// mv: move (rename) files (GNU coreutils): -f, -n, -v, -t, -T. One disk per host, so always a rename.
import { basename, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, quote, reason } from './common.ts';
import { planTargets } from './cp.ts';

const HELP = `Usage: mv [OPTION]... [-T] SOURCE DEST
  or:  mv [OPTION]... SOURCE... DIRECTORY
  or:  mv [OPTION]... -t DIRECTORY SOURCE...
Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.

  -f, --force                  do not prompt before overwriting
  -i, --interactive            prompt before overwrite (ignored here)
  -n, --no-clobber             do not overwrite an existing file
  -t, --target-directory=DIRECTORY  move all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -v, --verbose                explain what is being done
      --help        display this help and exit
      --version     output version information and exit
`;

export const mv: Command = {
  name: 'mv',
  summary: 'move (rename) files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'mv', {
      ...HELP_VERSION,
      force: { short: 'f' },
      interactive: { short: 'i' },
      'no-clobber': { short: 'n' },
      'target-directory': { short: 't', arg: true },
      'no-target-directory': { short: 'T' },
      verbose: { short: 'v' },
      update: { short: 'u' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const plan = await planTargets(ctx, 'mv', args.operands, args.value('target-directory'), args.has('no-target-directory'));
    if (typeof plan === 'number') return plan;
    const fs = fsOf(ctx);
    let status = 0;
    for (const [src, dst, shownSrc, shownDst] of plan) {
      let st;
      try {
        st = fs.lstat(src);
      } catch (e) {
        await ctx.stderr.write(`mv: cannot stat ${quote(shownSrc)}: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      let dstSt;
      try {
        dstSt = fs.lstat(dst);
      } catch {
        dstSt = undefined;
      }
      if (dstSt && dstSt.ino === st.ino) {
        await ctx.stderr.write(`mv: ${quote(shownSrc)} and ${quote(shownDst)} are the same file\n`);
        status = 1;
        continue;
      }
      if (dstSt && args.has('no-clobber')) continue;
      if (st.type === 'dir') {
        const real = fs.realpath(src);
        let parent: string;
        try {
          parent = fs.realpath(resolvePath(dst, '..'));
        } catch {
          parent = resolvePath(dst, '..');
        }
        const dstReal = resolvePath(parent, basename(dst));
        if (dstReal.startsWith(real + '/')) {
          await ctx.stderr.write(`mv: cannot move ${quote(shownSrc)} to a subdirectory of itself, ${quote(shownDst)}\n`);
          status = 1;
          continue;
        }
        if (dstSt && dstSt.type !== 'dir') {
          await ctx.stderr.write(`mv: cannot overwrite non-directory ${quote(shownDst)} with directory ${quote(shownSrc)}\n`);
          status = 1;
          continue;
        }
      } else if (dstSt?.type === 'dir') {
        await ctx.stderr.write(`mv: cannot overwrite directory ${quote(shownDst)} with non-directory\n`);
        status = 1;
        continue;
      }
      try {
        fs.rename(src, dst);
        if (args.has('verbose')) await ctx.stdout.write(`renamed ${quote(shownSrc)} -> ${quote(shownDst)}\n`);
      } catch (e) {
        const why = reason(e);
        if (dstSt?.type === 'dir' && /not empty/i.test(why)) await ctx.stderr.write(`mv: cannot move ${quote(shownSrc)} to ${quote(shownDst)}: Directory not empty\n`);
        else await ctx.stderr.write(`mv: cannot move ${quote(shownSrc)} to ${quote(shownDst)}: ${why}\n`);
        status = 1;
      }
    }
    return status;
  },
};
