// What coreutils-like programs share: GNU getopt_long-style argument parsing with
// glibc's error wording, file error messages, reading inputs, and small formatters.
import { isFsError, resolvePath, type FsError } from '../../platform/filesystem.ts';
import { readLines } from '../io.ts';
import type { CommandContext } from '../types.ts';
import { sandboxFs, type SandboxFileSystem } from '../vfs-view.ts';

export interface OptionDef {
  /** The short letter, e.g. 'n' for -n. */
  short?: string;
  /** true: takes a value (-n 5, -n5, --lines=5, --lines 5); 'optional': only glued on (--name=value, -xvalue). */
  arg?: boolean | 'optional';
}
export type OptionSpec = Record<string, OptionDef>;

export interface ParsedArgs {
  /** Every option given, in order, by its long name (or the short letter when it has none). */
  list: { name: string; value: string | undefined }[];
  operands: string[];
  has(name: string): boolean;
  /** The last value given for an option. */
  value(name: string): string | undefined;
  values(name: string): string[];
}

export class UsageError extends Error {}

/**
 * Parses argv[1..] as GNU getopt_long does: bundled short options, --long and unique
 * prefixes, --name=value, `--` ends options, options may follow operands (unless
 * `posixly`: stop at the first operand, as env, sudo, nohup, xargs need).
 * Throws UsageError with glibc's message.
 */
export function parseArgs(prog: string, argv: readonly string[], spec: OptionSpec, opts: { posixly?: boolean } = {}): ParsedArgs {
  const byShort = new Map<string, string>();
  for (const [name, def] of Object.entries(spec)) if (def.short) byShort.set(def.short, name);
  const list: ParsedArgs['list'] = [];
  const operands: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const exact = spec[given] ? given : undefined;
      const matches = exact ? [exact] : Object.keys(spec).filter((k) => k.startsWith(given) && k.length > 1);
      if (matches.length === 0) throw new UsageError(`${prog}: unrecognized option '${eq >= 0 ? a.slice(0, eq) : a}'`);
      if (matches.length > 1) throw new UsageError(`${prog}: option '--${given}' is ambiguous; possibilities:${matches.map((m) => ` '--${m}'`).join('')}`);
      const name = matches[0]!;
      const def = spec[name]!;
      if (eq >= 0) {
        if (!def.arg) throw new UsageError(`${prog}: option '--${name}' doesn't allow an argument`);
        list.push({ name, value: a.slice(eq + 1) });
      } else if (def.arg === true) {
        if (i + 1 >= args.length) throw new UsageError(`${prog}: option '--${name}' requires an argument`);
        list.push({ name, value: args[++i]! });
      } else list.push({ name, value: undefined });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const name = byShort.get(c);
        if (!name) throw new UsageError(`${prog}: invalid option -- '${c}'`);
        if (spec[name]!.arg === true) {
          let value = a.slice(j + 1);
          if (!value) {
            if (i + 1 >= args.length) throw new UsageError(`${prog}: option requires an argument -- '${c}'`);
            value = args[++i]!;
          }
          list.push({ name, value });
          break;
        }
        if (spec[name]!.arg === 'optional') {
          // getopt's "x::": a value only when glued on (-Iseconds).
          list.push({ name, value: a.slice(j + 1) || undefined });
          break;
        }
        list.push({ name, value: undefined });
      }
      continue;
    }
    operands.push(a);
    if (opts.posixly) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return {
    list,
    operands,
    has: (n) => list.some((o) => o.name === n),
    value: (n) => list.filter((o) => o.name === n).pop()?.value,
    values: (n) => list.filter((o) => o.name === n && o.value !== undefined).map((o) => o.value!),
  };
}

/** Writes a usage error and the "Try --help" line; returns the exit status to use. */
export async function usageError(ctx: CommandContext, prog: string, message: string, status = 1): Promise<number> {
  await ctx.stderr.write(`${message}\nTry '${prog} --help' for more information.\n`);
  return status;
}

/** Parses, or prints the usage error; undefined means "return the status in `status`". */
export async function parseOrFail(
  ctx: CommandContext,
  prog: string,
  spec: OptionSpec,
  opts: { posixly?: boolean; status?: number } = {},
): Promise<ParsedArgs | number> {
  try {
    return parseArgs(prog, ctx.argv, spec, opts);
  } catch (e) {
    if (e instanceof UsageError) return usageError(ctx, prog, e.message, opts.status ?? 1);
    throw e;
  }
}

