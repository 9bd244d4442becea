// test and [: evaluate conditional expressions (GNU coreutils /usr/bin/test; bash has builtins).
// Exit 0 true, 1 false, 2 on a malformed expression with coreutils' message.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { coreutilsVersion, fsOf, lq } from './common.ts';

const HELP = `Usage: test EXPRESSION
  or:  test
  or:  [ EXPRESSION ]
  or:  [ ]
  or:  [ OPTION
Exit with the status determined by EXPRESSION.

  ( EXPRESSION )               EXPRESSION is true
  ! EXPRESSION                 EXPRESSION is false
  EXPRESSION1 -a EXPRESSION2   both EXPRESSION1 and EXPRESSION2 are true
  EXPRESSION1 -o EXPRESSION2   either EXPRESSION1 or EXPRESSION2 is true

  -n STRING            the length of STRING is nonzero
  STRING               equivalent to -n STRING
  -z STRING            the length of STRING is zero
  STRING1 = STRING2    the strings are equal
  STRING1 != STRING2   the strings are not equal

  INTEGER1 -eq INTEGER2   INTEGER1 is equal to INTEGER2
  (also -ge -gt -le -lt -ne)

  FILE1 -nt FILE2   FILE1 is newer (modification date) than FILE2
  FILE1 -ot FILE2   FILE1 is older than FILE2

  -d FILE     FILE exists and is a directory
  -e FILE     FILE exists
  -f FILE     FILE exists and is a regular file
  -g FILE     FILE exists and is set-group-ID
  -h FILE     FILE exists and is a symbolic link (same as -L)
  -k FILE     FILE exists and has its sticky bit set
  -L FILE     FILE exists and is a symbolic link (same as -h)
  -O FILE     FILE exists and is owned by the effective user ID
  -G FILE     FILE exists and is owned by the effective group ID
  -r FILE     FILE exists and the user has read access
  -s FILE     FILE exists and has a size greater than zero
  -u FILE     FILE exists and its set-user-ID bit is set
  -w FILE     FILE exists and the user has write access
  -x FILE     FILE exists and the user has execute (or search) access
`;

const UNARY = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-G', '-h', '-k', '-L', '-n', '-N', '-O', '-p', '-r', '-s', '-S', '-t', '-u', '-w', '-x', '-z']);
const BINARY = new Set(['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef', '<', '>']);

class TestError extends Error {}

