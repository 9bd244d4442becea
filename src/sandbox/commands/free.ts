// free (procps-ng 4.0.2): the host's memory from /proc/meminfo (src/sandbox/meminfo.ts),
// in kibibytes or -b -k -m -g --tebi --pebi, --kilo … --peta (powers of 1000), -h / --si,
// -w (buffers and cache apart), -l (low/high), -t (total), -v (commit), -s N / -c N repeats.
import { isFsError } from '../../platform/filesystem.ts';
import { parseMeminfo } from '../meminfo.ts';
import type { Command, CommandContext } from '../types.ts';
import { parseArgs, UsageError, type OptionSpec } from './common.ts';

const USAGE = `
Usage:
 free [options]

Options:
 -b, --bytes         show output in bytes
     --kilo          show output in kilobytes
     --mega          show output in megabytes
     --giga          show output in gigabytes
     --tera          show output in terabytes
     --peta          show output in petabytes
 -k, --kibi          show output in kibibytes
 -m, --mebi          show output in mebibytes
 -g, --gibi          show output in gibibytes
     --tebi          show output in tebibytes
     --pebi          show output in pebibytes
 -h, --human         show human-readable output
     --si            use powers of 1000 not 1024
 -l, --lohi          show detailed low and high memory statistics
 -t, --total         show total for RAM + swap
 -v, --committed     show committed memory and commit limit
 -s N, --seconds N   repeat printing every N seconds
 -c N, --count N     repeat printing N times, then exit
 -w, --wide          wide output

     --help     display this help and exit
 -V, --version  output version information and exit

For more details see free(1).
`;

const SPEC: OptionSpec = {
  bytes: { short: 'b' },
  kilo: {},
  mega: {},
  giga: {},
  tera: {},
  peta: {},
  kibi: { short: 'k' },
  mebi: { short: 'm' },
  gibi: { short: 'g' },
  tebi: {},
  pebi: {},
  human: { short: 'h' },
  si: {},
  lohi: { short: 'l' },
  total: { short: 't' },
  committed: { short: 'v' },
  seconds: { short: 's', arg: true },
  count: { short: 'c', arg: true },
  wide: { short: 'w' },
  help: {},
  version: { short: 'V' },
};

/** Unit options: the power of the base they print in (1 = bytes), and whether the base is 1000. */
const UNITS: Record<string, { exponent: number; si: boolean }> = {
  bytes: { exponent: 1, si: false },
  kibi: { exponent: 2, si: false },
  mebi: { exponent: 3, si: false },
  gibi: { exponent: 4, si: false },
  tebi: { exponent: 5, si: false },
  pebi: { exponent: 6, si: false },
  kilo: { exponent: 2, si: true },
  mega: { exponent: 3, si: true },
  giga: { exponent: 4, si: true },
  tera: { exponent: 5, si: true },
  peta: { exponent: 6, si: true },
};

interface Format {
  exponent: number;
  si: boolean;
  human: boolean;
}

export const free: Command = {
  name: 'free',
  summary: 'Display amount of free and used memory in the system',
  async run(ctx) {
    const fail = async (message: string) => {
      await ctx.stderr.write(`free: ${message}\n`);
      return 1;
    };
    let args;
    try {
      args = parseArgs('free', ctx.argv, SPEC);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      await ctx.stderr.write(`${e.message}\n${USAGE}`);
      return 1;
    }
    const format: Format = { exponent: 0, si: false, human: false };
    const show = { lohi: false, total: false, committed: false, wide: false };
    let unitSet = false;
    let intervalMs = 1000;
    let repeat = false;
    let count: number | undefined;
    for (const { name, value } of args.list) {
      const unit = UNITS[name];
      if (unit) {
        if (unitSet) return fail("Multiple unit options don't make sense.");
        unitSet = true;
        format.exponent = unit.exponent;
        if (unit.si) format.si = true;
      } else if (name === 'human') format.human = true;
      else if (name === 'si') format.si = true;
      else if (name === 'lohi') show.lohi = true;
      else if (name === 'total') show.total = true;
      else if (name === 'committed') show.committed = true;
      else if (name === 'wide') show.wide = true;
      else if (name === 'seconds') {
        repeat = true;
        const seconds = strtod(value!);
        if (seconds === undefined) return fail(`seconds argument failed: '${value}': Invalid argument`);
        // free keeps microseconds in a float and refuses anything under one.
        if (!(seconds * 1_000_000 >= 1)) return fail(`seconds argument \`${value}' is not positive number`);
        intervalMs = seconds * 1000;
      } else if (name === 'count') {
        repeat = true;
        const n = strtol(value!);
        if (n === undefined) return fail(`failed to parse count argument: '${value}'`);
        if (n < 1) return fail(`failed to parse count argument: '${value}': Numerical result out of range`);
        count = n;
      } else if (name === 'help') {
        await ctx.stdout.write(USAGE);
        return 0;
      } else if (name === 'version') {
        await ctx.stdout.write('free from procps-ng 4.0.2\n');
        return 0;
      }
    }
    if (args.operands.length) {
      await ctx.stderr.write(USAGE);
      return 1;
    }

    for (;;) {
      const mem = readMeminfo(ctx);
      if (mem === 'missing') return fail('Memory information file /proc/meminfo does not exist');
      if (mem === undefined) return fail('Unable to create meminfo structure');
      await ctx.stdout.write(report(mem, format, show));
      if (count !== undefined && --count < 1) return 0;
      if (!repeat) return 0;
      await ctx.stdout.write('\n');
      await sleep(ctx, intervalMs);
    }
  },
};

