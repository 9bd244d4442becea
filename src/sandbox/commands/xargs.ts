// xargs (GNU findutils 4.9): build command lines from standard input and run them
// (as children of this process, like GNU xargs with stdin from /dev/null): -n, -L,
// -I REPLACE, -0, -d, -r, -t, -P (run one at a time here), exit statuses 123/124/125/126/127.
import { chargedInput, cpuBudget, type CpuBudget } from '../cpu-budget.ts';
import { emptyInput, readAllText } from '../io.ts';
import type { Command } from '../types.ts';
import { DEFAULT_PATH } from '../host.ts';

const HELP = `Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...
Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.

Mandatory and optional arguments to long options are also
mandatory or optional for the corresponding short option.
  -0, --null                   items are separated by a null, not whitespace;
                                 disables quote and backslash processing and
                                 logical EOF processing
  -d, --delimiter=CHARACTER    items in input stream are separated by CHARACTER,
                                 not by whitespace; disables quote and backslash
                                 processing and logical EOF processing
  -I R                         same as --replace=R
  -L, --max-lines=MAX-LINES    use at most MAX-LINES non-blank input lines per
                                 command line
  -n, --max-args=MAX-ARGS      use at most MAX-ARGS arguments per command line
  -P, --max-procs=MAX-PROCS    run at most MAX-PROCS processes at a time
  -r, --no-run-if-empty        if there are no arguments, then do not run COMMAND;
                                 if this option is not given, COMMAND will be
                                 run at least once
  -t, --verbose                print commands before executing them
      --help                   display this help and exit
      --version                output version information and exit
`;

/** Splits input the way xargs does by default: blanks and newlines, with quotes and backslashes. */
async function splitDefault(text: string, budget: CpuBudget): Promise<{ items: string[]; error?: string }> {
  const items: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return { items, error: `unmatched ${c === "'" ? 'single' : 'double'} quote; by default quotes are special to xargs unless you use the -0 option` };
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (has) items.push(cur);
      if (budget.step()) await budget.tick();
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) items.push(cur);
  return { items };
}

const shq = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** GNU xargs' command buffer (--show-limits: "Size of command buffer we are actually using: 131072"). */
const COMMAND_BUFFER_BYTES = 128 * 1024;

/**
 * Cuts each batch so a command line (its words and arguments, each with its terminating
 * NUL) fits the command buffer, as GNU xargs does: `seq 200000 | xargs echo` runs echo ten
 * times, the first with 23695 numbers.
 */
async function splitBySize(batches: string[][], command: string[], budget: CpuBudget): Promise<string[][]> {
  const base = command.reduce((n, w) => n + Buffer.byteLength(w) + 1, 0);
  const out: string[][] = [];
  for (const batch of batches) {
    let run: string[] = [];
    let size = base;
    for (const item of batch) {
      const need = Buffer.byteLength(item) + 1;
      if (run.length && size + need > COMMAND_BUFFER_BYTES) {
        out.push(run);
        run = [];
        size = base;
      }
      run.push(item);
      size += need;
      if (budget.step()) await budget.tick();
    }
    out.push(run);
  }
  return out;
}