function evaluate(ctx: CommandContext, args: string[]): boolean {
  const fs = fsOf(ctx);
  const path = (p: string) => resolvePath(ctx.cwd, p);
  const stat = (p: string, follow = true) => {
    try {
      return follow ? fs.stat(path(p)) : fs.lstat(path(p));
    } catch {
      return undefined;
    }
  };
  const int = (s: string): number => {
    const t = s.trim();
    if (!/^[-+]?\d+$/.test(t)) throw new TestError(`invalid integer ${lq(s)}`);
    return Number(t);
  };
  const unary = (op: string, a: string): boolean => {
    const st = stat(a, op !== '-h' && op !== '-L');
    switch (op) {
      case '-n':
        return a.length > 0;
      case '-z':
        return a.length === 0;
      case '-e':
        return !!st;
      case '-f':
        return st?.type === 'file';
      case '-d':
        return st?.type === 'dir';
      case '-h':
      case '-L':
        return st?.type === 'symlink';
      case '-s':
        return !!st && st.size > 0;
      case '-r':
        return fs.access(path(a), 4);
      case '-w':
        return fs.access(path(a), 2);
      case '-x':
        return fs.access(path(a), 1);
      case '-u':
        return !!st && (st.mode & 0o4000) !== 0;
      case '-g':
        return !!st && (st.mode & 0o2000) !== 0;
      case '-k':
        return !!st && (st.mode & 0o1000) !== 0;
      case '-O':
        return !!st && st.uid === ctx.proc.cred.uid;
      case '-G':
        return !!st && st.gid === ctx.proc.cred.gid;
      case '-t':
        return int(a) === 1 ? ctx.stdout.isTTY : int(a) === 0 ? ctx.stdin.isTTY : false;
      default:
        return false;
    }
  };
  const binary = (a: string, op: string, b: string): boolean => {
    switch (op) {
      case '=':
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '-eq':
        return int(a) === int(b);
      case '-ne':
        return int(a) !== int(b);
      case '-lt':
        return int(a) < int(b);
      case '-le':
        return int(a) <= int(b);
      case '-gt':
        return int(a) > int(b);
      case '-ge':
        return int(a) >= int(b);
      case '-nt':
        return (stat(a)?.mtimeMs ?? -Infinity) > (stat(b)?.mtimeMs ?? -Infinity);
      case '-ot':
        return (stat(a)?.mtimeMs ?? Infinity) < (stat(b)?.mtimeMs ?? Infinity);
      default: {
        const sa = stat(a);
        const sb = stat(b);
        return !!sa && !!sb && sa.ino === sb.ino;
      }
    }
  };
  let pos = 0;
  const beyond = (): never => {
    throw new TestError(`missing argument after ${lq(args[args.length - 1]!)}`);
  };
  const primary = (): boolean => {
    const t = args[pos];
    if (t === undefined) beyond();
    if (t === '(' && pos + 1 < args.length) {
      pos++;
      const v = or();
      if (args[pos] !== ')') throw new TestError(args[pos] === undefined ? `missing argument after ${lq(args[args.length - 1]!)}` : `${lq(')')} expected, found ${lq(args[pos]!)}`);
      pos++;
      return v;
    }
    if (pos + 2 < args.length && BINARY.has(args[pos + 1]!)) {
      const v = binary(t!, args[pos + 1]!, args[pos + 2]!);
      pos += 3;
      return v;
    }
    if (args[pos + 1] !== undefined && BINARY.has(args[pos + 1]!) && pos + 2 >= args.length) {
      pos = args.length;
      beyond();
    }
    if (UNARY.has(t!) && pos + 1 < args.length) {
      pos += 2;
      return unary(t!, args[pos - 1]!);
    }
    if (t!.startsWith('-') && t!.length === 2 && /[a-zA-Z]/.test(t![1]!) && pos + 1 < args.length && !BINARY.has(args[pos + 1]!) && args[pos + 1] !== '-a' && args[pos + 1] !== '-o') throw new TestError(`${lq(t!)}: unary operator expected`);
    pos++;
    return t!.length > 0;
  };
  const not = (): boolean => {
    if (args[pos] === '!' && pos + 1 < args.length) {
      pos++;
      return !not();
    }
    return primary();
  };
  const and = (): boolean => {
    let v = not();
    while (args[pos] === '-a' && pos + 1 < args.length) {
      pos++;
      v = not() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (args[pos] === '-o' && pos + 1 < args.length) {
      pos++;
      v = and() || v;
    }
    return v;
  };
  if (args.length === 0) return false;
  if (args.length === 2 && args[0] !== '!' && !UNARY.has(args[0]!)) {
    if (args[0]!.startsWith('-') && args[0]!.length === 2) throw new TestError(`${lq(args[0]!)}: unary operator expected`);
    beyond();
  }
  const v = or();
  if (pos < args.length) throw new TestError(`${lq(args[pos]!)}: binary operator expected`);
  return v;
}

function make(name: 'test' | '['): Command {
  return {
    name,
    summary: 'check file types and compare values',
    async run(ctx) {
      const prog = ctx.argv[0] ?? name;
      let args = ctx.argv.slice(1);
      if (name === '[') {
        if (args.length === 1 && args[0] === '--help') {
          await ctx.stdout.write(HELP);
          return 0;
        }
        if (args.length === 1 && args[0] === '--version') {
          await ctx.stdout.write(coreutilsVersion('['));
          return 0;
        }
        if (args[args.length - 1] !== ']') {
          await ctx.stderr.write(`${prog}: missing ${lq(']')}\n`);
          return 2;
        }
        args = args.slice(0, -1);
      }
      try {
        return evaluate(ctx, args) ? 0 : 1;
      } catch (e) {
        if (!(e instanceof TestError)) throw e;
        await ctx.stderr.write(`${prog}: ${e.message}\n`);
        return 2;
      }
    },
  };
}

export const test = make('test');
export const bracket = make('[');
