// grep: print lines that match patterns (GNU grep 3.8): BRE/ERE/fixed, -i -v -n -c -l -L
// -o -q -s -w -x -r -h -H -m -A/-B/-C, several -e. Streams stdin line by line.
import { resolvePath } from '../../platform/filesystem.ts';
import { readLines } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { cpuBudget } from '../cpu-budget.ts';
import { fsOf, parseOrFail, reason } from './common.ts';
import { compileAny, matchAll, RegexBudgetError, RegexSyntaxError, type Regex } from '../regex/index.ts';

const HELP = `Usage: grep [OPTION]... PATTERNS [FILE]...
Search for PATTERNS in each FILE.
Example: grep -i 'hello world' menu.h main.c
PATTERNS can contain multiple patterns separated by newlines.

Pattern selection and interpretation:
  -E, --extended-regexp     PATTERNS are extended regular expressions
  -F, --fixed-strings       PATTERNS are strings
  -G, --basic-regexp        PATTERNS are basic regular expressions
  -e, --regexp=PATTERNS     use PATTERNS for matching
  -f, --file=FILE           take PATTERNS from FILE
  -i, --ignore-case         ignore case distinctions in patterns and data
  -w, --word-regexp         match only whole words
  -x, --line-regexp         match only whole lines

Miscellaneous:
  -s, --no-messages         suppress error messages
  -v, --invert-match        select non-matching lines
  -V, --version             display version information and exit
      --help                display this help text and exit

Output control:
  -m, --max-count=NUM       stop after NUM selected lines
  -n, --line-number         print line number with output lines
  -H, --with-filename       print file name with output lines
  -h, --no-filename         suppress the file name prefix on output
  -o, --only-matching       show only nonempty parts of lines that match
  -q, --quiet, --silent     suppress all normal output
  -r, --recursive           search directories recursively
  -R, --dereference-recursive  likewise, but follow all symlinks
  -L, --files-without-match  print only names of FILEs with no selected lines
  -l, --files-with-matches  print only names of FILEs with selected lines
  -c, --count               print only a count of selected lines per FILE

Context control:
  -B, --before-context=NUM  print NUM lines of leading context
  -A, --after-context=NUM   print NUM lines of trailing context
  -C, --context=NUM         print NUM lines of output context
      --color[=WHEN]        accepted; output is not coloured here

When FILE is '-', read standard input.  With no FILE, read '.' if
recursive, '-' otherwise.  With fewer than two FILEs, assume -h.
Exit status is 0 if any line is selected, 1 otherwise;
if any error occurs and -q is not given, the exit status is 2.
`;

const SPEC = {
  help: {},
  version: { short: 'V' },
  'extended-regexp': { short: 'E' },
  'fixed-strings': { short: 'F' },
  'basic-regexp': { short: 'G' },
  'perl-regexp': { short: 'P' },
  regexp: { short: 'e', arg: true },
  file: { short: 'f', arg: true },
  'ignore-case': { short: 'i' },
  'no-ignore-case': {},
  'word-regexp': { short: 'w' },
  'line-regexp': { short: 'x' },
  'no-messages': { short: 's' },
  'invert-match': { short: 'v' },
  'max-count': { short: 'm', arg: true },
  'line-number': { short: 'n' },
  'with-filename': { short: 'H' },
  'no-filename': { short: 'h' },
  'only-matching': { short: 'o' },
  quiet: { short: 'q' },
  silent: {},
  recursive: { short: 'r' },
  'dereference-recursive': { short: 'R' },
  'files-without-match': { short: 'L' },
  'files-with-matches': { short: 'l' },
  count: { short: 'c' },
  'before-context': { short: 'B', arg: true },
  'after-context': { short: 'A', arg: true },
  context: { short: 'C', arg: true },
  color: { arg: 'optional' as const },
  colour: { arg: 'optional' as const },
  'line-buffered': {},
  text: { short: 'a' },
  'null-data': { short: 'z' },
  include: { arg: true },
  exclude: { arg: true },
};

