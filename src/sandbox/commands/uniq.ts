// uniq: report or omit repeated adjacent lines (GNU coreutils): -c -d -u -i -f -s -w.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, readInput, reason, usageError } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

const HELP = `Usage: uniq [OPTION]... [INPUT [OUTPUT]]
Filter adjacent matching lines from INPUT (or standard input),
writing to OUTPUT (or standard output).

With no options, matching lines are merged to the first occurrence.

  -c, --count           prefix lines by the number of occurrences
  -d, --repeated        only print duplicate lines, one for each group
  -f, --skip-fields=N   avoid comparing the first N fields
  -i, --ignore-case     ignore differences in case when comparing
  -s, --skip-chars=N    avoid comparing the first N characters
  -u, --unique          only print unique lines
  -w, --check-chars=N   compare no more than N characters in lines
      --help        display this help and exit
      --version     output version information and exit
`;

export const uniq: Command = {
  name: 'uniq',
  summary: 'report or omit repeated lines',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'uniq', { ...HELP_VERSION, count: { short: 'c' }, repeated: { short: 'd' }, 'skip-fields': { short: 'f', arg: true }, 'ignore-case': { short: 'i' }, 'skip-chars': { short: 's', arg: true }, unique: { short: 'u' }, 'check-chars': { short: 'w', arg: true } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length > 2) return usageError(ctx, 'uniq', `uniq: extra operand ${lq(args.operands[2]!)}`);
    const num = (k: string) => Number(args.value(k) ?? 0);
    const skipFields = num('skip-fields');
    const skipChars = num('skip-chars');
    const check = args.value('check-chars') === undefined ? Infinity : num('check-chars');
    const keyOf = (l: string) => {
      let s = l;
      for (let i = 0; i < skipFields; i++) s = s.replace(/^[ \t]*[^ \t]*/, '');
      s = s.slice(skipChars).slice(0, check);
      return args.has('ignore-case') ? s.toLowerCase() : s;
    };
    const input = args.operands[0] ?? '-';
    let text: string;
    try {
      text = new TextDecoder().decode(await readInput(ctx, input));
    } catch (e) {
      await ctx.stderr.write(`uniq: ${input}: ${reason(e)}\n`);
      return 1;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let out = '';
    const budget = cpuBudget(ctx);
    for (let i = 0; i < lines.length; ) {
      if (budget.step()) await budget.tick();
      let j = i + 1;
      while (j < lines.length && keyOf(lines[j]!) === keyOf(lines[i]!)) j++;
      const n = j - i;
      if ((!args.has('repeated') || n > 1) && (!args.has('unique') || n === 1)) out += (args.has('count') ? `${String(n).padStart(7)} ` : '') + lines[i] + '\n';
      i = j;
    }
    const output = args.operands[1];
    if (output !== undefined) {
      try {
        ctx.fs.writeFile(resolvePath(ctx.cwd, output), out);
      } catch (e) {
        await ctx.stderr.write(`uniq: ${output}: ${reason(e)}\n`);
        return 1;
      }
    } else await ctx.stdout.write(out);
    return 0;
  },
};
