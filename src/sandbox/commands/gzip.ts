// gzip, gunzip, zcat (gzip 1.12): compress files to NAME.gz (the original goes unless -k),
// decompress with -d/gunzip, -c to standard output, -f to overwrite, -l to list.
import { basename, resolvePath } from '../../platform/filesystem.ts';
import { gunzipAsync, gzipAsync, GzipError } from '../archive/gzip.ts';
import { chargedInput, cpuBudget, type CpuBudget } from '../cpu-budget.ts';
import { readAll } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { reason } from './common.ts';

interface Opts {
  decompress: boolean;
  stdout: boolean;
  keep: boolean;
  force: boolean;
  list: boolean;
  verbose: boolean;
  quiet: boolean;
  level: number;
  files: string[];
}

/** Runs zlib on the thread pool; its time is gzip's CPU time, and the limit is checked after. */
async function offLoop<T>(budget: CpuBudget, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    budget.charge(performance.now() - started);
    if (budget.step()) await budget.tick();
  }
}

async function runGzip(ctx: CommandContext, as: 'gzip' | 'gunzip' | 'zcat'): Promise<number> {
  // gunzip and zcat are scripts running `gzip -d` / `gzip -cd` on Debian: messages say gzip.
  const prog = 'gzip';
  const o: Opts = { decompress: as !== 'gzip', stdout: as === 'zcat', keep: false, force: false, list: false, verbose: false, quiet: false, level: 6, files: [] };
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.files.push(...args.slice(i + 1));
      break;
    }
    const long: Record<string, string> = { '--decompress': 'd', '--uncompress': 'd', '--stdout': 'c', '--to-stdout': 'c', '--keep': 'k', '--force': 'f', '--list': 'l', '--verbose': 'v', '--quiet': 'q', '--fast': '1', '--best': '9' };
    if (a.startsWith('--')) {
      if (a === '--help') {
        await ctx.stdout.write(`Usage: ${prog} [OPTION]... [FILE]...\n`);
        return 0;
      }
      if (a === '--version') {
        await ctx.stdout.write('gzip 1.12\n');
        return 0;
      }
      const c = long[a];
      if (!c) {
        await ctx.stderr.write(`${prog}: unrecognized option '${a}'\nTry \`${prog} --help' for more information.\n`);
        return 1;
      }
      apply(o, c);
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (const c of a.slice(1)) {
        if (!'dckflvqrn123456789N'.includes(c)) {
          await ctx.stderr.write(`${prog}: invalid option -- '${c}'\nTry \`${prog} --help' for more information.\n`);
          return 1;
        }
        apply(o, c);
      }
      continue;
    }
    o.files.push(a);
  }
  const fs = ctx.fs;
  let status = 0;
  const budget = cpuBudget(ctx);
  const warn = () => {
    if (status === 0) status = 2;
  };
  if (o.files.length === 0) o.files.push('-');
  if (o.list) {
    await ctx.stdout.write('         compressed        uncompressed  ratio uncompressed_name\n');
  }
  for (const f of o.files) {
    const fromStdin = f === '-';
    if (fromStdin && !o.decompress && ctx.stdout.isTTY && !o.force) {
      await ctx.stderr.write(`${prog}: compressed data not written to a terminal. Use -f to force compression.\nFor help, type: ${prog} -h\n`);
      return 1;
    }
    const path = fromStdin ? '' : resolvePath(ctx.cwd, f);
    let data: Uint8Array;
    try {
      if (!fromStdin && fs.stat(path).type === 'dir') {
        await ctx.stderr.write(`${prog}: ${f} is a directory -- ignored\n`);
        warn();
        continue;
      }
      data = fromStdin ? await readAll(chargedInput(ctx.stdin, budget)) : fs.readFile(path);
    } catch (e) {
      await ctx.stderr.write(`${prog}: ${f}: ${reason(e)}\n`);
      status = 1;
      continue;
    }
    if (o.decompress || o.list) {
      const m = /^(.*)(\.gz|-gz|\.z|-z|_z|\.tgz|\.taz)$/i.exec(f);
      if (!fromStdin && !m && !o.stdout && !o.list) {
        if (!o.quiet) await ctx.stderr.write(`${prog}: ${f}: unknown suffix -- ignored\n`);
        warn();
        continue;
      }
      let out: Uint8Array;
      try {
        out = await offLoop(budget, () => gunzipAsync(data));
      } catch (e) {
        if (!(e instanceof GzipError)) throw e;
        await ctx.stderr.write(`\n${prog}: ${fromStdin ? 'stdin' : f}: ${e.message}\n`);
        status = 1;
        continue;
      }
      if (o.list) {
        const name = fromStdin ? '' : m ? m[1]! + (/\.t[ga]z$/i.test(m[2]!) ? '.tar' : '') : f;
        const ratio = out.length ? ((1 - data.length / out.length) * 100).toFixed(1) : '0.0';
        await ctx.stdout.write(`${String(data.length).padStart(19)} ${String(out.length).padStart(19)} ${`${ratio}%`.padStart(6)} ${name}\n`);
        continue;
      }
      if (o.stdout || fromStdin) {
        await ctx.stdout.write(out);
        continue;
      }
      const target = resolvePath(ctx.cwd, m![1]! + (/\.t[ga]z$/i.test(m![2]!) ? '.tar' : ''));
      if (!(await writeTarget(ctx, prog, target, out, o))) {
        status = status || 2;
        continue;
      }
      if (o.verbose) await ctx.stderr.write(`${f}:\t${((1 - data.length / Math.max(out.length, 1)) * 100).toFixed(1)}% -- replaced with ${basename(target)}\n`);
      if (!o.keep) fs.unlink(path);
      continue;
    }
    if (!fromStdin && /\.gz$/.test(f) && !o.stdout && !o.force) {
      await ctx.stderr.write(`${prog}: ${f} already has .gz suffix -- unchanged\n`);
      warn();
      continue;
    }
    const gz = await offLoop(budget, () => gzipAsync(data, { level: o.level }));
    if (o.stdout || fromStdin) {
      await ctx.stdout.write(gz);
      continue;
    }
    if (!(await writeTarget(ctx, prog, `${path}.gz`, gz, o))) {
      status = status || 2;
      continue;
    }
    if (o.verbose) await ctx.stderr.write(`${f}:\t${((1 - gz.length / Math.max(data.length, 1)) * 100).toFixed(1)}% -- replaced with ${f}.gz\n`);
    if (!o.keep) fs.unlink(path);
  }
  return status;
}

