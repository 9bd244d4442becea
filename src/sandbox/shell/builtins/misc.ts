// type, command, help, history, exec, hash, true/false, times.
import { ExitSignal, ShellError } from '../state.ts';
import { out, type Builtin } from './types.ts';

export const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', '{', '}', '!', '[[', ']]']);

type Lookup = { kind: 'alias' | 'keyword' | 'function' | 'builtin'; text?: string } | { kind: 'file'; path: string } | undefined;

function lookup(sh: Parameters<Builtin>[0], name: string, builtins: ReadonlyMap<string, Builtin>): Lookup {
  const st = sh.state;
  if (st.aliases.has(name)) return { kind: 'alias', text: st.aliases.get(name)! };
  if (KEYWORDS.has(name)) return { kind: 'keyword' };
  const fn = st.functions.get(name);
  if (fn) return { kind: 'function', text: fn.text };
  if (builtins.has(name)) return { kind: 'builtin' };
  const r = sh.rt.host.resolveProgram(name, { path: st.get('PATH') ?? '', cwd: st.cwd, cred: st.cred });
  if (r.ok) return { kind: 'file', path: r.file };
  return undefined;
}

export function makeType(builtins: ReadonlyMap<string, Builtin>): Builtin {
  return async (sh, argv, io) => {
    let args = argv.slice(1);
    let mode: 'normal' | 't' | 'p' | 'P' = 'normal';
    let all = false;
    while (args[0]?.startsWith('-')) {
      const f = args.shift()!;
      if (f === '--') break;
      if (f.includes('t')) mode = 't';
      if (f.includes('p')) mode = 'p';
      if (f.includes('P')) mode = 'P';
      if (f.includes('a')) all = true;
    }
    let status = 0;
    if (all) {
      for (const name of args) {
        const found = allLookups(sh, name, builtins);
        if (found.length === 0) {
          if (mode === 'normal') await sh.error(io, `type: ${name}: not found`);
          status = 1;
        }
        for (const l of found) {
          if (mode === 't') await out(io, l.kind + '\n');
          else if (mode === 'p' || mode === 'P') {
            if ('path' in l) await out(io, l.path + '\n');
          } else await out(io, describe(name, l));
        }
      }
      return status;
    }
    for (const name of args) {
      const l = mode === 'P' ? (() => {
        const r = sh.rt.host.resolveProgram(name, { path: sh.state.get('PATH') ?? '', cwd: sh.state.cwd, cred: sh.state.cred });
        return r.ok ? ({ kind: 'file', path: r.file } as const) : undefined;
      })() : lookup(sh, name, builtins);
      if (!l) {
        if (mode === 'normal') await sh.error(io, `type: ${name}: not found`);
        status = 1;
        continue;
      }
      if (mode === 't') await out(io, l.kind + '\n');
      else if (mode === 'p' || mode === 'P') {
        if ('path' in l) await out(io, l.path + '\n');
      } else if (l.kind === 'alias') await out(io, `${name} is aliased to \`${l.text}'\n`);
      else if (l.kind === 'keyword') await out(io, `${name} is a shell keyword\n`);
      else if (l.kind === 'function') await out(io, `${name} is a function\n${l.text}\n`);
      else if (l.kind === 'builtin') await out(io, `${name} is a shell builtin\n`);
      else if ('path' in l) await out(io, `${name} is ${l.path}\n`);
    }
    return status;
  };
}

function describe(name: string, l: NonNullable<Lookup>): string {
  if ('path' in l) return `${name} is ${l.path}\n`;
  if (l.kind === 'alias') return `${name} is aliased to \`${l.text}'\n`;
  if (l.kind === 'keyword') return `${name} is a shell keyword\n`;
  if (l.kind === 'function') return `${name} is a function\n${l.text}\n`;
  return `${name} is a shell builtin\n`;
}

/** Every meaning of a name, in bash's order (type -a): alias, keyword, function, builtin, each file in PATH. */
function allLookups(sh: Parameters<Builtin>[0], name: string, builtins: ReadonlyMap<string, Builtin>): NonNullable<Lookup>[] {
  const st = sh.state;
  const found: NonNullable<Lookup>[] = [];
  if (st.aliases.has(name)) found.push({ kind: 'alias', text: st.aliases.get(name)! });
  if (KEYWORDS.has(name)) found.push({ kind: 'keyword' });
  const fn = st.functions.get(name);
  if (fn) found.push({ kind: 'function', text: fn.text });
  if (builtins.has(name)) found.push({ kind: 'builtin' });
  if (!name.includes('/')) {
    for (const dir of (st.get('PATH') ?? '').split(':')) {
      const r = sh.rt.host.resolveProgram(`${dir || '.'}/${name}`, { path: '', cwd: st.cwd, cred: st.cred });
      if (r.ok && !found.some((f) => 'path' in f && f.path === r.file)) found.push({ kind: 'file', path: r.file });
    }
  }
  return found;
}

