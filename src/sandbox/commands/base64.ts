// base64 (GNU coreutils 9.1): encode with lines wrapped at 76 columns (-w N, 0 = no
// wrapping), decode with -d (newlines ignored, -i ignores other garbage).
import type { Command } from '../types.ts';
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
    let data: Uint8Array;
    try {
      data = await readInput(ctx, file);
    } catch (e) {
      await ctx.stderr.write(`base64: ${file}: ${reason(e)}\n`);
      return 1;
    }
    if (!args.has('decode')) {
      const enc = Buffer.from(data).toString('base64');
      if (!enc) return 0;
      const lines = wrap === 0 ? [enc] : (enc.match(new RegExp(`.{1,${wrap}}`, 'g')) ?? []);
      await ctx.stdout.write(lines.join('\n') + (wrap === 0 ? '' : '\n'));
      return 0;
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
