// Builtins that change the shell itself: cd, pwd, export, unset, set, shift, exit, source …
import { isFsError, resolvePath, strerror } from '../../../platform/filesystem.ts';
import { readAllText } from '../../io.ts';
import { arith } from '../expand.ts';
import { ExitSignal, LoopSignal, ReturnSignal, ShellError } from '../state.ts';
import { dquote, isName, out, squoteIfNeeded, type Builtin } from './types.ts';

export const cd: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  let args = argv.slice(1);
  while (args[0] === '-L' || args[0] === '-P') args = args.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length > 1) throw new ShellError('cd: too many arguments');
  let target = args[0];
  let print = false;
  if (target === undefined) {
    target = st.get('HOME');
    if (target === undefined) throw new ShellError('cd: HOME not set');
  } else if (target === '-') {
    target = st.get('OLDPWD');
    if (target === undefined) throw new ShellError('cd: OLDPWD not set');
    print = true;
  }
  if (target === '') return 0;
  const path = resolvePath(st.cwd, target);
  const fs = sh.fs;
  try {
    const s = fs.stat(path);
    if (s.type !== 'dir') throw new ShellError(`cd: ${target}: Not a directory`);
    if (!canSearch(sh, path)) throw new ShellError(`cd: ${target}: Permission denied`);
  } catch (e) {
    if (isFsError(e)) throw new ShellError(`cd: ${target}: ${strerror(e.code)}`);
    throw e;
  }
  st.set('OLDPWD', st.cwd);
  st.cwd = path;
  st.set('PWD', path);
  if (print) await out(io, path + '\n');
  return 0;
};

/** Execute (search) permission on every directory of the path, as the kernel checks it. */
function canSearch(sh: Parameters<Builtin>[0], path: string): boolean {
  const cred = sh.state.cred;
  if (cred.uid === 0) return true;
  const fs = sh.rt.host.rootFs;
  let p = '';
  for (const part of ['', ...path.split('/').filter(Boolean)]) {
    p = part === '' ? '/' : p === '/' ? '/' + part : `${p}/${part}`;
    const s = fs.stat(p);
    const bit = s.uid === cred.uid ? 0o100 : s.gid === cred.gid || cred.groups.includes(s.gid) ? 0o010 : 0o001;
    if (!(s.mode & bit)) return false;
  }
  return true;
}

export const pwd: Builtin = async (sh, _argv, io) => {
  await out(io, sh.state.cwd + '\n');
  return 0;
};

export const exportBuiltin: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  let args = argv.slice(1);
  let unexport = false;
  let print = false;
  while (args[0]?.startsWith('-') && args[0] !== '--' && args[0].length > 1) {
    for (const f of args[0].slice(1)) {
      if (f === 'n') unexport = true;
      else if (f === 'p') print = true;
      else if (f === 'f') {
        /* functions are not exported here */
      } else {
        await io.stderr.write(`${sh.rt.name}: export: -${f}: invalid option\nexport: usage: export [-fn] [name[=value] ...] or export -p\n`);
        return 2;
      }
    }
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0 || print) {
    const names = [...st.vars.keys()].filter((k) => st.vars.get(k)!.exported).sort();
    for (const n of names) await out(io, `declare -x ${n}=${dquote(st.get(n)!)}\n`);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq).replace(/\+$/, '');
    if (!isName(name)) {
      await sh.error(io, `export: \`${a}': not a valid identifier`);
      status = 1;
      continue;
    }
    if (unexport) {
      const v = st.vars.get(name);
      if (v) v.exported = false;
      continue;
    }
    if (eq >= 0) {
      const value = a.slice(eq + 1);
      st.set(name, a[eq - 1] === '+' ? (st.get(name) ?? '') + value : value, { export: true });
    } else {
      const v = st.vars.get(name);
      if (v) v.exported = true;
      else st.exportPending.add(name);
    }
  }
  return status;
};

export const unset: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let mode: 'v' | 'f' | 'any' = 'any';
  while (args[0]?.startsWith('-')) {
    if (args[0] === '-f') mode = 'f';
    else if (args[0] === '-v') mode = 'v';
    args = args.slice(1);
  }
  let status = 0;
  for (const n of args) {
    if (!isName(n)) {
      await sh.error(io, `unset: \`${n}': not a valid identifier`);
      status = 1;
      continue;
    }
    if (mode !== 'f' && sh.state.vars.has(n)) sh.state.unset(n);
    else if (mode !== 'v') sh.state.functions.delete(n);
  }
  return status;
};

const OPTION_NAMES: Record<string, keyof import('../state.ts').ShellOptions> = { allexport: 'allexport', errexit: 'errexit', noclobber: 'noclobber', noglob: 'noglob', nounset: 'nounset', pipefail: 'pipefail', xtrace: 'xtrace' };
const OPTION_LETTERS: Record<string, keyof import('../state.ts').ShellOptions> = { a: 'allexport', e: 'errexit', u: 'nounset', x: 'xtrace', f: 'noglob', C: 'noclobber' };

