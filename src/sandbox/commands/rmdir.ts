// rmdir: remove empty directories (GNU coreutils): -p, -v, --ignore-fail-on-non-empty.
import { isFsError, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: rmdir [OPTION]... DIRECTORY...
Remove the DIRECTORY(ies), if they are empty.

      --ignore-fail-on-non-empty
                    ignore each failure to remove a non-empty directory
  -p, --parents     remove DIRECTORY and its ancestors;
                    e.g., 'rmdir -p a/b' is similar to 'rmdir a/b a'
  -v, --verbose     output a diagnostic for every directory processed
      --help        display this help and exit
      --version     output version information and exit
`;

export const rmdir: Command = {
  name: 'rmdir',
  summary: 'remove empty directories',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'rmdir', { ...HELP_VERSION, 'ignore-fail-on-non-empty': {}, parents: { short: 'p' }, verbose: { short: 'v' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'rmdir', 'rmdir: missing operand');
    let status = 0;
    for (const d of args.operands) {
      const chain = [d.replace(/\/+$/, '') || d];
      if (args.has('parents')) for (let p = chain[0]!; p.includes('/'); ) chain.push((p = p.slice(0, p.lastIndexOf('/'))));
      for (const shown of chain.filter(Boolean)) {
        if (args.has('verbose')) await ctx.stdout.write(`rmdir: removing directory, ${quote(shown)}\n`);
        try {
          ctx.fs.rmdir(resolvePath(ctx.cwd, shown));
        } catch (e) {
          if (!(isFsError(e, 'ENOTEMPTY') && args.has('ignore-fail-on-non-empty'))) {
            await ctx.stderr.write(`rmdir: failed to remove ${quote(shown)}: ${reason(e)}\n`);
            status = 1;
          }
          break;
        }
      }
    }
    return status;
  },
};