/** The fields free uses, in kB, derived as procps 4 derives them (used = total - available). */
interface Memory {
  total: number;
  used: number;
  free: number;
  shared: number;
  buffers: number;
  cache: number;
  available: number;
  swapTotal: number;
  swapFree: number;
  commitLimit: number;
  committedAs: number;
}

function readMeminfo(ctx: CommandContext): Memory | 'missing' | undefined {
  let text: string;
  try {
    text = new TextDecoder().decode(ctx.fs.readFile('/proc/meminfo'));
  } catch (e) {
    return isFsError(e, 'ENOENT') ? 'missing' : undefined;
  }
  const f = parseMeminfo(text);
  const get = (k: string) => f.get(k) ?? 0;
  const total = get('MemTotal');
  const cache = get('Cached') + get('SReclaimable');
  // Kernels before 3.14 had no MemAvailable; procps then falls back to free memory.
  const available = f.get('MemAvailable') ?? get('MemFree');
  return {
    total,
    used: Math.max(0, total - available),
    free: get('MemFree'),
    shared: get('Shmem'),
    buffers: get('Buffers'),
    cache,
    available,
    swapTotal: get('SwapTotal'),
    swapFree: get('SwapFree'),
    commitLimit: get('CommitLimit'),
    committedAs: get('Committed_AS'),
  };
}

function report(m: Memory, format: Format, show: { lohi: boolean; total: boolean; committed: boolean; wide: boolean }): string {
  const cells = (label: string, values: number[]) => `${label.padEnd(9)}${values.map((v, i) => (i ? ' ' : '') + scaleSize(v, format).padStart(11)).join('')}\n`;
  let out = show.wide
    ? '               total        used        free      shared     buffers       cache   available\n'
    : '               total        used        free      shared  buff/cache   available\n';
  out += cells('Mem:', [m.total, m.used, m.free, m.shared, ...(show.wide ? [m.buffers, m.cache] : [m.buffers + m.cache]), m.available]);
  // No highmem on x86_64: all memory is "low".
  if (show.lohi) out += cells('Low:', [m.total, m.total - m.free, m.free]) + cells('High:', [0, 0, 0]);
  const swapUsed = m.swapTotal - m.swapFree;
  out += cells('Swap:', [m.swapTotal, swapUsed, m.swapFree]);
  if (show.total) out += cells('Total:', [m.total + m.swapTotal, m.used + swapUsed, m.free + m.swapFree]);
  if (show.committed) out += cells('Comm:', [m.commitLimit, m.committedAs, Math.max(0, m.commitLimit - m.committedAs)]);
  return out;
}

/** procps's scale_size: kB to the unit asked for, truncated; -h picks the largest unit that fits in 4 (5 with "i") characters. */
export function scaleSize(kb: number, format: Format): string {
  const base = format.si ? 1000 : 1024;
  const bytes = kb * 1024;
  if (!format.human) {
    if (format.exponent === 0) return String(Math.trunc(bytes / base));
    if (format.exponent === 1) return String(bytes);
    return String(Math.trunc(bytes / base ** (format.exponent - 1)));
  }
  let text = `${bytes}B`;
  if (text.length <= 4) return text;
  const units = ['K', 'M', 'G', 'T', 'P'];
  for (let i = 0; i < units.length; i++) {
    const value = bytes / base ** (i + 1);
    const suffix = format.si ? units[i]! : `${units[i]}i`;
    const limit = format.si ? 4 : 5;
    text = `${cFixed1(Math.fround(value))}${suffix}`;
    if (text.length <= limit) return text;
    text = `${Math.trunc(value)}${suffix}`;
    if (text.length <= limit) return text;
  }
  return text;
}

/** printf("%.1f"): the exact binary value rounded, ties to even (JavaScript's toFixed rounds ties up). */
function cFixed1(v: number): string {
  const scaled = v * 10;
  if (Number.isInteger(scaled - 0.5)) {
    const down = Math.floor(scaled);
    const n = down % 2 === 0 ? down : down + 1;
    return (n / 10).toFixed(1);
  }
  return v.toFixed(1);
}

/** strtod over the whole word, as util-linux's strtod_nol_or_err accepts it. */
function strtod(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|0x[0-9a-f]+(\.[0-9a-f]*)?|inf(inity)?|nan)$/i.test(t)) return undefined;
  if (/^[+-]?0x/i.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0x/i, ''), 16);
  if (/inf/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** strtol base 10 over the whole word (strtol_or_err). */
function strtol(s: string): number | undefined {
  if (!/^\s*[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Waits between reports; Ctrl-C (or any terminating signal) ends free as the signal would. */
function sleep(ctx: CommandContext, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason);
    const onAbort = () => {
      cancel();
      reject(ctx.signal.reason);
    };
    const cancel = ctx.clock.after(Math.min(ms, 2 ** 31 - 1), () => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