class Quit extends Error {}

export const grep: Command = {
  name: 'grep',
  summary: 'print lines that match patterns',
  async run(ctx: CommandContext) {
    const args = await parseOrFail(ctx, 'grep', SPEC, { status: 2 });
    if (typeof args === 'number') return args;
    if (args.has('help')) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args.has('version')) {
      await ctx.stdout.write('grep (GNU grep) 3.8\n');
      return 0;
    }
    const ops = [...args.operands];
    const fs = fsOf(ctx);
    let patterns: string[] = args.values('regexp').flatMap((p) => p.split('\n'));
    for (const f of args.values('file')) {
      try {
        const text = new TextDecoder().decode(fs.readFile(resolvePath(ctx.cwd, f)));
        patterns.push(...text.split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== ''));
      } catch (e) {
        await ctx.stderr.write(`grep: ${f}: ${reason(e)}\n`);
        return 2;
      }
    }
    if (!args.has('regexp') && !args.has('file')) {
      const p = ops.shift();
      if (p === undefined) {
        await ctx.stderr.write("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
        return 2;
      }
      patterns = p.split('\n');
    }
    const extended = args.has('extended-regexp') || args.has('perl-regexp');
    const fixed = args.has('fixed-strings');
    const ignoreCase = args.has('ignore-case');
    let regex: Regex;
    try {
      // All patterns make one regex, so -o finds the leftmost-longest match among them.
      regex = compileAny(patterns, { syntax: extended ? 'extended' : 'basic', fixed, ignoreCase, word: args.has('word-regexp'), line: args.has('line-regexp') });
      for (const w of regex.warnings) await ctx.stderr.write(`grep: warning: ${w}\n`);
    } catch (e) {
      if (e instanceof RegexSyntaxError) {
        await ctx.stderr.write(`grep: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const num = (name: string) => {
      const v = args.value(name);
      return v === undefined ? undefined : Number(v);
    };
    for (const n of ['max-count', 'before-context', 'after-context', 'context']) {
      const v = args.value(n);
      if (v !== undefined && !/^\d+$/.test(v)) {
        await ctx.stderr.write(n === 'max-count' ? `grep: invalid max count\n` : `grep: ${v}: invalid context length argument\n`);
        return 2;
      }
    }
    const maxCount = num('max-count');
    const after = num('after-context') ?? num('context') ?? 0;
    const before = num('before-context') ?? num('context') ?? 0;
    const invert = args.has('invert-match');
    const quiet = args.has('quiet') || args.has('silent');
    const countOnly = args.has('count');
    const listMatching = args.has('files-with-matches');
    const listMissing = args.has('files-without-match');
    const only = args.has('only-matching');
    const lineNumbers = args.has('line-number');
    const recursive = args.has('recursive') || args.has('dereference-recursive');
    const noMessages = args.has('no-messages');
    if (!ops.length) ops.push(recursive ? '.' : '-');
    const implicitDot = recursive && args.operands.length === (args.has('regexp') || args.has('file') ? 0 : 1);
    const showNames = args.has('no-filename') ? false : args.has('with-filename') || ops.length > 1 || recursive;

    let anySelected = false;
    let error = false;
    const complain = async (msg: string) => {
      error = true;
      if (!noMessages) await ctx.stderr.write(`grep: ${msg}\n`);
    };
    const matches = (line: string) => regex.test(line);
    const budget = cpuBudget(ctx);

    const searchLines = async (name: string, lines: AsyncIterable<string> | Iterable<string>, binary: boolean): Promise<void> => {
      let count = 0;
      let lineNo = 0;
      let lastPrinted = 0;
      let afterLeft = 0;
      const ring: [number, string][] = [];
      const prefix = (n: number, sep: string) => (showNames ? `${name}${sep}` : '') + (lineNumbers ? `${n}${sep}` : '');
      for await (const line of lines) {
        // A file read whole is split into lines at once: without this, a big one would hold the event loop.
        if (budget.step()) await budget.tick();
        lineNo++;
        const selected = matches(line) !== invert;
        if (!selected) {
          if (afterLeft > 0 && !quiet && !countOnly && !listMatching && !listMissing && !binary) {
            await ctx.stdout.write(prefix(lineNo, '-') + line + '\n');
            lastPrinted = lineNo;
            afterLeft--;
          } else if (before > 0) {
            ring.push([lineNo, line]);
            if (ring.length > before) ring.shift();
          }
          continue;
        }
        count++;
        anySelected = true;
        if (quiet) throw new Quit();
        if (listMatching || listMissing) break;
        if (!countOnly && !binary) {
          if ((before || after) && lastPrinted && ring.length && ring[0]![0] > lastPrinted + 1) await ctx.stdout.write('--\n');
          else if ((before || after) && lastPrinted && !ring.length && lineNo > lastPrinted + 1) await ctx.stdout.write('--\n');
          for (const [n, l] of ring) await ctx.stdout.write(prefix(n, '-') + l + '\n');
          ring.length = 0;
          if (only && !invert) {
            for (const m of matchAll(regex, line)) if (m.end > m.index) await ctx.stdout.write(prefix(lineNo, ':') + m.groups[0]! + '\n');
          } else if (!only) await ctx.stdout.write(prefix(lineNo, ':') + line + '\n');
          lastPrinted = lineNo;
          afterLeft = after;
        }
        if (maxCount !== undefined && count >= maxCount) break;
      }
      if (countOnly) await ctx.stdout.write((showNames ? `${name}:` : '') + `${count}\n`);
      if (listMatching && count) await ctx.stdout.write(name + '\n');
      if (listMissing && !count) await ctx.stdout.write(name + '\n');
      if (binary && count && !countOnly && !listMatching && !listMissing) await ctx.stdout.write(`grep: ${name}: binary file matches\n`);
    };

    const searchFile = async (shown: string, path: string, top: boolean): Promise<void> => {
      let st;
      try {
        st = top || args.has('dereference-recursive') ? fs.stat(path) : fs.lstat(path);
      } catch (e) {
        return complain(`${shown}: ${reason(e)}`);
      }
      if (st.type === 'symlink') return;
      if (st.type === 'dir') {
        if (!recursive) return complain(`${shown}: Is a directory`);
        let names: string[];
        try {
          names = fs.readdir(path);
        } catch (e) {
          return complain(`${shown}: ${reason(e)}`);
        }
        for (const n of names) {
          if (budget.step()) await budget.tick();
          const childShown = shown === '.' && implicitDot ? n : shown.endsWith('/') ? shown + n : `${shown}/${n}`;
          await searchFile(childShown, resolvePath(path, n), false);
        }
        return;
      }
      let data: Uint8Array;
      try {
        data = fs.readFile(path);
      } catch (e) {
        return complain(`${shown}: ${reason(e)}`);
      }
      const binary = !args.has('text') && data.includes(0);
      const text = new TextDecoder().decode(data);
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      await searchLines(shown, lines, binary);
    };

    try {
      for (const f of ops) {
        if (f === '-') await searchLines('(standard input)', readLines(ctx.stdin), false);
        else await searchFile(f, resolvePath(ctx.cwd, f), true);
      }
    } catch (e) {
      if (e instanceof RegexBudgetError) {
        // A back-reference pattern that would take too long: stop as GNU grep stops when
        // its regex matcher runs out of memory.
        await ctx.stderr.write(`grep: ${e.message}\n`);
        return 2;
      }
      if (!(e instanceof Quit)) throw e;
    }
    if (quiet && anySelected) return 0;
    if (error) return 2;
    return anySelected ? 0 : 1;
  },
};

