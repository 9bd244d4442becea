// tail: output the last part of files (GNU coreutils): -n [+]N, -c [+]N, -f/-F follow until
// Ctrl-C (polling the host's clock once a second), -q, -v, --pid.
import { resolvePath } from '../../platform/filesystem.ts';
import { sleep } from '../../platform/clock.ts';
import type { Command, CommandContext } from '../types.ts';
import { chargedInput, cpuBudget } from '../cpu-budget.ts';
import type { InputStream } from '../io.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, readInput, reason } from './common.ts';
import { modernizeCountArgs, parseCount } from './head.ts';

const HELP = `Usage: tail [OPTION]... [FILE]...
Print the last 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                             output starting with byte NUM of each file
  -f, --follow[={name|descriptor}]
                           output appended data as the file grows;
  -F                       same as --follow=name --retry
  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                             or use -n +NUM to skip NUM-1 lines at the start
      --pid=PID            with -f, terminate after process ID, PID dies
  -q, --quiet, --silent    never output headers giving file names
      --retry              keep trying to open a file if it is inaccessible
  -s, --sleep-interval=N   with -f, sleep for approximately N seconds
                             (default 1.0) between iterations
  -v, --verbose            always output headers giving file names
      --help        display this help and exit
      --version     output version information and exit
`;

function lastPart(data: Uint8Array, n: number, fromStart: boolean, bytes: boolean): Uint8Array {
  if (bytes) return fromStart ? data.subarray(Math.max(0, n - 1)) : data.subarray(Math.max(0, data.length - n));
  if (data.length === 0) return data;
  // Found with indexOf/lastIndexOf (native), not a JS loop over every byte of a 30 MB file.
  if (fromStart) {
    let pos = 0;
    for (let k = 1; k < n; k++) {
      const nl = data.indexOf(10, pos);
      if (nl < 0 || nl + 1 >= data.length) return new Uint8Array();
      pos = nl + 1;
    }
    return data.subarray(pos);
  }
  if (n === 0) return new Uint8Array();
  // The newline that ends the last line does not start another one.
  let pos = data[data.length - 1] === 10 ? data.length - 2 : data.length - 1;
  for (let count = 1; pos >= 0; count++) {
    const nl = data.lastIndexOf(10, pos);
    if (nl < 0) return data;
    if (count === n) return data.subarray(nl + 1);
    pos = nl - 1;
  }
  return data;
}

function newlines(c: Uint8Array): number {
  let count = 0;
  for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) count++;
  return count;
}

/**
 * Standard input streamed, as GNU tail reads a pipe: only what may still be among the last
 * N lines (bytes) is kept, so `yes | head -c 100M | tail -c 10` needs no memory; with +N
 * everything from line (byte) N on is passed through as it comes.
 */
async function tailStream(ctx: CommandContext, input: InputStream, n: number, fromStart: boolean, bytes: boolean): Promise<void> {
  if (fromStart) {
    let skip = Math.max(0, n - 1);
    for (let c = await input.read(); c !== null; c = await input.read()) {
      if (skip > 0) {
        if (bytes) {
          const cut = Math.min(skip, c.length);
          skip -= cut;
          c = c.subarray(cut);
        } else {
          let i = 0;
          while (skip > 0 && i < c.length) {
            const nl = c.indexOf(10, i);
            if (nl < 0) {
              i = c.length;
              break;
            }
            i = nl + 1;
            skip--;
          }
          c = c.subarray(i);
        }
      }
      if (c.length) await ctx.stdout.write(c);
    }
    return;
  }
  const kept: { chunk: Uint8Array; lines: number }[] = [];
  let keptBytes = 0;
  let keptLines = 0;
  for (let c = await input.read(); c !== null; c = await input.read()) {
    const entry = { chunk: c, lines: bytes ? 0 : newlines(c) };
    kept.push(entry);
    keptBytes += c.length;
    keptLines += entry.lines;
    // Drop the oldest chunk while the rest still holds the last N bytes (N+1 newlines: the last line may end one).
    while (kept.length > 1 && (bytes ? keptBytes - kept[0]!.chunk.length >= n : keptLines - kept[0]!.lines >= n + 1)) {
      const old = kept.shift()!;
      keptBytes -= old.chunk.length;
      keptLines -= old.lines;
    }
  }
  await ctx.stdout.write(lastPart(Buffer.concat(kept.map((k) => k.chunk)), n, false, bytes));
}