/** Standard --help/--version handling; returns true when it printed and the program should exit 0. */
export async function helpOrVersion(ctx: CommandContext, args: ParsedArgs, help: string, version = coreutilsVersion(ctx.argv[0] ?? '')): Promise<boolean> {
  if (args.has('help')) {
    await ctx.stdout.write(help);
    return true;
  }
  if (args.has('version')) {
    await ctx.stdout.write(version);
    return true;
  }
  return false;
}

export const HELP_VERSION: OptionSpec = { help: {}, version: {} };

export function coreutilsVersion(prog: string): string {
  const name = prog.split('/').pop();
  return `${name} (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n`;
}

/** The extended filesystem of this process. */
export const fsOf = (ctx: CommandContext): SandboxFileSystem => sandboxFs(ctx.fs);

/** A path as the process means it (relative to its cwd). */
export const abs = (ctx: CommandContext, p: string): string => resolvePath(ctx.cwd, p);

/** The coreutils reason for a failure ("No such file or directory"), any error. */
export function reason(e: unknown): string {
  if (isFsError(e)) return (e as FsError).reason();
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Lines of the named files ('-' or none: stdin), as cat-like programs read them. Errors go to onError. */
export async function* inputLines(ctx: CommandContext, files: string[], onError: (file: string, e: unknown) => Promise<void>): AsyncGenerator<string> {
  for (const f of files.length ? files : ['-']) {
    if (f === '-') {
      yield* readLines(ctx.stdin);
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder().decode(ctx.fs.readFile(abs(ctx, f)));
    } catch (e) {
      await onError(f, e);
      continue;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    yield* lines;
  }
}

/** Most of standard input a command that needs all of it (sort, tac, tail …) holds in memory. */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/**
 * Bytes of a file or stdin ('-'). Standard input over MAX_STDIN_BYTES stops the command
 * with "memory exhausted" (as GNU tools say when malloc fails), so an endless producer
 * (`yes | sort`) cannot eat the memory of the server every learner shares.
 */
export async function readInput(ctx: CommandContext, file: string, limit = MAX_STDIN_BYTES): Promise<Uint8Array> {
  if (file !== '-') return ctx.fs.readFile(abs(ctx, file));
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
    chunks.push(c);
    total += c.length;
    if (total > limit) throw new Error(`memory exhausted (standard input over the sandbox limit of ${Math.round(limit / 1024 / 1024)} MiB)`);
    if (ctx.signal.aborted) throw ctx.signal.reason;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Name of a user id on this host, or the number. */
export function userName(ctx: CommandContext, uid: number): string {
  return ctx.host.users.byUid(uid)?.name ?? String(uid);
}
export function groupName(ctx: CommandContext, gid: number): string {
  return ctx.host.users.groupByGid(gid)?.name ?? String(gid);
}

/** GNU's human-readable sizes (ls -h, df -h, du -h): 1 decimal below 10, powers of 1024, rounded up. */
export function humanSize(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return String(n);
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (v < 10) {
    const r = Math.ceil(v * 10) / 10;
    if (r >= 10) return `${r.toFixed(0)}${units[u]}`;
    return `${r.toFixed(1)}${units[u]}`;
  }
  const r = Math.ceil(v);
  if (r >= 1024 && u < units.length - 1) return `1.0${units[u + 1]}`;
  return `${r}${units[u]}`;
}

/** `drwxr-xr-x`-style mode string. */
export function modeString(type: 'file' | 'dir' | 'symlink', mode: number): string {
  const t = type === 'dir' ? 'd' : type === 'symlink' ? 'l' : '-';
  const rwx = (bits: number, special: boolean, ch: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-');
  return t + rwx(mode >> 6, (mode & 0o4000) !== 0, 's') + rwx(mode >> 3, (mode & 0o2000) !== 0, 's') + rwx(mode, (mode & 0o1000) !== 0, 't');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const monthName = (i: number) => MONTHS[i]!;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const dayName = (i: number) => DAYS[i]!;
export const pad2 = (n: number) => String(n).padStart(2, '0');

/** ls -l's date column (UTC): "Nov 21 09:27" within six months, else "Nov 21  2025". */
export function lsDate(ms: number, now: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const sixMonths = (31556952 / 2) * 1000;
  if (now - ms < sixMonths && ms - now < 60_000) return `${monthName(d.getUTCMonth())} ${day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return `${monthName(d.getUTCMonth())} ${day}  ${d.getUTCFullYear()}`;
}

/** Shell-escape quoting, as coreutils quotes file names in messages (rm: cannot remove 'x'). */
export function quote(s: string): string {
  if (s.includes("'")) return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  return `'${s}'`;
}

/** Locale quoting under C.UTF-8, as coreutils quotes values (sleep: invalid time interval ‘1x’). */
export function lq(s: string): string {
  return `\u2018${s}\u2019`;
}
