// hexdump (util-linux 2.38): the canonical hex+ASCII display (-C), repeated lines shown
// once with '*' unless -v, -n LENGTH and -s OFFSET; without -C the default two-byte words.
import { chargedInput, cpuBudget, type CpuBudget } from '../cpu-budget.ts';
import type { Command } from '../types.ts';
import { readInput, reason } from './common.ts';

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/**
 * Collects the dump and writes it in pieces of about 64 KiB, counting each row against
 * the CPU budget: a 30 MB input is two million rows.
 */
class RowSink {
  private out = '';
  constructor(
    private readonly write: (s: string) => Promise<void> | void,
    private readonly budget: CpuBudget,
  ) {}
  async add(s: string): Promise<void> {
    this.out += s;
    if (this.out.length >= 64 * 1024) await this.flush();
    if (this.budget.step()) await this.budget.tick();
  }
  async flush(): Promise<void> {
    if (this.out) await this.write(this.out);
    this.out = '';
  }
}

async function canonical(data: Uint8Array, start: number, verbose: boolean, out: RowSink): Promise<void> {
  let prev: string | undefined;
  let starred = false;
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    const key = Array.from(row, hex2).join(' ');
    if (!verbose && row.length === 16 && key === prev) {
      if (!starred) await out.add('*\n');
      starred = true;
      continue;
    }
    prev = row.length === 16 ? key : undefined;
    starred = false;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += i < row.length ? `${hex2(row[i]!)} ` : '   ';
      if (i === 7) hex += ' ';
    }
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    await out.add(`${(start + off).toString(16).padStart(8, '0')}  ${hex} |${ascii}|\n`);
  }
  if (data.length) await out.add(`${(start + data.length).toString(16).padStart(8, '0')}\n`);
}

async function words(data: Uint8Array, start: number, verbose: boolean, out: RowSink): Promise<void> {
  let prev: string | undefined;
  let starred = false;
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    const parts: string[] = [];
    for (let i = 0; i < row.length; i += 2) parts.push((((row[i + 1] ?? 0) << 8) | row[i]!).toString(16).padStart(4, '0'));
    const key = parts.join(' ');
    if (!verbose && row.length === 16 && key === prev) {
      if (!starred) await out.add('*\n');
      starred = true;
      continue;
    }
    prev = row.length === 16 ? key : undefined;
    starred = false;
    await out.add(`${(start + off).toString(16).padStart(7, '0')} ${key.padEnd(39)}\n`);
  }
  if (data.length) await out.add(`${(start + data.length).toString(16).padStart(7, '0')}\n`);
}

export const hexdump: Command = {
  name: 'hexdump',
  summary: 'display file contents in hexadecimal, decimal, octal, or ascii',
  async run(ctx) {
    let canon = ctx.argv[0]?.endsWith('hd') ?? false;
    let verbose = false;
    let length: number | undefined;
    let skip = 0;
    const files: string[] = [];
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-C' || a === '--canonical') canon = true;
      else if (a === '-v' || a === '--no-squeezing') verbose = true;
      else if (a === '-n' || a === '-s' || /^-[ns]\d/.test(a) || a.startsWith('--length=') || a.startsWith('--skip=')) {
        const v = /^-[ns]\d/.test(a) ? a.slice(2) : a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 0) {
          await ctx.stderr.write(`hexdump: invalid ${a.startsWith('-n') || a.startsWith('--length') ? 'length' : 'offset'} argument: '${v ?? ''}'\n`);
          return 1;
        }
        if (a.startsWith('-n') || a.startsWith('--length')) length = n;
        else skip = n;
      } else if (a.startsWith('-') && a !== '-') {
        await ctx.stderr.write(`hexdump: invalid option -- '${a.slice(1, 2)}'\nTry 'hexdump --help' for more information.\n`);
        return 1;
      } else files.push(a);
    }
    const chunks: Uint8Array[] = [];
    let status = 0;
    const budget = cpuBudget(ctx);
    const input = { ...ctx, stdin: chargedInput(ctx.stdin, budget) };
    for (const f of files.length ? files : ['-']) {
      try {
        chunks.push(await readInput(input, f));
      } catch (e) {
        await ctx.stderr.write(`hexdump: ${f}: ${reason(e)}\n`);
        status = 1;
      }
    }
    let data = new Uint8Array(Buffer.concat(chunks));
    data = data.subarray(skip, length === undefined ? undefined : skip + length);
    const sink = new RowSink((t) => ctx.stdout.write(t), budget);
    await (canon ? canonical(data, skip, verbose, sink) : words(data, skip, verbose, sink));
    await sink.flush();
    if (status && files.length && chunks.length === 0) await ctx.stderr.write('hexdump: all input file arguments failed\n');
    return status;
  },
};
