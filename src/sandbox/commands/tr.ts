// tr (GNU coreutils 9.1): translate, squeeze (-s) and delete (-d) characters; sets with
// ranges (a-z), classes ([:upper:]), escapes (\n, \t, \\, \NNN), [c*n] repeats, -c complement.
import { readAll } from '../io.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail } from './common.ts';
import { cpuBudget } from '../cpu-budget.ts';

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
`;

const CLASSES: Record<string, (c: number) => boolean> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  digit: (c) => c >= 48 && c <= 57,
  alnum: (c) => CLASSES.alpha!(c) || CLASSES.digit!(c),
  xdigit: (c) => CLASSES.digit!(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => c > 32 && c < 127 && !CLASSES.alnum!(c),
  print: (c) => c >= 32 && c < 127,
  graph: (c) => c > 32 && c < 127,
  cntrl: (c) => c < 32 || c === 127,
};

class SetError extends Error {}

/** Expands a tr set into byte values (class names kept for upper/lower pairing). */
function expand(s: string): { chars: number[]; classes: string[] } {
  const chars: number[] = [];
  const classes: string[] = [];
  const unescape = (i: number): [number, number] => {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) return [c.charCodeAt(0), i + 1];
    const n = s[i + 1]!;
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
    if (oct) return [parseInt(oct[0], 8) & 0xff, i + 1 + oct[0].length];
    const map: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7, b: 8, '\\': 92 };
    return [map[n] ?? n.charCodeAt(0), i + 2];
  };
  let i = 0;
  while (i < s.length) {
    const cls = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (cls) {
      const test = CLASSES[cls[1]!];
      if (!test) throw new SetError(`invalid character class ${lq(cls[1]!)}`);
      classes.push(cls[1]!);
      for (let c = 0; c < 256; c++) if (test(c)) chars.push(c);
      i += cls[0].length;
      continue;
    }
    const rep = /^\[(\\?.)\*(\d*)\]/.exec(s.slice(i));
    if (rep) {
      const [c] = unescape(i + 1);
      const n = rep[2] ? Number(rep[2]) : -1;
      chars.push(...Array(n < 0 ? 1 : n).fill(c));
      if (n < 0) chars.push(-1); // marker: fill to the length of SET1
      i += rep[0].length;
      continue;
    }
    const [c, next] = unescape(i);
    if (s[next] === '-' && next + 1 < s.length) {
      const [hi, after] = unescape(next + 1);
      if (hi < c) throw new SetError(`range-endpoints of ${lq(`${String.fromCharCode(c)}-${String.fromCharCode(hi)}`)} are in reverse collating sequence order`);
      for (let x = c; x <= hi; x++) chars.push(x);
      i = after;
      continue;
    }
    chars.push(c);
    i = next;
  }
  return { chars, classes };
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
    const complement = args.has('complement') || args.has('C');
    const ops = args.operands;
    const fail = async (msg: string) => {
      await ctx.stderr.write(`tr: ${msg}\nTry 'tr --help' for more information.\n`);
      return 1;
    };
    const translating = !del && ops.length >= 1 && !(squeeze && ops.length === 1);
    if (ops.length === 0) return fail('missing operand');
    if (translating && ops.length === 1) return fail(`missing operand after ${lq(ops[0]!)}\nTwo strings must be given when translating.`);
    const maxOps = del && !squeeze ? 1 : 2;
    if (ops.length > maxOps) return fail(`extra operand ${lq(ops[maxOps]!)}${del && !squeeze ? '\nOnly one string may be given when deleting without squeezing repeats.' : ''}`);
    let set1: number[];
    let set2: number[] = [];
    try {
      set1 = expand(ops[0]!).chars.filter((c) => c >= 0);
      if (ops[1] !== undefined) set2 = expand(ops[1]).chars;
    } catch (e) {
      await ctx.stderr.write(`tr: ${(e as Error).message}\n`);
      return 1;
    }
    const in1 = new Set(set1);
    const member1 = (c: number) => in1.has(c) !== complement;
    if (complement) {
      set1 = [];
      for (let c = 0; c < 256; c++) if (!in1.has(c)) set1.push(c);
    }
    const fill = set2.indexOf(-1);
    if (fill >= 0) {
      const before = set2.slice(0, fill - 1);
      const after = set2.slice(fill + 1);
      const c = set2[fill - 1]!;
      set2 = [...before, ...Array(Math.max(0, set1.length - before.length - after.length)).fill(c), ...after];
    }
    if (translating && set2.length === 0) return fail('when not truncating set1, string2 must be non-empty');
    const map = new Map<number, number>();
    if (translating) {
      const limit = args.has('truncate-set1') ? Math.min(set1.length, set2.length) : set1.length;
      for (let k = 0; k < limit; k++) map.set(set1[k]!, set2[Math.min(k, set2.length - 1)]!);
    }
    const squeezeSet = new Set(translating || del ? set2.filter((c) => c >= 0) : set1);
    if (!translating && !del && complement) for (let c = 0; c < 256; c++) if (!in1.has(c)) squeezeSet.add(c);
    const input = await readAll(ctx.stdin);
    const out: number[] = [];
    let last = -1;
    const budget = cpuBudget(ctx);
    for (const b of input) {
      if (budget.step()) await budget.tick();
      if (del && member1(b)) continue;
      const c = translating ? (member1(b) ? (map.get(b) ?? b) : b) : b;
      if (squeeze && squeezeSet.has(c) && c === last) continue;
      out.push(c);
      last = c;
    }
    await ctx.stdout.write(Uint8Array.from(out));
    return 0;
  },
};
