// sort: sort lines of text (GNU coreutils, C.UTF-8 byte order): -n -r -u -f -b -k -t -o -s -h -V -c.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, readInput, reason, usageError } from './common.ts';
import { chargedInput, cpuBudget, splitLinesCharged, writeLinesCharged, type CpuBudget } from '../cpu-budget.ts';

const HELP = `Usage: sort [OPTION]... [FILE]...
Write sorted concatenation of all FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

Ordering options:
  -b, --ignore-leading-blanks  ignore leading blanks
  -f, --ignore-case           fold lower case to upper case characters
  -h, --human-numeric-sort    compare human readable numbers (e.g., 2K 1G)
  -n, --numeric-sort          compare according to string numerical value
  -r, --reverse               reverse the result of comparisons
  -V, --version-sort          natural sort of (version) numbers within text

Other options:
  -c, --check               check for sorted input; do not sort
  -k, --key=KEYDEF          sort via a key; KEYDEF gives location and type
  -o, --output=FILE         write result to FILE instead of standard output
  -s, --stable              stabilize sort by disabling last-resort comparison
  -t, --field-separator=SEP  use SEP instead of non-blank to blank transition
  -u, --unique              output only the first of an equal run
      --help        display this help and exit
      --version     output version information and exit

KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position, where F is a
field number and C a character position in the field; both are origin 1, and
the stop position defaults to the line's end.  OPTS is one or more single-letter
ordering options [bfhnrV], which override global ordering options for that key.
`;

interface Key {
  sf: number;
  sc: number;
  ef: number;
  ec: number;
  opts: string;
}

function parseKey(s: string): Key | undefined {
  const m = /^(\d+)(?:\.(\d+))?([bfhnrV]*)(?:,(\d+)(?:\.(\d+))?([bfhnrV]*))?$/.exec(s);
  if (!m || Number(m[1]) === 0) return undefined;
  return { sf: Number(m[1]), sc: Number(m[2] ?? 1), ef: m[4] ? Number(m[4]) : Infinity, ec: m[5] ? Number(m[5]) : 0, opts: (m[3] ?? '') + (m[6] ?? '') };
}

/** Field boundaries: with a separator, split on it; otherwise each field is its leading blanks plus non-blanks. */
function fields(line: string, sep: string | undefined): [number, number][] {
  const out: [number, number][] = [];
  if (sep !== undefined) {
    let start = 0;
    for (let i = 0; i <= line.length; i++) {
      if (i === line.length || line[i] === sep) {
        out.push([start, i]);
        start = i + 1;
      }
    }
    return out;
  }
  let i = 0;
  while (i < line.length) {
    const start = i;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    out.push([start, i]);
  }
  return out;
}

function keyText(line: string, k: Key, sep: string | undefined, blanks: boolean): string {
  const f = fields(line, sep);
  const sfield = f[k.sf - 1];
  if (!sfield) return '';
  let s = sfield[0];
  if (blanks) while (s < sfield[1] && (line[s] === ' ' || line[s] === '\t')) s++;
  s = Math.min(s + k.sc - 1, sfield[1]);
  let e = line.length;
  if (k.ef !== Infinity) {
    const efield = f[k.ef - 1];
    if (efield) e = k.ec ? Math.min(efield[0] + k.ec, efield[1]) : efield[1];
  }
  return line.slice(s, Math.max(s, e));
}

