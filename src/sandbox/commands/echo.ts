// echo: /usr/bin/echo (GNU coreutils). bash has its own builtin; this is the file in /usr/bin.
import type { Command } from '../types.ts';
import { coreutilsVersion } from './common.ts';

const HELP = `Usage: echo [SHORT-OPTION]... [STRING]...
  or:  echo LONG-OPTION
Print the STRING(s), separated by spaces, to standard output.

  -n             no newline at the end
  -e             interpret backslash escapes
  -E             do not interpret backslash escapes (default)
      --help        display this help and exit
      --version     output version information and exit

With -e: \\\\ backslash, \\a bell, \\b backspace, \\c stop output, \\e escape,
\\f form feed, \\n newline, \\r carriage return, \\t tab, \\v vertical tab,
\\0NNN octal byte (1 to 3 digits), \\xHH hexadecimal byte (1 to 2 digits).
`;

/** Expands echo -e escapes into bytes (\\x80 stays one byte, text stays UTF-8); stop=true when \\c cut the output short. */
export function expandEscapes(s: string): { bytes: Uint8Array; stop: boolean } {
  const out: number[] = [];
  const enc = new TextEncoder();
  const text = (t: string) => out.push(...enc.encode(t));
  const simple: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  let stop = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      const cp = s.codePointAt(i)!;
      text(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
      continue;
    }
    const n = s[++i]!;
    if (n in simple) text(simple[n]!);
    else if (n === 'c') {
      stop = true;
      break;
    } else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))![0];
      out.push(parseInt(m || '0', 8) & 0xff);
      i += m.length;
    } else if (n === 'x' && /^[0-9a-fA-F]/.test(s.slice(i + 1))) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))![0];
      out.push(parseInt(m, 16));
      i += m.length;
    } else text('\\' + n);
  }
  return { bytes: Uint8Array.from(out), stop };
}

export const echo: Command = {
  name: 'echo',
  summary: 'display a line of text',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args.length === 1 && args[0] === '--help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args.length === 1 && args[0] === '--version') {
      await ctx.stdout.write(coreutilsVersion('echo'));
      return 0;
    }
    let newline = true;
    let escapes = false;
    // Leading words made only of n, e, E after a dash are options; anything else is text.
    while (args.length && /^-[neE]+$/.test(args[0]!)) {
      for (const f of args.shift()!.slice(1)) {
        if (f === 'n') newline = false;
        else escapes = f === 'e';
      }
    }
    const text = args.join(' ');
    if (!escapes) {
      await ctx.stdout.write(text + (newline ? '\n' : ''));
      return 0;
    }
    const r = expandEscapes(text);
    await ctx.stdout.write(r.bytes);
    if (newline && !r.stop) await ctx.stdout.write('\n');
    return 0;
  },
};