export const set: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const n of [...st.vars.keys()].sort()) await out(io, `${n}=${squoteIfNeeded(st.get(n)!)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      st.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-' ) {
      st.positional = args.slice(i + 1);
      return 0;
    }
    if (!/^[-+]/.test(a)) break;
    const on = a[0] === '-';
    if (a.slice(1) === 'o') {
      const name = args[++i];
      if (name === undefined) {
        for (const [n, k] of Object.entries(OPTION_NAMES)) await out(io, on ? `${n.padEnd(15)}\t${st.options[k] ? 'on' : 'off'}\n` : `set ${st.options[k] ? '-o' : '+o'} ${n}\n`);
        continue;
      }
      const key = OPTION_NAMES[name];
      if (!key) {
        if (['monitor', 'emacs', 'vi', 'histexpand', 'history', 'braceexpand', 'hashall', 'interactive-comments'].includes(name)) continue;
        await sh.error(io, `set: ${name}: invalid option name`);
        return 1;
      }
      st.options[key] = on;
      continue;
    }
    for (const f of a.slice(1)) {
      const key = OPTION_LETTERS[f];
      if (key) st.options[key] = on;
      else if ('mhBHbkntv'.includes(f)) continue;
      else {
        await sh.error(io, `set: ${a[0]}${f}: invalid option`);
        await io.stderr.write('set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n');
        return 2;
      }
    }
  }
  if (i < args.length) st.positional = args.slice(i);
  return 0;
};

export const shift: Builtin = async (sh, argv) => {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0) throw new ShellError(`shift: ${argv[1]}: numeric argument required`);
  if (n > sh.state.positional.length) return 1;
  sh.state.positional = sh.state.positional.slice(n);
  return 0;
};

function statusArg(sh: Parameters<Builtin>[0], name: string, a: string | undefined): number {
  if (a === undefined) return sh.state.lastStatus;
  if (!/^[-+]?\d+$/.test(a.trim())) throw new ShellError(`${name}: ${a}: numeric argument required`, 2);
  return ((Number(a) % 256) + 256) % 256;
}

export const exit: Builtin = async (sh, argv, io) => {
  if (argv[0] === 'logout' && !sh.state.login) {
    await sh.error(io, "logout: not login shell: use `exit'");
    return 1;
  }
  if (sh.rt.interactive && !sh.state.subshell) await io.stderr.write(sh.state.login ? 'logout\n' : 'exit\n');
  if (argv.length > 2) {
    await sh.error(io, 'exit: too many arguments');
    return 1;
  }
  let status: number;
  try {
    status = statusArg(sh, 'exit', argv[1]);
  } catch (e) {
    if (e instanceof ShellError) {
      await sh.error(io, e.message);
      throw new ExitSignal(2);
    }
    throw e;
  }
  throw new ExitSignal(status);
};

export const returnBuiltin: Builtin = async (sh, argv, io) => {
  if (sh.state.funcDepth === 0 && !sh.sourcing) {
    await sh.error(io, "return: can only `return' from a function or sourced script");
    return 1;
  }
  throw new ReturnSignal(statusArg(sh, 'return', argv[1]));
};

export const loopControl =
  (kind: 'break' | 'continue'): Builtin =>
  async (sh, argv, io) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      await sh.error(io, `${kind}: ${argv[1]}: loop count out of range`);
      return 1;
    }
    if (sh.state.loopDepth === 0) {
      await sh.error(io, `${kind}: only meaningful in a \`for', \`while', or \`until' loop`);
      return 0;
    }
    throw new LoopSignal(kind, Math.min(n, sh.state.loopDepth));
  };

export const source: Builtin = async (sh, argv, io) => {
  const file = argv[1];
  if (file === undefined) {
    await sh.error(io, `${argv[0]}: filename argument required`);
    await io.stderr.write(`${argv[0]}: usage: ${argv[0]} filename [arguments]\n`);
    return 2;
  }
  let path: string | undefined;
  if (file.includes('/')) path = resolvePath(sh.state.cwd, file);
  else {
    for (const dir of (sh.state.get('PATH') ?? '').split(':')) {
      const p = resolvePath(sh.state.cwd, `${dir || '.'}/${file}`);
      if (sh.fs.exists(p) && sh.fs.stat(p).type === 'file') {
        path = p;
        break;
      }
    }
    path ??= resolvePath(sh.state.cwd, file);
  }
  let text: string;
  try {
    if (sh.fs.stat(path).type === 'dir') throw new ShellError(`${file}: is a directory`);
    text = new TextDecoder().decode(sh.fs.readFile(path));
  } catch (e) {
    if (isFsError(e)) throw new ShellError(`${file}: ${strerror(e.code)}`);
    throw e;
  }
  return sh.sourceText(text, argv.slice(2), io);
};

export const evalBuiltin: Builtin = async (sh, argv, io) => {
  const text = argv.slice(1).join(' ');
  if (!text.trim()) return 0;
  return sh.runText(text, io);
};

