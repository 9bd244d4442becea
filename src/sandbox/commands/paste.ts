// paste (GNU coreutils 9.1): merge lines of files side by side, or each file onto one
// line with -s; -d cycles through a list of delimiters (\n, \t, \\, \0 understood).
import { chargedInput, cpuBudget, splitLinesCharged, writeLinesCharged } from '../cpu-budget.ts';
import type { Command } from '../types.ts';
import { abs, HELP_VERSION, helpOrVersion, parseOrFail, readInput, reason } from './common.ts';

const HELP = `Usage: paste [OPTION]... [FILE]...
Write lines consisting of the sequentially corresponding lines from
each FILE, separated by TABs, to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -d, --delimiters=LIST   reuse characters from LIST instead of TABs
  -s, --serial            paste one file at a time instead of in parallel
  -z, --zero-terminated    line delimiter is NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
`;

function delimiters(list: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c !== '\\') {
      out.push(c);
      continue;
    }
    const n = list[++i];
    out.push(n === 'n' ? '\n' : n === 't' ? '\t' : n === '0' ? '' : n === 'b' ? '\b' : n === 'f' ? '\f' : n === 'r' ? '\r' : n === 'v' ? '\v' : (n ?? '\\'));
  }
  return out;
}

export const paste: Command = {
  name: 'paste',
  summary: 'merge lines of files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'paste', { ...HELP_VERSION, delimiters: { short: 'd', arg: true }, serial: { short: 's' }, 'zero-terminated': { short: 'z' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const d = args.value('delimiters');
    const delims = d === undefined ? ['\t'] : delimiters(d);
    if (d !== undefined && d.endsWith('\\') && !d.endsWith('\\\\')) {
      await ctx.stderr.write(`paste: delimiter list ends with an unescaped backslash: ${d}\n`);
      return 1;
    }
    const eol = args.has('zero-terminated') ? '\0' : '\n';
    const files = args.operands.length ? args.operands : ['-'];
    const budget = cpuBudget(ctx);
    const input = { ...ctx, stdin: chargedInput(ctx.stdin, budget) };
    // Every `-` reads the one standard input: in turn, a line each, as GNU paste does.
    let stdinLines: string[] | undefined;
    const contents: (string[] | 'stdin')[] = [];
    const status = 0;
    for (const f of files) {
      try {
        if (f === '-') {
          stdinLines ??= await splitLinesCharged(new TextDecoder().decode(await readInput(input, '-')), budget, eol);
          contents.push('stdin');
        } else contents.push(await splitLinesCharged(new TextDecoder().decode(ctx.fs.readFile(abs(ctx, f))), budget, eol));
      } catch (e) {
        await ctx.stderr.write(`paste: ${f}: ${reason(e)}\n`);
        return 1;
      }
    }
    const delimAt = (k: number) => (delims.length ? delims[k % delims.length]! : '');
    const rows: string[] = [];
    let stdinAt = 0;
    if (args.has('serial')) {
      for (const c of contents) {
        // The first `-` takes all of standard input; a later one finds it at its end.
        let lines: string[];
        if (c === 'stdin') {
          lines = stdinLines!.slice(stdinAt);
          stdinAt = stdinLines!.length;
        } else lines = c;
        const parts: string[] = [];
        for (let k = 0; k < lines.length; k++) {
          parts.push(k ? delimAt(k - 1) : '', lines[k]!);
          if (budget.step()) await budget.tick();
        }
        rows.push(parts.join(''));
      }
    } else {
      for (let r = 0; ; r++) {
        let any = false;
        let line = '';
        contents.forEach((c, k) => {
          let field: string | undefined;
          if (c === 'stdin') field = stdinAt < stdinLines!.length ? stdinLines![stdinAt++] : undefined;
          else field = c[r];
          if (field !== undefined) any = true;
          line += (k ? delimAt(k - 1) : '') + (field ?? '');
        });
        if (!any) break;
        rows.push(line);
        if (budget.step()) await budget.tick();
      }
    }
    await writeLinesCharged(ctx.stdout, rows, budget, eol);
    return status;
  },
};
