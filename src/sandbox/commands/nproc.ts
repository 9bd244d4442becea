// nproc: print the number of processing units (GNU coreutils); each virtual host has 2.
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail } from './common.ts';

export const VIRTUAL_CPUS = 2;

export const nproc: Command = {
  name: 'nproc',
  summary: 'print the number of processing units available',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'nproc', { ...HELP_VERSION, all: {}, ignore: { arg: true } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, 'Usage: nproc [OPTION]...\nPrint the number of processing units available to the current process,\nwhich may be less than the number of online processors\n\n      --all      print the number of installed processors\n      --ignore=N  if possible, exclude N processing units\n      --help        display this help and exit\n      --version     output version information and exit\n')) return 0;
    const ignore = Number(args.value('ignore') ?? 0) || 0;
    await ctx.stdout.write(`${Math.max(1, VIRTUAL_CPUS - ignore)}\n`);
    return 0;
  },
};
