// paste (GNU coreutils 9.1): merge lines of files side by side, or each file onto one
// line with -s; -d cycles through a list of delimiters (\n, \t, \\, \0 understood).
import { readAllText } from '../io.ts';
import type { Command } from '../types.ts';
import { abs, HELP_VERSION, helpOrVersion, parseOrFail, reason } from './common.ts';

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
    const contents: (string[] | undefined)[] = [];
    let stdinText: string | undefined;
    let status = 0;
    for (const f of files) {
      let text: string;
      try {
        if (f === '-') text = stdinText === undefined ? (stdinText = await readAllText(ctx.stdin)) : '';
        else text = new TextDecoder().decode(ctx.fs.readFile(abs(ctx, f)));
      } catch (e) {
        await ctx.stderr.write(`paste: ${f}: ${reason(e)}\n`);
        return 1;
      }
      const lines = text.split(eol);
      if (lines[lines.length - 1] === '') lines.pop();
      contents.push(lines);
    }
    const delimAt = (k: number) => (delims.length ? delims[k % delims.length]! : '');
    let out = '';
    if (args.has('serial')) {
      for (const lines of contents) {
        if (!lines) continue;
        let line = '';
        lines.forEach((l, k) => (line += (k ? delimAt(k - 1) : '') + l));
        out += line + eol;
      }
    } else {
      const rows = Math.max(0, ...contents.map((c) => c?.length ?? 0));
      for (let r = 0; r < rows; r++) {
        let line = '';
        contents.forEach((c, k) => (line += (k ? delimAt(k - 1) : '') + (c?.[r] ?? '')));
        out += line + eol;
      }
    }
    await ctx.stdout.write(out);
    return status;
  },
};
