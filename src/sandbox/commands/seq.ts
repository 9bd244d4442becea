// seq: print a sequence of numbers (GNU coreutils): FIRST, INCREMENT, LAST; -s, -w, -f.
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, usageError } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

const HELP = `Usage: seq [OPTION]... LAST
  or:  seq [OPTION]... FIRST LAST
  or:  seq [OPTION]... FIRST INCREMENT LAST
Print numbers from FIRST to LAST, in steps of INCREMENT.

  -f, --format=FORMAT      use printf style floating-point FORMAT
  -s, --separator=STRING   use STRING to separate numbers (default: \\n)
  -w, --equal-width        equalize width by padding with leading zeroes
      --help        display this help and exit
      --version     output version information and exit

If FIRST or INCREMENT is omitted, it defaults to 1.
`;

const MAX_OUTPUT_NUMBERS = 10_000_000;

function decimals(s: string): number {
  const m = /\.(\d*)/.exec(s);
  return m ? m[1]!.length : 0;
}

export const seq: Command = {
  name: 'seq',
  summary: 'print a sequence of numbers',
  async run(ctx) {
    // Negative numbers are operands, not options.
    const argv = ctx.argv.map((a, i) => (i > 0 && /^-\d/.test(a) ? `\0${a}` : a));
    const args = await parseOrFail({ ...ctx, argv }, 'seq', { ...HELP_VERSION, format: { short: 'f', arg: true }, separator: { short: 's', arg: true }, 'equal-width': { short: 'w' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const ops = args.operands.map((o) => o.replace(/^\0/, ''));
    if (!ops.length) return usageError(ctx, 'seq', 'seq: missing operand');
    if (ops.length > 3) return usageError(ctx, 'seq', `seq: extra operand ${lq(ops[3]!)}`);
    for (const o of ops) {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(o)) return usageError(ctx, 'seq', `seq: invalid floating point argument: ${lq(o)}`);
    }
    const [first, step, last] = ops.length === 1 ? ['1', '1', ops[0]!] : ops.length === 2 ? [ops[0]!, '1', ops[1]!] : [ops[0]!, ops[1]!, ops[2]!];
    const inc = Number(step);
    if (inc === 0) return usageError(ctx, 'seq', `seq: invalid Zero increment value: ${lq(step)}`);
    const prec = Math.max(decimals(first), decimals(step));
    const a = Number(first);
    const b = Number(last);
    const fmt = args.value('format');
    const sep = args.value('separator') ?? '\n';
    const render = (v: number) => {
      if (fmt) return fmt.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([gfeGE])/, (_m, _f, w: string, p: string | undefined, c: string) => {
        const s = c === 'f' ? v.toFixed(p ? Number(p) : 6) : c.toLowerCase() === 'e' ? v.toExponential(p ? Number(p) : 6) : String(Number(v.toPrecision(p ? Number(p) : 6)));
        return w ? s.padStart(Number(w), _f.includes('0') ? '0' : ' ') : s;
      }).replace(/%%/g, '%');
      return v.toFixed(prec);
    };
    const width = args.has('equal-width') ? Math.max(render(a).length, render(b).length) : 0;
    const pad = (s: string) => (width && s.length < width ? (s.startsWith('-') ? '-' + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0')) : s);
    const out: string[] = [];
    let count = 0;
    const budget = cpuBudget(ctx);
    for (let i = 0; ; i++) {
      const v = a + i * inc;
      if (inc > 0 ? v > b + 1e-12 : v < b - 1e-12) break;
      out.push(pad(render(v)));
      if (out.length >= 1024) {
        await ctx.stdout.write((count ? sep : '') + out.join(sep));
        count += out.length;
        out.length = 0;
        if (ctx.signal.aborted) throw ctx.signal.reason;
        await budget.tick();
      }
      if (count + out.length >= MAX_OUTPUT_NUMBERS && (inc > 0 ? a + (i + 1) * inc <= b + 1e-12 : a + (i + 1) * inc >= b - 1e-12)) {
        // More would follow: say so rather than end as if the sequence were complete.
        if (out.length) await ctx.stdout.write((count ? sep : '') + out.join(sep));
        await ctx.stdout.write('\n');
        await ctx.stderr.write(`seq: output limit reached: the sandbox stops seq after ${MAX_OUTPUT_NUMBERS} numbers\n`);
        return 1;
      }
    }
    if (out.length) await ctx.stdout.write((count ? sep : '') + out.join(sep));
    if (count || out.length) await ctx.stdout.write('\n');
    return 0;
  },
};
