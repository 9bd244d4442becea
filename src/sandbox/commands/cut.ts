// cut (GNU coreutils 9.1): bytes (-b), characters (-c) or fields (-f, with -d and -s)
// selected by lists like 1,3-5,7-; --complement and --output-delimiter.
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, inputLines, lq, parseOrFail, reason } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

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
`;

type Range = [number, number];

class ListError extends Error {}

function parseList(list: string, kind: string): Range[] {
  const from1 = kind === 'fields' ? 'fields are numbered from 1' : 'byte/character positions are numbered from 1';
  const out: Range[] = [];
  for (const part of list.split(/[,\s]/)) {
    if (part === '') throw new ListError(from1);
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '' )) {
      if (part === '-') throw new ListError(`invalid range with no endpoint: -`);
      throw new ListError(`invalid ${kind === 'fields' ? 'field value' : 'byte/character position'} ${lq(part)}`);
    }
    const lo = m[1] ? Number(m[1]) : 1;
    const hi = m[2] ? (m[3] ? Number(m[3]) : Infinity) : lo;
    if (lo === 0 || hi === 0) throw new ListError(from1);
    if (hi < lo) throw new ListError('invalid decreasing range');
    out.push([lo, hi]);
  }
  return out;
}

export const cut: Command = {
  name: 'cut',
  summary: 'remove sections from each line of files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'cut', {
      ...HELP_VERSION,
      bytes: { short: 'b', arg: true },
      characters: { short: 'c', arg: true },
      delimiter: { short: 'd', arg: true },
      fields: { short: 'f', arg: true },
      complement: {},
      'only-delimited': { short: 's' },
      'output-delimiter': { arg: true },
      n: { short: 'n' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fail = async (msg: string) => {
      await ctx.stderr.write(`cut: ${msg}\nTry 'cut --help' for more information.\n`);
      return 1;
    };
    const kinds = (['bytes', 'characters', 'fields'] as const).filter((k) => args.has(k));
    if (kinds.length === 0) return fail('you must specify a list of bytes, characters, or fields');
    if (kinds.length > 1) return fail('only one list may be specified');
    const kind = kinds[0]!;
    let ranges: Range[];
    try {
      ranges = parseList(args.value(kind)!, kind);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    const delim = args.value('delimiter') ?? '\t';
    if (kind !== 'fields' && args.has('delimiter')) return fail('an input delimiter may be specified only when operating on fields');
    if (kind !== 'fields' && args.has('only-delimited')) return fail('suppressing non-delimited lines makes sense\n\tonly when operating on fields');
    if ([...delim].length !== 1) return fail('the delimiter must be a single character');
    const complement = args.has('complement');
    const selected = (n: number) => ranges.some(([lo, hi]) => n >= lo && n <= hi) !== complement;
    const outDelim = args.value('output-delimiter');
    let status = 0;
    let out = '';
    const budget = cpuBudget(ctx);
    for await (const line of inputLines(ctx, args.operands, async (f, e) => {
      await ctx.stderr.write(`cut: ${f}: ${reason(e)}\n`);
      status = 1;
    })) {
      if (budget.step()) await budget.tick();
      if (kind === 'fields') {
        if (!line.includes(delim)) {
          if (!args.has('only-delimited')) out += line + '\n';
          continue;
        }
        const parts = line.split(delim);
        out += parts.filter((_p, i) => selected(i + 1)).join(outDelim ?? delim) + '\n';
      } else {
        const units = kind === 'bytes' ? [...new TextEncoder().encode(line)].map((b) => String.fromCharCode(b)) : [...line];
        let piece = '';
        let prev = -2;
        units.forEach((u, i) => {
          if (!selected(i + 1)) return;
          if (outDelim !== undefined && prev >= 0 && prev !== i - 1) piece += outDelim;
          piece += u;
          prev = i;
        });
        out += (kind === 'bytes' ? new TextDecoder().decode(Uint8Array.from(piece, (c) => c.charCodeAt(0))) : piece) + '\n';
      }
      if (out.length > 16384) {
        await ctx.stdout.write(out);
        out = '';
      }
    }
    await ctx.stdout.write(out);
    return status;
  },
};
