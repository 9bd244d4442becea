// tac: concatenate and print files in reverse line order (GNU coreutils).
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, readInput, reason } from './common.ts';

const HELP = `Usage: tac [OPTION]... [FILE]...
Write each FILE to standard output, last line first.

With no FILE, or when FILE is -, read standard input.

  -b, --before             attach the separator before instead of after
  -s, --separator=STRING   use STRING as the separator instead of newline
      --help        display this help and exit
      --version     output version information and exit
`;

export const tac: Command = {
  name: 'tac',
  summary: 'concatenate and print files in reverse',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'tac', { ...HELP_VERSION, before: { short: 'b' }, separator: { short: 's', arg: true }, regex: { short: 'r' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const sep = args.value('separator') ?? '\n';
    let status = 0;
    for (const f of args.operands.length ? args.operands : ['-']) {
      let text: string;
      try {
        text = new TextDecoder().decode(await readInput(ctx, f));
      } catch (e) {
        await ctx.stderr.write(`tac: failed to open '${f}' for reading: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      const parts = text.split(sep);
      const trailing = parts[parts.length - 1] === '';
      if (trailing) parts.pop();
      // Records keep their separator; a last record without one stays without it, as GNU does.
      const records = parts.map((p, i) => (args.has('before') ? (i === 0 ? p : sep + p) : i < parts.length - 1 || trailing ? p + sep : p));
      await ctx.stdout.write(records.reverse().join(''));
    }
    return status;
  },
};
