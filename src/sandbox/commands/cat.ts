// cat: concatenate files to standard output (GNU coreutils). Streams stdin chunk by
// chunk, so `cat` in a pipeline shows output as it arrives.
import { cpuBudget } from '../cpu-budget.ts';
import type { InputStream } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { abs, HELP_VERSION, helpOrVersion, parseOrFail, reason } from './common.ts';

const HELP = `Usage: cat [OPTION]... [FILE]...
Concatenate FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

  -A, --show-all           equivalent to -vET
  -b, --number-nonblank    number nonempty output lines, overrides -n
  -e                       equivalent to -vE
  -E, --show-ends          display $ at end of each line
  -n, --number             number all output lines
  -s, --squeeze-blank      suppress repeated empty output lines
  -t                       equivalent to -vT
  -T, --show-tabs          display TAB characters as ^I
  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
      --help        display this help and exit
      --version     output version information and exit

Examples:
  cat f - g  Output f's contents, then standard input, then g's contents.
  cat        Copy standard input to standard output.
`;

const SPEC = {
  ...HELP_VERSION,
  'show-all': { short: 'A' },
  'number-nonblank': { short: 'b' },
  e: { short: 'e' },
  'show-ends': { short: 'E' },
  number: { short: 'n' },
  'squeeze-blank': { short: 's' },
  t: { short: 't' },
  'show-tabs': { short: 'T' },
  u: { short: 'u' },
  'show-nonprinting': { short: 'v' },
};

function nonprinting(b: number): string {
  if (b >= 128) return 'M-' + nonprinting(b - 128);
  if (b === 127) return '^?';
  if (b < 32 && b !== 9 && b !== 10) return '^' + String.fromCharCode(b + 64);
  return String.fromCharCode(b);
}

/**
 * A character device read as a stream: /dev/zero and /dev/urandom give more on every read,
 * for ever, as on Linux (`cat /dev/zero | head -c 1M`); /dev/null ends at once. Undefined
 * for anything that is not a device.
 */
export function deviceInput(ctx: CommandContext, path: string): InputStream | undefined {
  let st;
  try {
    st = ctx.fs.stat(path);
  } catch {
    return undefined;
  }
  if (!('device' in st) || !st.device) return undefined;
  return {
    isTTY: false,
    read: async () => {
      if (ctx.signal.aborted) return null;
      const c = ctx.fs.readFile(path);
      return c.length ? c : null;
    },
  };
}

export const cat: Command = {
  name: 'cat',
  summary: 'concatenate files and print on the standard output',
  async run(ctx: CommandContext) {
    const args = await parseOrFail(ctx, 'cat', SPEC);
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const all = args.has('show-all');
    const showEnds = all || args.has('show-ends') || args.has('e');
    const showTabs = all || args.has('show-tabs') || args.has('t');
    const showNp = all || args.has('show-nonprinting') || args.has('e') || args.has('t');
    const numberNonblank = args.has('number-nonblank');
    const number = numberNonblank || args.has('number');
    const squeeze = args.has('squeeze-blank');
    const plain = !showEnds && !showTabs && !showNp && !number && !squeeze;

    // State carried across chunks and files, as GNU cat numbers lines across files.
    let line = 0;
    let atLineStart = true;
    let blankRun = 0;
    const dec = new TextDecoder();
    const format = (chunk: Uint8Array): string => {
      let out = '';
      const text = showNp ? Array.from(chunk, nonprinting).join('') : dec.decode(chunk, { stream: true });
      for (const ch of text) {
        if (atLineStart) {
          if (ch === '\n') {
            blankRun++;
            if (squeeze && blankRun > 1) continue;
            if (number && !numberNonblank) out += `${String(++line).padStart(6)}\t`;
          } else {
            blankRun = 0;
            if (number) out += `${String(++line).padStart(6)}\t`;
          }
        }
        if (ch === '\n') {
          out += showEnds ? '$\n' : '\n';
          atLineStart = true;
          continue;
        }
        atLineStart = false;
        out += ch === '\t' && showTabs ? '^I' : ch;
      }
      return out;
    };

    let status = 0;
    const budget = cpuBudget(ctx);
    // Copying is charged per chunk (a unit per 256 bytes), so `cat /dev/zero | …` yields and is ended at its CPU limit.
    const copy = async (input: InputStream) => {
      for (let c = await input.read(); c !== null; c = await input.read()) {
        await ctx.stdout.write(plain ? c : format(c));
        if (budget.step(1 + (c.length >> 8))) await budget.tick();
      }
    };
    for (const f of args.operands.length ? args.operands : ['-']) {
      if (f === '-') {
        await copy(ctx.stdin);
        continue;
      }
      const device = deviceInput(ctx, abs(ctx, f));
      if (device) {
        await copy(device);
        continue;
      }
      let data: Uint8Array;
      try {
        const path = abs(ctx, f);
        if (ctx.fs.stat(path).type === 'dir') {
          await ctx.stderr.write(`cat: ${f}: Is a directory\n`);
          status = 1;
          continue;
        }
        data = ctx.fs.readFile(path);
      } catch (e) {
        await ctx.stderr.write(`cat: ${f}: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      if (data.length) await ctx.stdout.write(plain ? data : format(data));
      if (budget.step(1 + (data.length >> 8))) await budget.tick();
    }
    return status;
  },
};