export const xargs: Command = {
  name: 'xargs',
  summary: 'build and execute command lines from standard input',
  async run(ctx) {
    let maxArgs: number | undefined;
    let maxLines: number | undefined;
    let replace: string | undefined;
    let delim: string | undefined;
    let noEmpty = false;
    let verbose = false;
    const args = ctx.argv.slice(1);
    let i = 0;
    const fail = async (msg: string, status = 1) => {
      await ctx.stderr.write(`xargs: ${msg}\n`);
      return status;
    };
    const num = async (flag: string, v: string | undefined): Promise<number | undefined> => {
      const n = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || n < 1) {
        await fail(`invalid number "${v ?? ''}" for ${flag} option`);
        return undefined;
      }
      return n;
    };
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      if (a === '--help') {
        await ctx.stdout.write(HELP);
        return 0;
      }
      if (a === '--version') {
        await ctx.stdout.write('xargs (GNU findutils) 4.9.0\n');
        return 0;
      }
      if (a === '-0' || a === '--null') delim = '\0';
      else if (a === '-r' || a === '--no-run-if-empty') noEmpty = true;
      else if (a === '-t' || a === '--verbose') verbose = true;
      else if (a === '-x' || a === '--exit' || a === '-o' || a === '--open-tty') continue;
      else if (/^-[nLIdPs]/.test(a) || /^--(max-args|max-lines|replace|delimiter|max-procs|max-chars)/.test(a)) {
        const flag = a.startsWith('--') ? a.split('=')[0]! : a.slice(0, 2);
        const inline = a.startsWith('--') ? (a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined) : a.length > 2 ? a.slice(2) : undefined;
        const v = inline ?? args[++i];
        if (flag === '-n' || flag === '--max-args') {
          const n = await num('-n', v);
          if (n === undefined) return 1;
          maxArgs = n;
        } else if (flag === '-L' || flag === '--max-lines') {
          const n = await num('-L', v);
          if (n === undefined) return 1;
          maxLines = n;
        } else if (flag === '-I' || flag === '--replace') replace = v ?? '{}';
        else if (flag === '-d' || flag === '--delimiter') {
          const d = v ?? '';
          delim = d === '\\n' ? '\n' : d === '\\t' ? '\t' : d === '\\0' ? '\0' : d;
          if (delim.length !== 1) return fail(`invalid input delimiter specification ${d}: the delimiter must be either a single character or an escape sequence starting with \\.`);
        }
      } else return fail(`invalid option -- '${a.slice(1, 2)}'\nUsage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.`);
    }
    const command = args.slice(i).length ? args.slice(i) : ['echo'];
    const budget = cpuBudget(ctx);
    const text = await readAllText(chargedInput(ctx.stdin, budget));
    let items: string[];
    let lines: string[][] | undefined;
    let quoteError = false;
    let quoteMessage = '';
    if (delim !== undefined) {
      items = text.split(delim);
      if (items[items.length - 1] === '' || (delim !== '\n' && items[items.length - 1] === '\n' && false)) items.pop();
    } else if (replace !== undefined || maxLines !== undefined) {
      // -I and -L work per input line (leading blanks dropped for -I).
      const raw = text.split('\n').filter((l, k, all) => l.trim() !== '' || k < all.length - 1).filter((l) => l.trim() !== '');
      lines = [];
      for (const l of raw) lines.push(replace !== undefined ? [l.replace(/^[ \t]+/, '')] : (await splitDefault(l, budget)).items);
      items = lines.flat();
    } else {
      const r = await splitDefault(text, budget);
      // GNU xargs runs what it read before the bad quote, then fails.
      quoteError = r.error !== undefined;
      items = r.items;
      if (quoteError && !items.length) return fail(r.error!);
      if (quoteError) quoteMessage = r.error!;
    }
    const batches: string[][] = [];
    if (replace !== undefined) for (const l of lines ?? items.map((x) => [x])) batches.push(l);
    else if (maxLines !== undefined && lines) for (let k = 0; k < lines.length; k += maxLines) batches.push(lines.slice(k, k + maxLines).flat());
    else if (maxArgs !== undefined) for (let k = 0; k < items.length; k += maxArgs) batches.push(items.slice(k, k + maxArgs));
    else if (items.length) batches.push(items);
    if (batches.length === 0 && !noEmpty && replace === undefined) batches.push([]);
    const runs = replace === undefined ? await splitBySize(batches, command, budget) : batches;
    let status = 0;
    for (const batch of runs) {
      if (budget.step()) await budget.tick();
      const argv = replace !== undefined ? command.map((w) => w.split(replace!).join(batch[0] ?? '')) : [...command, ...batch];
      if (verbose) await ctx.stderr.write(argv.map(shq).join(' ') + '\n');
      const r = ctx.host.resolveProgram(argv[0]!, { path: ctx.env.PATH ?? DEFAULT_PATH, cwd: ctx.cwd, cred: ctx.proc.cred });
      if (!r.ok) {
        if (r.error === 'ENOENT') return fail(`${argv[0]}: No such file or directory`, 127);
        return fail(`${argv[0]}: Permission denied`, 126);
      }
      const s = await ctx.spawn.exec(argv, { stdin: emptyInput });
      // Waiting for the command was not xargs' own CPU time.
      budget.resume();
      if (s === 255) return fail(`${argv[0]}: exited with status 255; aborting`, 124);
      if (s > 128 && s !== 255) return fail(`${argv[0]}: terminated by signal ${s - 128}`, 125);
      if (s !== 0) status = 123;
      if (ctx.signal.aborted) return 130;
    }
    if (quoteError) return fail(quoteMessage);
    return status;
  },
};
