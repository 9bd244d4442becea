// wc: newline, word and byte counts (GNU coreutils): -l -w -c -m -L, totals, GNU's column widths.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, reason } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

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

/**
 * Counts a stream chunk by chunk, so a pipe of any length is counted in constant memory
 * and a big file does not hold the event loop (every other learner) for seconds.
 */
class Counter {
  private readonly decoder = new TextDecoder();
  private inWord = false;
  private col = 0;
  readonly c: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, max: 0 };

  feed(data: Uint8Array, final = false): void {
    this.c.bytes += data.length;
    const text = this.decoder.decode(data, { stream: !final });
    const c = this.c;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // A low surrogate ends a character already counted with its high half.
      if (code >= 0xdc00 && code <= 0xdfff) continue;
      c.chars++;
      if (code === 10) {
        c.lines++;
        if (this.col > c.max) c.max = this.col;
        this.col = 0;
      } else if (code === 9) this.col += 8 - (this.col % 8);
      else this.col++;
      const space = code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(text[i]!));
      if (!space && !this.inWord) c.words++;
      this.inWord = !space;
    }
  }

  end(): Counts {
    this.feed(new Uint8Array(0), true);
    if (this.col > this.c.max) this.c.max = this.col;
    return this.c;
  }
}

const SLICE = 1024 * 1024;

/** Counts a file, or standard input as it arrives ('-'). */
async function countInput(ctx: CommandContext, file: string): Promise<Counts> {
  const counter = new Counter();
  const budget = cpuBudget(ctx);
  if (file === '-') {
    for (let chunk = await ctx.stdin.read(); chunk !== null; chunk = await ctx.stdin.read()) {
      counter.feed(chunk);
      if (budget.step(1 + (chunk.length >> 12))) await budget.tick();
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }
    return counter.end();
  }
  const data = ctx.fs.readFile(resolvePath(ctx.cwd, file));
  for (let off = 0; off < data.length; off += SLICE) {
    counter.feed(data.subarray(off, off + SLICE));
    await budget.tick();
    if (ctx.signal.aborted) throw ctx.signal.reason;
  }
  return counter.end();
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
        const c = await countInput(ctx, f);
        if (f === '-') fromStdin = true;
        else width = Math.max(width, String(c.bytes).length);
        results.push({ name: args.operands.length ? f : undefined, c });
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
