// head: output the first part of files (GNU coreutils): -n [-]N, -c [-]N, -q, -v, and the old -N form.
import { resolvePath } from '../../platform/filesystem.ts';
import { chargedInput, cpuBudget } from '../cpu-budget.ts';
import type { Command, CommandContext } from '../types.ts';
import { deviceInput } from './cat.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, readInput, reason, usageError } from './common.ts';

const HELP = `Usage: head [OPTION]... [FILE]...
Print the first 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                             with the leading '-', print all but the last
                             NUM bytes of each file
  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                             with the leading '-', print all but the last
                             NUM lines of each file
  -q, --quiet, --silent    never print headers giving file names
  -v, --verbose            always print headers giving file names
      --help        display this help and exit
      --version     output version information and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y, R, Q.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
`;

const MULT: Record<string, number> = { '': 1, b: 512, kB: 1000, K: 1024, KiB: 1024, MB: 1e6, M: 1 << 20, MiB: 1 << 20, GB: 1e9, G: 1 << 30, GiB: 1 << 30 };

/** NUM with coreutils' multiplier suffixes; undefined when invalid. */
export function parseCount(s: string): number | undefined {
  const m = /^(\d+)([A-Za-z]*)$/.exec(s);
  if (!m || !(m[2]! in MULT)) return undefined;
  return Number(m[1]) * MULT[m[2]!]!;
}

/** Turns the obsolete `head -5` / `tail -5` / `tail +5` into -n forms. */
export function modernizeCountArgs(argv: string[], allowPlus: boolean): string[] {
  const first = argv[1];
  if (first && (/^-\d+[lcb]?$/.test(first) || (allowPlus && /^\+\d+[lcb]?$/.test(first)))) {
    const unit = /[cb]$/.test(first) ? '-c' : '-n';
    const num = first.replace(/[lcb]$/, '');
    return [argv[0]!, unit, first.startsWith('+') ? num : num.slice(1), ...argv.slice(2)];
  }
  return argv;
}

export const head: Command = {
  name: 'head',
  summary: 'output the first part of files',
  async run(ctx: CommandContext) {
    const argv = modernizeCountArgs(ctx.argv, false);
    const args = await parseOrFail({ ...ctx, argv }, 'head', { ...HELP_VERSION, bytes: { short: 'c', arg: true }, lines: { short: 'n', arg: true }, quiet: { short: 'q' }, silent: {}, verbose: { short: 'v' }, 'zero-terminated': { short: 'z' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const last = args.list.filter((o) => o.name === 'bytes' || o.name === 'lines').pop();
    const bytesMode = last?.name === 'bytes';
    const raw = last?.value ?? '10';
    const allBut = raw.startsWith('-');
    const n = parseCount(raw.replace(/^[-+]/, ''));
    if (n === undefined) {
      await ctx.stderr.write(`head: invalid number of ${bytesMode ? 'bytes' : 'lines'}: ${lq(raw)}\n`);
      return 1;
    }
    const files = args.operands.length ? args.operands : ['-'];
    const headers = args.has('verbose') || (files.length > 1 && !args.has('quiet') && !args.has('silent'));
    let status = 0;
    let first = true;
    const budget = cpuBudget(ctx);
    const input = { ...ctx, stdin: chargedInput(ctx.stdin, budget) };
    for (const f of files) {
      if (headers) await ctx.stdout.write(`${first ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n`);
      first = false;
      const stream = f === '-' ? ctx.stdin : allBut ? undefined : deviceInput(ctx, resolvePath(ctx.cwd, f));
      if (stream && !allBut) {
        // Stream stdin (or /dev/zero) and stop reading once done, so `cmd | head -n 1` ends early.
        let left = n;
        while (left > 0) {
          const c = await stream.read();
          if (c === null) break;
          if (bytesMode) {
            const part = c.subarray(0, left);
            left -= part.length;
            await ctx.stdout.write(part);
          } else {
            let end = 0;
            while (left > 0) {
              const nl = c.indexOf(10, end);
              if (nl < 0) {
                end = c.length;
                break;
              }
              end = nl + 1;
              left--;
            }
            await ctx.stdout.write(c.subarray(0, end));
          }
          if (budget.step(1 + (c.length >> 8))) await budget.tick();
        }
        continue;
      }
      let data: Uint8Array;
      try {
        if (f !== '-' && ctx.fs.stat(resolvePath(ctx.cwd, f)).type === 'dir') {
          await ctx.stderr.write(`head: error reading ${quote(f)}: Is a directory\n`);
          status = 1;
          continue;
        }
        data = await readInput(input, f);
      } catch (e) {
        await ctx.stderr.write(`head: cannot open ${quote(f)} for reading: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      if (bytesMode) await ctx.stdout.write(allBut ? data.subarray(0, Math.max(0, data.length - n)) : data.subarray(0, n));
      else {
        // Line ends found with indexOf (native), not a JS loop over every byte.
        const ends: number[] = [];
        for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) {
          ends.push(i + 1);
          if (budget.step()) await budget.tick();
        }
        const total = ends.length + (data.length && data[data.length - 1] !== 10 ? 1 : 0);
        const keep = allBut ? Math.max(0, total - n) : Math.min(n, total);
        const cut = keep === 0 ? 0 : keep <= ends.length ? ends[keep - 1]! : data.length;
        await ctx.stdout.write(data.subarray(0, cut));
      }
    }
    return status;
  },
};