export const local: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  const frame = st.locals[st.locals.length - 1];
  if (!frame || st.funcDepth === 0) {
    await sh.error(io, 'local: can only be used in a function');
    return 1;
  }
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!isName(name)) {
      await sh.error(io, `local: \`${a}': not a valid identifier`);
      continue;
    }
    if (!frame.has(name)) frame.set(name, st.vars.get(name) ? { ...st.vars.get(name)! } : undefined);
    st.vars.set(name, { value: eq < 0 ? (st.get(name) ?? '') : a.slice(eq + 1), exported: false });
  }
  return 0;
};

export const declare: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  let exportIt = false;
  let readonly = false;
  let print = false;
  let funcs = false;
  const names: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^[-+][a-zA-Z]+$/.test(a)) {
      if (a.includes('x')) exportIt = a[0] === '-';
      if (a.includes('r')) readonly = true;
      if (a.includes('p')) print = true;
      if (a.includes('f') || a.includes('F')) funcs = true;
      continue;
    }
    names.push(a);
  }
  if (funcs) {
    for (const [n, f] of st.functions) if (names.length === 0 || names.includes(n)) await out(io, a2fn(n, f.text));
    return 0;
  }
  if (print || names.length === 0) {
    let status = 0;
    const list = names.length ? names : [...st.vars.keys()].sort();
    for (const n of list) {
      const v = st.vars.get(n);
      if (!v) {
        await sh.error(io, `declare: ${n}: not found`);
        status = 1;
        continue;
      }
      const flags = (v.exported ? 'x' : '') + (v.readonly ? 'r' : '');
      await out(io, `declare -${flags || '-'} ${n}=${dquote(v.value)}\n`);
    }
    return status;
  }
  for (const a of names) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!isName(name)) {
      await sh.error(io, `declare: \`${a}': not a valid identifier`);
      continue;
    }
    if (eq >= 0) st.set(name, a.slice(eq + 1));
    else if (!st.vars.has(name)) st.vars.set(name, { value: '', exported: false });
    const v = st.vars.get(name)!;
    if (exportIt) v.exported = true;
    if (readonly) v.readonly = true;
  }
  return 0;
};

function a2fn(name: string, text: string): string {
  return `${text.startsWith('function') ? text : text.replace(new RegExp(`^${name}\\s*\\(\\s*\\)\\s*`), `${name} () \n`)}\n`;
}

export const readonlyBuiltin: Builtin = async (sh, argv, io) => {
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!isName(name)) {
      await sh.error(io, `readonly: \`${a}': not a valid identifier`);
      continue;
    }
    if (eq >= 0) sh.state.set(name, a.slice(eq + 1));
    else if (!sh.state.vars.has(name)) sh.state.vars.set(name, { value: '', exported: false });
    sh.state.vars.get(name)!.readonly = true;
  }
  return 0;
};

export const letBuiltin: Builtin = async (sh, argv) => {
  if (argv.length < 2) throw new ShellError('let: expression expected');
  let v = 0n;
  for (const e of argv.slice(1)) v = arith(sh, e);
  return v !== 0n ? 0 : 1;
};

export const umask: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  const symbolic = args[0] === '-S';
  if (symbolic) args.shift();
  if (args.length === 0) {
    const m = sh.state.umask;
    if (symbolic) {
      const p = (shift: number) => {
        const bits = (~m >> shift) & 7;
        return (bits & 4 ? 'r' : '') + (bits & 2 ? 'w' : '') + (bits & 1 ? 'x' : '');
      };
      await out(io, `u=${p(6)},g=${p(3)},o=${p(0)}\n`);
    } else await out(io, m.toString(8).padStart(4, '0') + '\n');
    return 0;
  }
  if (!/^[0-7]{1,4}$/.test(args[0]!)) throw new ShellError(`umask: ${args[0]}: octal number out of range`);
  sh.state.umask = parseInt(args[0]!, 8);
  return 0;
};

export const alias: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1).filter((a) => a !== '-p');
  if (args.length === 0) {
    for (const [n, v] of [...sh.state.aliases].sort()) await out(io, `alias ${n}=${squoteIfNeeded(v).startsWith("'") ? squoteIfNeeded(v) : `'${v}'`}\n`);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      const v = sh.state.aliases.get(a);
      if (v === undefined) {
        await sh.error(io, `alias: ${a}: not found`);
        status = 1;
      } else await out(io, `alias ${a}='${v}'\n`);
      continue;
    }
    sh.state.aliases.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return status;
};

export const unalias: Builtin = async (sh, argv, io) => {
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a === '-a') sh.state.aliases.clear();
    else if (!sh.state.aliases.delete(a)) {
      await sh.error(io, `unalias: ${a}: not found`);
      status = 1;
    }
  }
  return status;
};

export const colon: Builtin = async () => 0;
export const falseBuiltin: Builtin = async () => 1;

/** `cat`-like reading of all stdin, used by builtins that need it. */
export const readStdin = readAllText;
