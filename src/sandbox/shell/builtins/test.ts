// test, [ and [[ (conditional expressions).
import { resolvePath, type FileStat } from '../../../platform/filesystem.ts';
import { patternMatches } from '../pattern.ts';
import { compile } from '../../regex/index.ts';
import type { Builtin } from './types.ts';

class TestError extends Error {}

const UNARY = new Set(['-e', '-f', '-d', '-r', '-w', '-x', '-s', '-L', '-h', '-z', '-n', '-b', '-c', '-p', '-S', '-g', '-u', '-k', '-O', '-G', '-t', '-a', '-v']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef', '=~']);

export const test: Builtin = async (sh, argv, io) => {
  const name = argv[0]!;
  let args = argv.slice(1);
  const cond = name === '[[';
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      await sh.error(io, "[: missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  const label = cond ? '[[' : name;
  const st = sh.state;
  const stat = (p: string): FileStat | undefined => {
    try {
      return sh.fs.stat(resolvePath(st.cwd, p));
    } catch {
      return undefined;
    }
  };
  const access = (p: string, bit: number): boolean => {
    const s = stat(p);
    if (!s) return false;
    const c = st.cred;
    if (c.uid === 0) return bit !== 1 || s.type === 'dir' || (s.mode & 0o111) !== 0;
    const shift = s.uid === c.uid ? 6 : s.gid === c.gid || c.groups.includes(s.gid) ? 3 : 0;
    return ((s.mode >> shift) & bit) !== 0;
  };
  const int = (v: string): bigint => {
    const t = v.trim();
    if (!/^[-+]?\d+$/.test(t)) throw new TestError(`${label}: ${v}: integer expression expected`);
    return BigInt(t);
  };
  const unary = (op: string, a: string): boolean => {
    switch (op) {
      case '-e':
      case '-a':
        return !!stat(a);
      case '-f':
        return stat(a)?.type === 'file';
      case '-d':
        return stat(a)?.type === 'dir';
      case '-L':
      case '-h':
        return stat(a)?.type === 'symlink';
      case '-s':
        return (stat(a)?.size ?? 0) > 0;
      case '-r':
        return access(a, 4);
      case '-w':
        return access(a, 2);
      case '-x':
        return access(a, 1);
      case '-z':
        return a === '';
      case '-n':
        return a !== '';
      case '-O':
        return stat(a)?.uid === st.cred.uid;
      case '-G':
        return stat(a)?.gid === st.cred.gid;
      case '-t':
        return (a === '0' && io.stdin.isTTY) || (a === '1' && io.stdout.isTTY) || (a === '2' && io.stderr.isTTY);
      case '-v':
        return st.vars.has(a);
      default:
        return false;
    }
  };
  const binary = (a: string, op: string, b: string): boolean => {
    const pat = b.startsWith('\0pat:') ? b.slice(5) : undefined;
    const bText = pat !== undefined ? pat.replace(/\\(.)/g, '$1') : b;
    switch (op) {
      case '=':
      case '==':
        return cond && pat !== undefined ? patternMatches(pat, a) : a === bText;
      case '!=':
        return cond && pat !== undefined ? !patternMatches(pat, a) : a !== bText;
      case '<':
        return a < bText;
      case '>':
        return a > bText;
      case '=~':
        try {
          return compile(bText, { syntax: 'extended' }).test(a);
        } catch {
          return false;
        }
      case '-eq':
        return int(a) === int(bText);
      case '-ne':
        return int(a) !== int(bText);
      case '-lt':
        return int(a) < int(bText);
      case '-le':
        return int(a) <= int(bText);
      case '-gt':
        return int(a) > int(bText);
      case '-ge':
        return int(a) >= int(bText);
      case '-nt':
        return (stat(a)?.mtimeMs ?? -1) > (stat(bText)?.mtimeMs ?? -1);
      case '-ot':
        return (stat(a)?.mtimeMs ?? -1) < (stat(bText)?.mtimeMs ?? -1);
      case '-ef':
        return resolvePath(st.cwd, a) === resolvePath(st.cwd, bText);
    }
    return false;
  };
  // Recursive descent over: or := and (-o|'||' and)*; and := not (-a|'&&' not)*; not := ! not | primary
  let pos = 0;
  const peek = () => args[pos];
  const orOp = cond ? '||' : '-o';
  const andOp = cond ? '&&' : '-a';
  const parseOr = (): boolean => {
    let v = parseAnd();
    while (peek() === orOp) {
      pos++;
      const r = parseAnd();
      v = v || r;
    }
    return v;
  };
  const parseAnd = (): boolean => {
    let v = parseNot();
    while (peek() === andOp) {
      pos++;
      const r = parseNot();
      v = v && r;
    }
    return v;
  };
  const parseNot = (): boolean => {
    if (peek() === '!' && args.length - pos > 1) {
      pos++;
      return !parseNot();
    }
    return primary();
  };
  const primary = (): boolean => {
    const a = args[pos];
    if (a === undefined) throw new TestError(`${label}: argument expected`);
    if (a === '(' && args.length - pos > 1) {
      pos++;
      const v = parseOr();
      if (args[pos] !== ')') throw new TestError(`${label}: \`)' expected`);
      pos++;
      return v;
    }
    const op = args[pos + 1];
    if (op !== undefined && BINARY.has(op) && args[pos + 2] !== undefined) {
      pos += 3;
      return binary(a.replace(/^\0pat:/, ''), op, args[pos - 1]!);
    }
    if (UNARY.has(a) && args[pos + 1] !== undefined) {
      pos += 2;
      return unary(a, args[pos - 1]!.replace(/^\0pat:/, ''));
    }
    pos++;
    return a.replace(/^\0pat:/, '') !== '';
  };
  try {
    if (args.length === 0) return 1;
    // POSIX rules for few arguments keep `[ -n ]`, `[ = ]` and `[ ! x ]` meaning what bash makes them mean.
    let v: boolean;
    if (args.length === 1) v = args[0] !== '';
    else if (args.length === 2 && args[0] === '!') v = args[1] === '';
    else if (args.length === 2 && UNARY.has(args[0]!)) v = unary(args[0]!, args[1]!);
    else if (args.length === 2) throw new TestError(`${label}: ${args[0]}: unary operator expected`);
    else if (args.length === 3 && BINARY.has(args[1]!)) v = binary(args[0]!, args[1]!, args[2]!);
    else {
      v = parseOr();
      if (pos < args.length) throw new TestError(`${label}: too many arguments`);
    }
    return v ? 0 : 1;
  } catch (e) {
    if (e instanceof TestError) {
      await sh.error(io, e.message);
      return 2;
    }
    throw e;
  }
};
