// printf: format and print data (GNU coreutils /usr/bin/printf; bash has its own builtin).
// The format is reused until the arguments run out; %b expands escapes in its argument.
import type { Command } from '../types.ts';
import { coreutilsVersion } from './common.ts';
import { COREUTILS_PRINTF, formatPrintf } from '../printf-format.ts';
import { toOutputBytes } from '../raw-bytes.ts';

const help = (prog: string) => `Usage: ${prog} FORMAT [ARGUMENT]...
  or:  ${prog} OPTION
Print ARGUMENT(s) according to FORMAT, or execute according to OPTION:

      --help        display this help and exit
      --version     output version information and exit

FORMAT controls the output as in C printf.  Interpreted sequences are:

  \\"      double quote
  \\\\      backslash
  \\a      alert (BEL)
  \\b      backspace
  \\c      produce no further output
  \\e      escape
  \\f      form feed
  \\n      new line
  \\r      carriage return
  \\t      horizontal tab
  \\v      vertical tab
  \\NNN    byte with octal value NNN (1 to 3 digits)
  \\xHH    byte with hexadecimal value HH (1 to 2 digits)
  \\uHHHH  Unicode (ISO/IEC 10646) character with hex value HHHH (4 digits)
  \\UHHHHHHHH  Unicode character with hex value HHHHHHHH (8 digits)
  %%      a single %
  %b      ARGUMENT as a string with '\\' escapes interpreted,
          except that octal escapes are of the form \\0 or \\0NNN
  %q      ARGUMENT is printed in a format that can be reused as shell input,
          escaping non-printable characters with the proposed POSIX $'' syntax.

and all C format specifications ending with one of diouxXfeEgGcs, with
ARGUMENTs converted to proper type first.  Variable widths are handled.

NOTE: your shell may have its own version of printf, which usually supersedes
the version described here.  Please refer to your shell's documentation
for details about the options it supports.

GNU coreutils online help: <https://www.gnu.org/software/coreutils/>
Report any translation bugs to <https://translationproject.org/team/>
Full documentation <https://www.gnu.org/software/coreutils/printf>
or available locally via: info '(coreutils) printf invocation'
`;

export const printf: Command = {
  name: 'printf',
  summary: 'format and print data',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    const prog = ctx.argv[0] ?? 'printf';
    if (args.length === 1 && args[0] === '--help') {
      await ctx.stdout.write(help(prog));
      return 0;
    }
    if (args.length === 1 && args[0] === '--version') {
      await ctx.stdout.write(`${coreutilsVersion('printf')}\nWritten by David MacKenzie.\n`);
      return 0;
    }
    if (args[0] === '--') args.shift();
    if (!args.length) {
      await ctx.stderr.write(`${prog}: missing operand\nTry '${prog} --help' for more information.\n`);
      return 1;
    }
    const r = formatPrintf(args[0]!, args.slice(1), COREUTILS_PRINTF);
    await ctx.stdout.write(toOutputBytes(r.out));
    for (const m of r.messages) await ctx.stderr.write(`${prog}: ${m}\n`);
    return r.status;
  },
};

