// yes: print a line (default "y") until killed or the reader goes away (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

const HELP = `Usage: yes [STRING]...
  or:  yes OPTION
Repeatedly output a line with all specified STRING(s), or 'y'.

      --help        display this help and exit
      --version     output version information and exit
`;

export const yes: Command = {
  name: 'yes',
  summary: 'output a string repeatedly until killed',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'yes', HELP_VERSION);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const line = (args.operands.length ? args.operands.join(' ') : 'y') + '\n';
    const chunk = line.repeat(Math.max(1, Math.floor(8192 / line.length)));
    // Its CPU time counts (and ends it at the limit, as RLIMIT_CPU would); the budget
    // also yields the event loop when the output never makes us wait.
    const budget = cpuBudget(ctx);
    while (!ctx.signal.aborted) {
      await ctx.stdout.write(chunk);
      if (budget.step()) await budget.tick();
    }
    throw ctx.signal.reason;
  },
};
