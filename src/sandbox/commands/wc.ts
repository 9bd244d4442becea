// wc: newline, word and byte counts (GNU coreutils): -l -w -c -m -L, totals, GNU's column widths.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, readInput, reason } from './common.ts';

const HELP = `Usage: wc [OPTION]... [FILE]...
Print newline, word, and byte counts for each FILE, and a total line if
more than one FILE is specified.  A word is a non-zero-length sequence of
printable characters delimited by white space.

With no FILE, or when FILE is -, read standard input.

The options below may be used to select which counts are printed, always in
the following order: newline, word, character, byte, maximum line length.
  -c, --bytes            print the byte counts
  -m, --chars            print the character counts
  -l, --lines            print the newline counts
  -L, --max-line-length  print the maximum display width
  -w, --words            print the word counts
      --help        display this help and exit
      --version     output version information and exit
`;

interface Counts {
  lines: number;
  words: number;
  chars: number;
  bytes: number;
  max: number;
}

export function count(data: Uint8Array): Counts {
  const text = new TextDecoder().decode(data);
  let lines = 0;
  let words = 0;
  let inWord = false;
  let max = 0;
  let col = 0;
  for (const ch of text) {
    if (ch === '\n') {
      lines++;
      max = Math.max(max, col);
      col = 0;
    } else if (ch === '\t') col += 8 - (col % 8);
    else col++;
    const space = /\s/.test(ch);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  max = Math.max(max, col);
  return { lines, words, chars: [...text].length, bytes: data.length, max };
}

export const wc: Command = {
  name: 'wc',
  summary: 'print newline, word, and byte counts for each file',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'wc', { ...HELP_VERSION, bytes: { short: 'c' }, chars: { short: 'm' }, lines: { short: 'l' }, 'max-line-length': { short: 'L' }, words: { short: 'w' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    let which = (['lines', 'words', 'chars', 'bytes', 'max-line-length'] as const).filter((k) => args.has(k));
    if (!which.length) which = ['lines', 'words', 'bytes'];
    const files = args.operands.length ? args.operands : ['-'];
    const results: { name: string | undefined; c: Counts }[] = [];
    let status = 0;
    let width = 1;
    let fromStdin = false;
    for (const f of files) {
      try {
        if (f !== '-' && ctx.fs.stat(resolvePath(ctx.cwd, f)).type === 'dir') {
          await ctx.stderr.write(`wc: ${f}: Is a directory\n`);
          results.push({ name: f, c: { lines: 0, words: 0, chars: 0, bytes: 0, max: 0 } });
          status = 1;
          continue;
        }
        const data = await readInput(ctx, f);
        if (f === '-') fromStdin = true;
        else width = Math.max(width, String(data.length).length);
        results.push({ name: args.operands.length ? f : undefined, c: count(data) });
      } catch (e) {
        await ctx.stderr.write(`wc: ${f}: ${reason(e)}\n`);
        status = 1;
      }
    }
    const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, max: 0 };
    for (const r of results) {
      total.lines += r.c.lines;
      total.words += r.c.words;
      total.chars += r.c.chars;
      total.bytes += r.c.bytes;
      total.max = Math.max(total.max, r.c.max);
    }
    // GNU sizes columns from the total bytes of regular files; 7 when reading a pipe.
    if (fromStdin) width = Math.max(width, 7);
    width = Math.max(width, String(total.bytes).length);
    const value = (c: Counts, k: (typeof which)[number]) => (k === 'max-line-length' ? c.max : c[k]);
    const single = which.length === 1 && results.length + (files.length > 1 ? 1 : 0) === 1;
    const line = (c: Counts, name: string | undefined) => which.map((k) => (single ? String(value(c, k)) : String(value(c, k)).padStart(width))).join(' ') + (name !== undefined ? ` ${name}` : '') + '\n';
    for (const r of results) await ctx.stdout.write(line(r.c, r.name));
    if (files.length > 1) await ctx.stdout.write(line(total, 'total'));
    return status;
  },
};
