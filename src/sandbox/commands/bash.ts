// The `bash` and `sh` programs: bash -c 'cmd', bash --login -c …, bash script.sh args,
// and a script on stdin. The interactive shell of a terminal is src/sandbox/shell/terminal-session.ts.
import { basename, isFsError, resolvePath, strerror } from '../../platform/filesystem.ts';
import { readAllText } from '../io.ts';
import { cpuRlimitOf, diedOfSignal } from '../processes.ts';
import type { Command, CommandContext, SignalName } from '../types.ts';
import { SIGNAL_NUMBERS } from '../types.ts';
import { Interpreter } from '../shell/interpreter.ts';
import { ShellRuntime } from '../shell/runtime.ts';
import { attachTerminalSession } from '../shell/attach.ts';
import { runStartupFiles, stateFromEnv } from '../shell/startup.ts';
import { terminalInput } from '../shell/tty.ts';
import { ExitSignal, InterruptSignal, ShellError } from '../shell/state.ts';

const VERSION_TEXT = `GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)
Copyright (C) 2022 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>

This is free software; you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.
`;

const USAGE = (name: string) => `Usage:\t${name} [GNU long option] [option] ...
\t${name} [GNU long option] [option] script-file ...
GNU long options:
\t--debug
\t--help
\t--login
\t--noprofile
\t--norc
\t--posix
\t--version
Shell options:
\t-ilrsD or -c command or -O shopt_option\t\t(invocation only)
\t-abefhkmnptuvxBCHP or -o option
`;

async function runShell(ctx: CommandContext, name: string): Promise<number> {
  const args = ctx.argv.slice(1);
  let login = ctx.argv[0]?.startsWith('-') ?? false;
  let command: string | undefined;
  let readStdin = false;
  let forceInteractive = false;
  const setFlags: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--login') login = true;
    else if (a === '--version') {
      await ctx.stdout.write(VERSION_TEXT);
      return 0;
    } else if (a === '--help') {
      await ctx.stdout.write(USAGE(name));
      return 0;
    } else if (a === '--noprofile' || a === '--norc' || a === '--posix' || a === '--debug' || a === '--noediting') continue;
    else if (a.startsWith('--')) {
      await ctx.stderr.write(`${name}: ${a}: invalid option\n${USAGE(name)}`);
      return 2;
    } else if (/^[-+][a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'c' && a[0] === '-') command = '';
        else if (f === 'l') login = true;
        else if (f === 's') readStdin = true;
        else if (f === 'i') forceInteractive = true;
        else if (f === 'o') setFlags.push(a[0] + 'o', args[++i] ?? '');
        else if ('euxfCnvhBH'.includes(f)) setFlags.push(a[0] + f);
        else {
          await ctx.stderr.write(`${name}: ${a[0]}${f}: invalid option\n${USAGE(name)}`);
          return 2;
        }
      }
    } else break;
  }
  const rest = args.slice(i);
  if (command === '') {
    if (rest.length === 0) {
      await ctx.stderr.write(`${name}: -c: option requires an argument\n`);
      return 2;
    }
    command = rest.shift()!;
  }
  if (command === undefined && (rest.length === 0 || forceInteractive) && !readStdin && terminalInput(ctx.stdin)) {
    // `bash`, `bash -l`, `sudo -i` on a terminal: an interactive shell with its own line editor.
    return attachTerminalSession({
      host: ctx.host,
      user: ctx.proc.cred.user,
      ttyName: ctx.proc.tty ?? 'pts/0',
      env: ctx.env,
      cwd: ctx.cwd,
      login,
      ppid: ctx.proc.pid,
      stdin: ctx.stdin,
      stdout: ctx.stdout,
      signal: ctx.signal,
    });
  }
  const st = stateFromEnv(ctx.host, ctx.proc.cred, ctx.env, ctx.cwd, ctx.proc.pid, ctx.proc.ppid);
  st.login = login;
  const rt = new ShellRuntime({ host: ctx.host, name, ...(ctx.tty ? { tty: { name: ctx.proc.tty ?? 'pts/0', ...ctx.tty } } : {}) });
  rt.beginCommandLine();
  // Read when `ulimit` first looks: the starting shell sets this process's RLIMIT_CPU just after starting it.
  rt.processCpuRlimit = () => cpuRlimitOf(ctx.proc);
  const sh = new Interpreter(st, rt);
  sh.topLevel = true;
  const io = { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr };
  const onAbort = () => {
    const sig = (ctx.signal.reason as SignalName) ?? 'SIGTERM';
    rt.interrupt(128 + (SIGNAL_NUMBERS[sig] ?? 15), sig);
  };
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });

  let text: string;
  if (command !== undefined) {
    text = command;
    st.commandString = true;
    if (rest.length) {
      st.arg0 = rest[0]!;
      st.positional = rest.slice(1);
    } else st.arg0 = name;
  } else if (rest.length && !readStdin) {
    const file = rest[0]!;
    const path = resolvePath(ctx.cwd, file);
    try {
      if (ctx.fs.stat(path).type === 'dir') {
        await ctx.stderr.write(`${name}: ${file}: Is a directory\n`);
        return 126;
      }
      text = new TextDecoder().decode(ctx.fs.readFile(path));
    } catch (e) {
      if (isFsError(e)) {
        await ctx.stderr.write(`${name}: ${file}: ${strerror(e.code)}\n`);
        return e.code === 'ENOENT' ? 127 : 126;
      }
      throw e;
    }
    st.arg0 = file;
    st.positional = rest.slice(1);
    rt.scriptName = file;
  } else {
    st.positional = rest;
    text = await readAllText(ctx.stdin);
    rt.scriptName = undefined;
  }
  try {
    if (setFlags.length) await sh.runText(`set ${setFlags.map((f) => `'${f}'`).join(' ')}`, io);
    if (login) {
      const savedScript = rt.scriptName;
      rt.scriptName = undefined;
      await runStartupFiles(sh, io, { login: true, interactive: false });
      rt.scriptName = savedScript;
    }
    const status = command !== undefined ? await sh.runCommandString(text, io) : await sh.runText(text, io);
    // The program bash -c exec'd last died of a signal: so does this process.
    if (rt.execDeathSignal !== undefined && status === 128 + rt.execDeathSignal) return diedOfSignal(ctx.proc, rt.execDeathSignal);
    // A signal that ends the shell (`kill $$`) ends it even when its last command then succeeded.
    const killedWith = ctx.signal.aborted ? rt.interruptStatus : undefined;
    return await sh.runExitTrap(io, killedWith ?? status);
  } catch (e) {
    if (e instanceof ExitSignal || e instanceof InterruptSignal) return sh.runExitTrap(io, e.status);
    if (e instanceof ShellError) {
      await sh.error(io, e.message);
      return sh.runExitTrap(io, e.status);
    }
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    rt.jobs.reap();
  }
}

export const bash: Command = {
  name: 'bash',
  summary: 'GNU Bourne-Again SHell',
  // Run as `sh` (the /usr/bin/sh link) it names itself sh in its messages.
  run: (ctx) => runShell(ctx, basename(ctx.argv[0] ?? 'bash').replace(/^-/, '') === 'sh' ? 'sh' : 'bash'),
};

export const sh: Command = {
  name: 'sh',
  summary: 'command interpreter (shell)',
  run: (ctx) => runShell(ctx, basename(ctx.argv[0] ?? 'sh').replace(/^-/, '') || 'sh'),
};
