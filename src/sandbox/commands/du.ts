// du: estimate file space usage (GNU coreutils) in 1K blocks: -s -a -h -c -d/--max-depth.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, humanSize, parseOrFail, quote, reason } from './common.ts';

const HELP = `Usage: du [OPTION]... [FILE]...
Summarize device usage of the set of FILEs, recursively for directories.

  -a, --all             write counts for all files, not just directories
  -c, --total           produce a grand total
  -d, --max-depth=N     print the total for a directory (or file, with --all)
                          only if it is N or fewer levels below the command
                          line argument;  --max-depth=0 is the same as
                          --summarize
  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)
  -k                    like --block-size=1K
  -s, --summarize       display only a total for each argument
      --help        display this help and exit
      --version     output version information and exit
`;

export const du: Command = {
  name: 'du',
  summary: 'estimate file space usage',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'du', { ...HELP_VERSION, all: { short: 'a' }, total: { short: 'c' }, 'max-depth': { short: 'd', arg: true }, 'human-readable': { short: 'h' }, k: { short: 'k' }, summarize: { short: 's' }, 'apparent-size': {}, bytes: { short: 'b' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const maxDepth = args.has('summarize') ? 0 : args.value('max-depth') !== undefined ? Number(args.value('max-depth')) : Infinity;
    const size = (k: number) => (args.has('human-readable') ? (k === 0 ? '0' : humanSize(k * 1024)) : String(k));
    let status = 0;
    let grand = 0;
    const out: string[] = [];
    const walk = async (shown: string, path: string, depth: number, top: boolean): Promise<number> => {
      let st;
      try {
        st = top ? fs.stat(path) : fs.lstat(path);
      } catch (e) {
        await ctx.stderr.write(`du: cannot access ${quote(shown)}: ${reason(e)}\n`);
        status = 1;
        return 0;
      }
      let k = st.blocks / 2;
      if (st.type === 'dir') {
        let names: string[] = [];
        try {
          names = fs.readdir(path);
        } catch (e) {
          await ctx.stderr.write(`du: cannot read directory ${quote(shown)}: ${reason(e)}\n`);
          status = 1;
        }
        for (const n of names) k += await walk(shown.endsWith('/') ? shown + n : `${shown}/${n}`, resolvePath(path, n), depth + 1, false);
        if (depth <= maxDepth) out.push(`${size(k)}\t${shown}`);
      } else if ((args.has('all') || top) && depth <= maxDepth) out.push(`${size(k)}\t${shown}`);
      return k;
    };
    for (const f of args.operands.length ? args.operands : ['.']) grand += await walk(f, resolvePath(ctx.cwd, f), 0, true);
    if (args.has('total')) out.push(`${size(grand)}\ttotal`);
    if (out.length) await ctx.stdout.write(out.join('\n') + '\n');
    return status;
  },
};
