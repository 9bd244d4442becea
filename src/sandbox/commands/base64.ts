// base64 (GNU coreutils 9.1): encode with lines wrapped at 76 columns (-w N, 0 = no
// wrapping), decode with -d (newlines ignored, -i ignores other garbage).
import { resolvePath } from '../../platform/filesystem.ts';
import { chargedInput, cpuBudget, type CpuBudget } from '../cpu-budget.ts';
import { inputFrom, type InputStream } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, readInput, reason } from './common.ts';

const HELP = `Usage: base64 [OPTION]... [FILE]
Base64 encode or decode FILE, or standard input, to standard output.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -d, --decode          decode data
  -i, --ignore-garbage  when decoding, ignore non-alphabet characters
  -w, --wrap=COLS       wrap encoded lines after COLS character (default 76).
                          Use 0 to disable line wrapping
      --help        display this help and exit
      --version     output version information and exit
`;

const ALPHABET = /[A-Za-z0-9+/=]/;

/** Input bytes encoded per write (a multiple of 3, so chunks join without padding). */
const ENCODE_CHUNK = 48 * 1024;

async function encodeStream(ctx: CommandContext, input: InputStream, wrap: number, budget: CpuBudget): Promise<number> {
  let pending = new Uint8Array(0);
  // Characters already on the current output line, carried across chunks.
  let column = 0;
  const emit = async (bytes: Uint8Array, last: boolean) => {
    if (budget.step(1 + (bytes.length >> 8))) await budget.tick();
    const enc = Buffer.from(bytes).toString('base64');
    if (wrap === 0) {
      if (enc) await ctx.stdout.write(enc);
      return;
    }
    let out = '';
    for (let i = 0; i < enc.length; ) {
      const take = Math.min(wrap - column, enc.length - i);
      out += enc.slice(i, i + take);
      i += take;
      column += take;
      if (column === wrap) {
        out += '\n';
        column = 0;
      }
    }
    if (last && column > 0) {
      out += '\n';
      column = 0;
    }
    if (out) await ctx.stdout.write(out);
  };
  for (let c = await input.read(); c !== null; c = await input.read()) {
    const all = pending.length ? Buffer.concat([pending, c]) : c;
    const whole = all.length - (all.length % 3);
    for (let off = 0; off + ENCODE_CHUNK <= whole; off += ENCODE_CHUNK) await emit(all.subarray(off, off + ENCODE_CHUNK), false);
    const done = whole - (whole % ENCODE_CHUNK);
    if (whole > done) await emit(all.subarray(done, whole), false);
    pending = all.slice(whole);
  }
  await emit(pending, true);
  return 0;
}

export const base64: Command = {
  name: 'base64',
  summary: 'base64 encode/decode data and print to standard output',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'base64', { ...HELP_VERSION, decode: { short: 'd' }, 'ignore-garbage': { short: 'i' }, wrap: { short: 'w', arg: true } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length > 1) {
      await ctx.stderr.write(`base64: extra operand ${lq(args.operands[1]!)}\nTry 'base64 --help' for more information.\n`);
      return 1;
    }
    const wrapText = args.value('wrap') ?? '76';
    if (!/^\d+$/.test(wrapText)) {
      await ctx.stderr.write(`base64: invalid wrap size: ${lq(wrapText)}\n`);
      return 1;
    }
    const wrap = Number(wrapText);
    const file = args.operands[0] ?? '-';
    const budget = cpuBudget(ctx);
    if (!args.has('decode')) {
      // Encoding streams, as GNU base64 does: `yes | head -c 100M | base64` needs no memory.
      let input: InputStream;
      try {
        input = file === '-' ? ctx.stdin : inputFrom(ctx.fs.readFile(resolvePath(ctx.cwd, file)));
      } catch (e) {
        await ctx.stderr.write(`base64: ${file}: ${reason(e)}\n`);
        return 1;
      }
      return encodeStream(ctx, input, wrap, budget);
    }
    let data: Uint8Array;
    try {
      data = await readInput({ ...ctx, stdin: chargedInput(ctx.stdin, budget) }, file);
    } catch (e) {
      await ctx.stderr.write(`base64: ${file}: ${reason(e)}\n`);
      return 1;
    }
    let text = new TextDecoder('latin1').decode(data).replace(/\n/g, '');
    if (args.has('ignore-garbage')) text = [...text].filter((c) => ALPHABET.test(c)).join('');
    // Decode up to the first bad character (or bad padding), as GNU base64 does, then fail.
    let good = text.length;
    for (let i = 0; i < text.length; i++) {
      if (!ALPHABET.test(text[i]!)) {
        good = i;
        break;
      }
    }
    const quads = Math.floor(good / 4) * 4;
    const padOk = !/=[^=]/.test(text.slice(0, good)) && (good !== text.length || text.length % 4 === 0 || !text.includes('='));
    const head = text.slice(0, good === text.length && text.length % 4 !== 0 ? good : quads);
    await ctx.stdout.write(new Uint8Array(Buffer.from(head, 'base64')));
    if (good !== text.length || !padOk || text.length % 4 !== 0) {
      await ctx.stderr.write('base64: invalid input\n');
      return 1;
    }
    return 0;
  },
};
