// cut: remove sections from each line (GNU coreutils): -f with -d/-s, -c, -b, --complement, --output-delimiter.
import { readLines } from '../io.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, reason, usageError } from './common.ts';
import { resolvePath } from '../../platform/filesystem.ts';

const HELP = `Usage: cut OPTION... [FILE]...
Print selected parts of lines from each FILE to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -b, --bytes=LIST        select only these bytes
  -c, --characters=LIST   select only these characters
  -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter
  -f, --fields=LIST       select only these fields;  also print any line
                            that contains no delimiter character, unless
                            the -s option is specified
      --complement        complement the set of selected bytes, characters
                            or fields
  -s, --only-delimited    do not print lines not containing delimiters
      --output-delimiter=STRING  use STRING as the output delimiter
                            the default is to use the input delimiter
      --help        display this help and exit
      --version     output version information and exit

Each LIST is made up of one range, or many ranges separated by commas.
Each range is one of: N, N-, N-M, -M (counted from 1).
`;

type Range = [number, number];

/** Parses a LIST; a string is the error message. */
export function parseList(list: string, what: 'fields' | 'bytes' | 'characters'): Range[] | string {
  const out: Range[] = [];
  for (const part of list.split(/[,\s]/)) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || part === '' || part === '-') return `invalid ${what === 'fields' ? 'field' : 'byte/character'} range`;
    const lo = m[1] ? Number(m[1]) : 1;
    const hi = m[2] ? (m[3] ? Number(m[3]) : Infinity) : lo;
    if (lo === 0 || (m[3] && Number(m[3]) === 0)) return `${what === 'fields' ? 'fields' : 'byte/character positions'} are numbered from 1`;
    if (hi < lo) return 'invalid decreasing range';
    out.push([lo, hi]);
  }
  return out;
}

export const cut: Command = {
  name: 'cut',
  summary: 'remove sections from each line of files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'cut', { ...HELP_VERSION, bytes: { short: 'b', arg: true }, characters: { short: 'c', arg: true }, delimiter: { short: 'd', arg: true }, fields: { short: 'f', arg: true }, complement: {}, 'only-delimited': { short: 's' }, 'output-delimiter': { arg: true }, n: { short: 'n' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const modes = (['bytes', 'characters', 'fields'] as const).filter((m) => args.has(m));
    if (modes.length === 0) return usageError(ctx, 'cut', 'cut: you must specify a list of bytes, characters, or fields');
    if (modes.length > 1) return usageError(ctx, 'cut', 'cut: only one type of list may be specified');
    const mode = modes[0]!;
    const ranges = parseList(args.value(mode)!, mode);
    if (typeof ranges === 'string') return usageError(ctx, 'cut', `cut: ${ranges}`);
    const delim = args.value('delimiter') ?? '\t';
    if (mode !== 'fields' && args.has('delimiter')) return usageError(ctx, 'cut', 'cut: an input delimiter may be specified only when operating on fields');
    if ([...delim].length !== 1) return usageError(ctx, 'cut', 'cut: the delimiter must be a single character');
    const outDelim = args.value('output-delimiter') ?? (mode === 'fields' ? delim : '');
    const complement = args.has('complement');
    const picked = (i: number) => ranges.some(([lo, hi]) => i >= lo && i <= hi) !== complement;
    const cutLine = (line: string): string | undefined => {
      if (mode === 'fields') {
        if (!line.includes(delim)) return args.has('only-delimited') ? undefined : line;
        return line.split(delim).filter((_, i) => picked(i + 1)).join(outDelim);
      }
      const units = mode === 'bytes' ? [...new TextEncoder().encode(line)].map((b) => String.fromCharCode(b)) : [...line];
      // Contiguous picks join directly; --output-delimiter goes between separate ranges.
      let out = '';
      let prev = -2;
      units.forEach((u, i) => {
        if (!picked(i + 1)) return;
        if (outDelim && prev >= 0 && i !== prev + 1) out += outDelim;
        out += u;
        prev = i;
      });
      return mode === 'bytes' ? new TextDecoder().decode(Uint8Array.from(out, (c) => c.charCodeAt(0))) : out;
    };
    let status = 0;
    for (const f of args.operands.length ? args.operands : ['-']) {
      let lines: AsyncIterable<string> | string[];
      if (f === '-') lines = readLines(ctx.stdin);
      else {
        try {
          const text = new TextDecoder().decode(ctx.fs.readFile(resolvePath(ctx.cwd, f)));
          lines = text.split('\n');
          if (lines[lines.length - 1] === '') lines.pop();
        } catch (e) {
          await ctx.stderr.write(`cut: ${f}: ${reason(e)}\n`);
          status = 1;
          continue;
        }
      }
      for await (const l of lines) {
        const r = cutLine(l);
        if (r !== undefined) await ctx.stdout.write(r + '\n');
      }
    }
    return status;
  },
};