export const tail: Command = {
  name: 'tail',
  summary: 'output the last part of files',
  async run(ctx: CommandContext) {
    const argv = modernizeCountArgs(ctx.argv, true);
    const args = await parseOrFail({ ...ctx, argv }, 'tail', {
      ...HELP_VERSION,
      bytes: { short: 'c', arg: true },
      follow: { short: 'f', arg: 'optional' },
      F: { short: 'F' },
      lines: { short: 'n', arg: true },
      pid: { arg: true },
      quiet: { short: 'q' },
      silent: {},
      retry: {},
      'sleep-interval': { short: 's', arg: true },
      verbose: { short: 'v' },
      'zero-terminated': { short: 'z' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const last = args.list.filter((o) => o.name === 'bytes' || o.name === 'lines').pop();
    const bytes = last?.name === 'bytes';
    const raw = last?.value ?? '10';
    const fromStart = raw.startsWith('+');
    const n = parseCount(raw.replace(/^[-+]/, ''));
    if (n === undefined) {
      await ctx.stderr.write(`tail: invalid number of ${bytes ? 'bytes' : 'lines'}: ${lq(raw)}\n`);
      return 1;
    }
    const follow = args.has('follow') || args.has('F');
    const interval = Number(args.value('sleep-interval') ?? '1');
    const files = args.operands.length ? args.operands : ['-'];
    const headers = args.has('verbose') || (files.length > 1 && !args.has('quiet') && !args.has('silent'));
    let status = 0;
    let lastShown: string | undefined;
    const header = async (f: string) => {
      if (!headers || lastShown === f) return;
      await ctx.stdout.write(`${lastShown === undefined ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n`);
      lastShown = f;
    };
    const followed: { name: string; path: string; size: number }[] = [];
    const budget = cpuBudget(ctx);
    for (const f of files) {
      if (f === '-') {
        await header(f);
        await tailStream(ctx, chargedInput(ctx.stdin, budget), n, fromStart, bytes);
        continue;
      }
      let data: Uint8Array;
      try {
        if (f !== '-' && ctx.fs.stat(resolvePath(ctx.cwd, f)).type === 'dir') {
          await header(f);
          await ctx.stderr.write(`tail: error reading ${quote(f)}: Is a directory\n`);
          status = 1;
          continue;
        }
        data = await readInput(ctx, f);
      } catch (e) {
        await ctx.stderr.write(`tail: cannot open ${quote(f)} for reading: ${reason(e)}\n`);
        status = 1;
        if (args.has('F') || args.has('retry')) followed.push({ name: f, path: resolvePath(ctx.cwd, f), size: 0 });
        continue;
      }
      await header(f);
      await ctx.stdout.write(lastPart(data, n, fromStart, bytes));
      if (follow && f !== '-') followed.push({ name: f, path: resolvePath(ctx.cwd, f), size: data.length });
    }
    if (!follow) return status;
    if (!followed.length) {
      if (files.some((f) => f !== '-')) await ctx.stderr.write('tail: no files remaining\n');
      return files.every((f) => f === '-') ? status : 1;
    }
    const pid = args.value('pid');
    // Follow until a signal ends us (Ctrl-C: 130), or the --pid process is gone.
    for (;;) {
      await sleep(ctx.clock, Math.max(0.05, interval) * 1000, ctx.signal);
      for (const w of followed) {
        let data: Uint8Array;
        try {
          data = ctx.fs.readFile(w.path);
        } catch {
          continue;
        }
        if (data.length < w.size) {
          await ctx.stderr.write(`tail: ${w.name}: file truncated\n`);
          w.size = 0;
        }
        if (data.length > w.size) {
          await header(w.name);
          await ctx.stdout.write(data.subarray(w.size));
          w.size = data.length;
        }
      }
      if (pid !== undefined && !ctx.host.processes().some((p) => p.pid === Number(pid))) return status;
    }
  },
};
