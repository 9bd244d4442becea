// tee: copy standard input to standard output and to files (GNU coreutils): -a appends.
// `cat <<EOF | sudo tee -a /etc/default/etcd` is how lessons write root-owned files.
import { resolvePath } from '../../platform/filesystem.ts';
import { BrokenPipeError } from '../io.ts';
import { cpuBudget } from '../cpu-budget.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, reason } from './common.ts';

const HELP = `Usage: tee [OPTION]... [FILE]...
Copy standard input to each FILE, and also to standard output.

  -a, --append              append to the given FILEs, do not overwrite
  -i, --ignore-interrupts   ignore interrupt signals
  -p                        operate in a more appropriate MODE with pipes.
      --help        display this help and exit
      --version     output version information and exit
`;

export const tee: Command = {
  name: 'tee',
  summary: 'read from standard input and write to standard output and files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'tee', { ...HELP_VERSION, append: { short: 'a' }, 'ignore-interrupts': { short: 'i' }, p: { short: 'p' }, 'output-error': { arg: 'optional' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    let status = 0;
    const files: { name: string; path: string }[] = [];
    for (const f of args.operands) {
      const path = resolvePath(ctx.cwd, f);
      try {
        if (args.has('append')) ctx.fs.appendFile(path, '');
        else ctx.fs.writeFile(path, '');
        files.push({ name: f, path });
      } catch (e) {
        await ctx.stderr.write(`tee: ${f}: ${reason(e)}\n`);
        status = 1;
      }
    }
    let stdoutOk = true;
    // Copying is charged per chunk, so `yes | tee f | …` yields and is ended at its CPU limit.
    const budget = cpuBudget(ctx);
    for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
      if (budget.step(1 + (c.length >> 8))) await budget.tick();
      if (stdoutOk) {
        try {
          await ctx.stdout.write(c);
        } catch (e) {
          if (!(e instanceof BrokenPipeError)) throw e;
          // Like tee with SIGPIPE: the reader is gone, so tee ends.
          throw e;
        }
      }
      for (const f of [...files]) {
        try {
          ctx.fs.appendFile(f.path, c);
        } catch (e) {
          await ctx.stderr.write(`tee: ${f.name}: ${reason(e)}\n`);
          files.splice(files.indexOf(f), 1);
          status = 1;
        }
      }
    }
    return status;
  },
};
