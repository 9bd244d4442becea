// tr: translate, squeeze and delete characters (GNU coreutils): ranges, [:classes:], escapes, -d -s -c.
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: tr [OPTION]... STRING1 [STRING2]
Translate, squeeze, and/or delete characters from standard input,
writing to standard output.  STRING1 and STRING2 specify arrays of
characters ARRAY1 and ARRAY2 that control the action.

  -c, -C, --complement    use the complement of ARRAY1
  -d, --delete            delete characters in ARRAY1, do not translate
  -s, --squeeze-repeats   replace each sequence of a repeated character
                            that is listed in the last specified ARRAY,
                            with a single occurrence of that character
  -t, --truncate-set1     first truncate ARRAY1 to length of ARRAY2
      --help        display this help and exit
      --version     output version information and exit

ARRAYs are specified as strings of characters.  Most represent themselves.
Interpreted sequences are: \\NNN (octal), \\\\, \\a, \\b, \\f, \\n, \\r, \\t, \\v,
CHAR1-CHAR2 (a range), [CHAR*] and [CHAR*REPEAT], [:alnum:], [:alpha:],
[:blank:], [:cntrl:], [:digit:], [:graph:], [:lower:], [:print:], [:punct:],
[:space:], [:upper:], [:xdigit:], [=CHAR=].
`;

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCharCode(a + i));
const CLASS: Record<string, () => string[]> = {
  alpha: () => [...range(65, 90), ...range(97, 122)],
  digit: () => range(48, 57),
  alnum: () => [...range(48, 57), ...range(65, 90), ...range(97, 122)],
  upper: () => range(65, 90),
  lower: () => range(97, 122),
  space: () => [' ', '\t', '\n', '\v', '\f', '\r'],
  blank: () => [' ', '\t'],
  punct: () => range(33, 126).filter((c) => !/[0-9A-Za-z]/.test(c)),
  print: () => range(32, 126),
  graph: () => range(33, 126),
  cntrl: () => [...range(0, 31), '\x7f'],
  xdigit: () => [...range(48, 57), ...range(65, 70), ...range(97, 102)],
};

/** Expands a tr STRING into its array of characters; a string result is an error message. */
export function expandSet(s: string): string[] | string {
  const units: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i]!;
      const oct = /^[0-7]{1,3}/.exec(s.slice(i));
      if (oct) {
        units.push(String.fromCharCode(parseInt(oct[0], 8)));
        i += oct[0].length - 1;
      } else units.push({ a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }[n] ?? n);
    } else units.push(c);
  }
  const out: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const rest = units.slice(i).join('');
    const cls = /^\[:([a-z]+):\]/.exec(rest);
    if (cls) {
      const f = CLASS[cls[1]!];
      if (!f) return `invalid character class ${lq(cls[1]!)}`;
      out.push(...f());
      i += cls[0].length - 1;
      continue;
    }
    const eq = /^\[=(.)=\]/.exec(rest);
    if (eq) {
      out.push(eq[1]!);
      i += 4;
      continue;
    }
    const rep = /^\[(.)\*(\d*)\]/.exec(rest);
    if (rep) {
      out.push(...Array<string>(rep[2] ? Number(rep[2]) : 0).fill(rep[1]!), ...(rep[2] ? [] : [`\0REPEAT${rep[1]}`]));
      i += rep[0].length - 1;
      continue;
    }
    if (units[i + 1] === '-' && i + 2 < units.length) {
      const a = units[i]!.charCodeAt(0);
      const b = units[i + 2]!.charCodeAt(0);
      if (b < a) return `range-endpoints of '${units[i]}-${units[i + 2]}' are in reverse collating sequence order`;
      out.push(...range(a, b));
      i += 2;
      continue;
    }
    out.push(units[i]!);
  }
  return out;
}

export const tr: Command = {
  name: 'tr',
  summary: 'translate or delete characters',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'tr', { ...HELP_VERSION, complement: { short: 'c' }, C: { short: 'C' }, delete: { short: 'd' }, 'squeeze-repeats': { short: 's' }, 'truncate-set1': { short: 't' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const del = args.has('delete');
    const squeeze = args.has('squeeze-repeats');
    const comp = args.has('complement') || args.has('C');
    const ops = args.operands;
    const need = del && squeeze ? 2 : del || (squeeze && ops.length < 2) ? 1 : 2;
    if (ops.length === 0) return usageError(ctx, 'tr', 'tr: missing operand');
    if (ops.length < need) {
      const why = del && squeeze ? 'Two strings must be given when both deleting and squeezing repeats.' : 'Two strings must be given when translating.';
      return usageError(ctx, 'tr', `tr: missing operand after ${lq(ops[ops.length - 1]!)}\n${why}`);
    }
    if (ops.length > need) {
      const why = need === 1 && del ? '\nOnly one string may be given when deleting without squeezing repeats.' : '';
      return usageError(ctx, 'tr', `tr: extra operand ${lq(ops[need]!)}${why}`);
    }
    const s1 = expandSet(ops[0]!);
    const s2 = ops[1] !== undefined ? expandSet(ops[1]) : [];
    if (typeof s1 === 'string' || typeof s2 === 'string') {
      await ctx.stderr.write(`tr: ${typeof s1 === 'string' ? s1 : s2}\n`);
      return 1;
    }
    const set1 = new Set(s1);
    const in1 = (c: string) => set1.has(c) !== comp;
    const map = new Map<string, string>();
    if (!del && ops.length === 2) {
      const fill = s2.find((x) => x.startsWith('\0REPEAT'));
      const plain = s2.filter((x) => !x.startsWith('\0REPEAT'));
      if (!plain.length && !fill) {
        await ctx.stderr.write('tr: when not truncating set1, string2 must be non-empty\n');
        return 1;
      }
      if (comp) {
        // Every character not in SET1 maps to the last of SET2.
        const last = fill ? fill.slice(7) : plain[plain.length - 1]!;
        for (let code = 0; code < 256; code++) if (!set1.has(String.fromCharCode(code))) map.set(String.fromCharCode(code), last);
      } else {
        s1.forEach((c, i) => map.set(c, plain[i] ?? (fill ? fill.slice(7) : plain[plain.length - 1]!)));
      }
    }
    const squeezeSet = new Set(ops.length === 2 && !del ? s2.filter((x) => !x.startsWith('\0')) : s1);
    const inSqueeze = (c: string) => (ops.length === 2 && !del ? squeezeSet.has(c) : squeezeSet.has(c) !== comp);
    const dec = new TextDecoder();
    let prev = '';
    for (let chunk = await ctx.stdin.read(); chunk !== null; chunk = await ctx.stdin.read()) {
      let out = '';
      for (const ch of dec.decode(chunk, { stream: true })) {
        if (del && in1(ch)) continue;
        const c = !del && ops.length === 2 ? (comp ? (in1(ch) ? (map.get(ch) ?? map.values().next().value ?? ch) : ch) : (map.get(ch) ?? ch)) : ch;
        if (squeeze && c === prev && inSqueeze(c)) continue;
        out += c;
        prev = c;
      }
      await ctx.stdout.write(out);
    }
    return 0;
  },
};