export function makeCommand(builtins: ReadonlyMap<string, Builtin>): Builtin {
  return async (sh, argv, io) => {
    let args = argv.slice(1);
    let v = false;
    let V = false;
    while (args[0]?.startsWith('-') && args[0].length > 1) {
      const f = args.shift()!;
      if (f === '--') break;
      if (f.includes('v')) v = true;
      if (f.includes('V')) V = true;
    }
    if (args.length === 0) return 0;
    if (v || V) {
      let status = 0;
      for (const name of args) {
        const l = lookup(sh, name, builtins);
        if (!l) {
          if (V) await sh.error(io, `command: ${name}: not found`);
          status = 1;
          continue;
        }
        if (V) await makeType(builtins)(sh, ['type', name], io);
        else if (l.kind === 'file') await out(io, l.path + '\n');
        else if (l.kind === 'alias') await out(io, `alias ${name}='${l.text}'\n`);
        else await out(io, name + '\n');
      }
      return status;
    }
    const b = builtins.get(args[0]!);
    if (b) return b(sh, args, io);
    return sh.runProgram(args, sh.state.exportedEnv(), io);
  };
}

export const history: Builtin = async (sh, argv, io) => {
  const h = sh.state.history;
  const args = argv.slice(1);
  if (args[0] === '-c') {
    h.length = 0;
    return 0;
  }
  if (args[0] === '-d') {
    const n = Number(args[1]);
    if (!Number.isInteger(n) || n < 1 || n > h.length) throw new ShellError(`history: ${args[1] ?? ''}: history position out of range`);
    h.splice(n - 1, 1);
    return 0;
  }
  let from = 0;
  if (args[0] !== undefined) {
    if (!/^\d+$/.test(args[0])) throw new ShellError(`history: ${args[0]}: numeric argument required`);
    from = Math.max(0, h.length - Number(args[0]));
  }
  let text = '';
  for (let i = from; i < h.length; i++) text += `${String(i + 1).padStart(5)}  ${h[i]}\n`;
  await out(io, text);
  return 0;
};

export const exec: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1).filter((a, i) => !(i === 0 && a === '--'));
  if (args.length === 0) {
    // `exec >file 2>&1`: the redirections stay for the rest of the shell.
    sh.ioOverride = io;
    return 0;
  }
  const status = await sh.runProgram(args, sh.state.exportedEnv(), io);
  throw new ExitSignal(status);
};

export const hash: Builtin = async () => 0;

export function makeHelp(builtins: ReadonlyMap<string, Builtin>): Builtin {
  return async (sh, argv, io) => {
    const topic = argv[1];
    if (topic) {
      if (!builtins.has(topic) && !KEYWORDS.has(topic)) {
        await sh.error(io, `help: no help topics match \`${topic}'.  Try \`help help' or \`man -k ${topic}' or \`info ${topic}'.`);
        return 1;
      }
      await out(io, `${topic}: ${HELP[topic] ?? 'a shell builtin'}\n`);
      return 0;
    }
    await out(
      io,
      'GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n' +
        "These shell commands are defined internally.  Type `help' to see this list.\n" +
        "Type `help name' to find out more about the function `name'.\n\n" +
        [...builtins.keys()].sort().join('  ').replace(/(.{1,78})(\s+|$)/g, '$1\n'),
    );
    return 0;
  };
}

const HELP: Record<string, string> = {
  cd: 'cd [-L|-P] [dir]\n    Change the shell working directory.',
  pwd: 'pwd [-LP]\n    Print the name of the current working directory.',
  export: 'export [-fn] [name[=value] ...] or export -p\n    Set export attribute for shell variables.',
  echo: 'echo [-neE] [arg ...]\n    Write arguments to the standard output.',
  jobs: 'jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n    Display status of jobs.',
  fg: 'fg [job_spec]\n    Move job to the foreground.',
  kill: 'kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n    Send a signal to a job.',
  source: 'source filename [arguments]\n    Execute commands from a file in the current shell.',
  history: 'history [-c] [-d offset] [n]\n    Display or manipulate the history list.',
};