const HUMAN: Record<string, number> = { '': 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

function numeric(s: string): number {
  const m = /^\s*([-+]?\d*\.?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** A key made ready for comparing under `opts` once per line, not once per comparison. */
type Prepared = string | number | [number, number];

function prepare(s: string, opts: string): Prepared {
  if (opts.includes('f')) s = s.toUpperCase();
  if (opts.includes('n')) return numeric(s);
  if (opts.includes('h')) {
    const m = /^\s*([-+]?\d*\.?\d+)([KMGTPE]?)/.exec(s);
    return [HUMAN[m?.[2] ?? ''] ?? 0, Number(m?.[1] ?? 0)];
  }
  if (opts.includes('V')) return s;
  if (opts.includes('b')) return s.trimStart();
  return s;
}

function comparePrepared(a: Prepared, b: Prepared, opts: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
  if (opts.includes('V')) return (a as string).localeCompare(b as string, 'en', { numeric: true });
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SortItem {
  line: string;
  keys: Prepared[];
}

/** Runs of this many lines are sorted by insertion before merging. */
const RUN = 32;

/**
 * A stable merge sort that counts every comparison against the CPU budget: sorting two
 * million lines is seconds of work, and the event loop (other learners' sessions, Ctrl-C)
 * must keep running while it goes on.
 */
async function sortCharged<T>(items: T[], cmp: (a: T, b: T) => number, budget: CpuBudget): Promise<T[]> {
  const n = items.length;
  let src = items.slice();
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = src[i]!;
      let j = i - 1;
      while (j >= lo && cmp(src[j]!, x) > 0) {
        src[j + 1] = src[j]!;
        j--;
      }
      src[j + 1] = x;
      if (budget.step(i - j)) await budget.tick();
    }
  }
  let dst = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
        if (budget.step()) await budget.tick();
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

export const sort: Command = {
  name: 'sort',
  summary: 'sort lines of text files',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'sort', {
      ...HELP_VERSION,
      'ignore-leading-blanks': { short: 'b' },
      'ignore-case': { short: 'f' },
      'human-numeric-sort': { short: 'h' },
      'numeric-sort': { short: 'n' },
      reverse: { short: 'r' },
      'version-sort': { short: 'V' },
      check: { short: 'c' },
      key: { short: 'k', arg: true },
      output: { short: 'o', arg: true },
      stable: { short: 's' },
      'field-separator': { short: 't', arg: true },
      unique: { short: 'u' },
      'zero-terminated': { short: 'z' },
      'general-numeric-sort': { short: 'g' },
    }, { status: 2 });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const global = [['ignore-leading-blanks', 'b'], ['ignore-case', 'f'], ['human-numeric-sort', 'h'], ['numeric-sort', 'n'], ['general-numeric-sort', 'n'], ['reverse', 'r'], ['version-sort', 'V']]
      .filter(([k]) => args.has(k!))
      .map(([, v]) => v)
      .join('');
    const sep = args.value('field-separator');
    if (sep !== undefined && [...sep].length !== 1) {
      await ctx.stderr.write(sep === '' ? 'sort: empty tab\n' : `sort: multi-character tab ${lq(sep)}\n`);
      return 2;
    }
    const keys: Key[] = [];
    for (const k of args.values('key')) {
      const parsed = parseKey(k);
      if (!parsed) return usageError(ctx, 'sort', `sort: invalid number at field start: invalid count at start of ${lq(k)}`, 2);
      keys.push(parsed);
    }
    const budget = cpuBudget(ctx);
    const input = { ...ctx, stdin: chargedInput(ctx.stdin, budget) };
    let lines: string[] = [];
    for (const f of args.operands.length ? args.operands : ['-']) {
      try {
        if (f !== '-' && ctx.fs.stat(resolvePath(ctx.cwd, f)).type === 'dir') {
          await ctx.stderr.write(`sort: read failed: ${f}: Is a directory\n`);
          return 2;
        }
        const text = new TextDecoder().decode(await readInput(input, f));
        const ls = await splitLinesCharged(text, budget);
        // Not push(...ls): a million arguments overflow the stack.
        lines = lines.length ? lines.concat(ls) : ls;
      } catch (e) {
        await ctx.stderr.write(`sort: cannot read: ${f}: ${reason(e)}\n`);
        return 2;
      }
    }
    // Each key (or the whole line) is prepared once per line; a key with its own ordering
    // letters does not inherit the global ones.
    const keyOpts = keys.map((k) => k.opts || global);
    const item = (line: string): SortItem => ({
      line,
      keys: keys.length ? keys.map((k, i) => prepare(keyText(line, k, sep, keyOpts[i]!.includes('b')), keyOpts[i]!)) : [prepare(line, global)],
    });
    const lastResort = !args.has('stable') && !args.has('unique');
    const cmp = (a: SortItem, b: SortItem): number => {
      if (keys.length) {
        for (let i = 0; i < keys.length; i++) {
          const opts = keyOpts[i]!;
          const c = comparePrepared(a.keys[i]!, b.keys[i]!, opts);
          if (c) return opts.includes('r') ? -c : c;
        }
      } else {
        const c = comparePrepared(a.keys[0]!, b.keys[0]!, global);
        if (c) return global.includes('r') ? -c : c;
      }
      if (!lastResort) return 0;
      const c = a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
      return global.includes('r') ? -c : c;
    };
    const items: SortItem[] = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      items[i] = item(lines[i]!);
      if (budget.step()) await budget.tick();
    }
    if (args.has('check')) {
      for (let i = 1; i < items.length; i++) {
        const c = cmp(items[i - 1]!, items[i]!);
        if (c > 0 || (args.has('unique') && c === 0)) {
          await ctx.stderr.write(`sort: ${args.operands[0] ?? '-'}:${i + 1}: disorder: ${lines[i]}\n`);
          return 1;
        }
        if (budget.step()) await budget.tick();
      }
      return 0;
    }
    const sorted = await sortCharged(items, cmp, budget);
    const out = args.has('unique') ? sorted.filter((l, i) => i === 0 || cmp(sorted[i - 1]!, l) !== 0).map((x) => x.line) : sorted.map((x) => x.line);
    const o = args.value('output');
    if (o !== undefined) {
      const text = await writeLinesCharged(undefined, out, budget);
      try {
        ctx.fs.writeFile(resolvePath(ctx.cwd, o), text);
      } catch (e) {
        await ctx.stderr.write(`sort: open failed: ${o}: ${reason(e)}\n`);
        return 2;
      }
    } else await writeLinesCharged(ctx.stdout, out, budget);
    return 0;
  },
};
