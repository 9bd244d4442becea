// sleep: pause for NUMBER[smhd] seconds, summed (GNU coreutils), on the host's clock; Ctrl-C ends it.
import { sleep as sleepOn } from '../../platform/clock.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: sleep NUMBER[SUFFIX]...
  or:  sleep OPTION
Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),
'm' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an
integer.  Given two or more arguments, pause for the amount of time
specified by the sum of their values.

      --help        display this help and exit
      --version     output version information and exit
`;

const UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds for one sleep argument, or undefined when it is not a valid interval. */
export function parseInterval(s: string): number | undefined {
  const m = /^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)([smhd]?)$/i.exec(s);
  if (!m) return undefined;
  const n = /^inf/i.test(m[1]!) ? Infinity : Number(m[1]);
  return n * UNIT[m[2]!.toLowerCase()]!;
}

export const sleep: Command = {
  name: 'sleep',
  summary: 'delay for a specified amount of time',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'sleep', HELP_VERSION);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'sleep', 'sleep: missing operand');
    let total = 0;
    let bad = false;
    for (const a of args.operands) {
      const s = parseInterval(a);
      if (s === undefined) {
        await ctx.stderr.write(`sleep: invalid time interval ${lq(a)}\n`);
        bad = true;
      } else total += s;
    }
    if (bad) {
      await ctx.stderr.write("Try 'sleep --help' for more information.\n");
      return 1;
    }
    // Timers cap at ~24.8 days; a longer sleep just waits in steps.
    let left = total * 1000;
    while (left > 0) {
      const step = Math.min(left, 2 ** 31 - 1);
      await sleepOn(ctx.clock, step, ctx.signal);
      left -= step;
    }
    return 0;
  },
};