function apply(o: Opts, c: string): void {
  if (c === 'd') o.decompress = true;
  else if (c === 'c') o.stdout = true;
  else if (c === 'k') o.keep = true;
  else if (c === 'f') o.force = true;
  else if (c === 'l') o.list = true;
  else if (c === 'v') o.verbose = true;
  else if (c === 'q') o.quiet = true;
  else if (/\d/.test(c)) o.level = Number(c);
}

async function writeTarget(ctx: CommandContext, prog: string, target: string, data: Uint8Array, o: Opts): Promise<boolean> {
  const shown = target.startsWith(ctx.cwd + '/') ? target.slice(ctx.cwd.length + 1) : target;
  if (ctx.fs.exists(target) && !o.force) {
    await ctx.stderr.write(`${prog}: ${shown} already exists;\tnot overwritten\n`);
    return false;
  }
  try {
    ctx.fs.writeFile(target, data);
    return true;
  } catch (e) {
    await ctx.stderr.write(`${prog}: ${shown}: ${reason(e)}\n`);
    return false;
  }
}

export const gzip: Command = { name: 'gzip', summary: 'compress or expand files', run: (ctx) => runGzip(ctx, 'gzip') };
export const gunzip: Command = { name: 'gunzip', summary: 'compress or expand files', run: (ctx) => runGzip(ctx, 'gunzip') };
export const zcat: Command = { name: 'zcat', summary: 'decompress files to standard output', run: (ctx) => runGzip(ctx, 'zcat') };
