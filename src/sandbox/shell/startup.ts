// How a shell starts: its initial variables and the startup files bash reads
// (/etc/profile and ~/.profile for login shells, ~/.bashrc for interactive ones).
import { resolvePath } from '../../platform/filesystem.ts';
import type { Credentials, Host } from '../types.ts';
import type { IO, Interpreter } from './interpreter.ts';
import { ShellError, ShellState } from './state.ts';

export const DEFAULT_USER_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games';
export const DEFAULT_ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment `login` gives a user's shell. */
export function loginEnv(host: Host, cred: Credentials, extra: Record<string, string> = {}): Record<string, string> {
  const u = host.users.byUid(cred.uid);
  const home = u?.home ?? '/';
  return {
    HOME: home,
    USER: cred.user,
    LOGNAME: cred.user,
    SHELL: u?.shell || '/bin/bash',
    PATH: cred.uid === 0 ? DEFAULT_ROOT_PATH : DEFAULT_USER_PATH,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    ...extra,
  };
}

/** A fresh shell state from an environment (every variable exported), as bash starts. */
export function stateFromEnv(host: Host, cred: Credentials, env: Record<string, string>, cwd: string, pid: number, ppid = 1): ShellState {
  const st = new ShellState(host, cred, cwd, pid);
  for (const [k, v] of Object.entries(env)) st.set(k, v, { export: true });
  st.set('PWD', cwd, { export: true });
  if (st.get('IFS') !== undefined) st.unset('IFS');
  st.set('HOSTNAME', host.hostname);
  st.set('PPID', String(ppid));
  st.set('UID', String(cred.uid));
  st.set('EUID', String(cred.uid));
  st.set('BASH', '/bin/bash');
  st.set('BASH_VERSION', '5.2.15(1)-release');
  st.set('OPTERR', '1');
  st.set('OPTIND', '1');
  st.set('PS4', '+ ');
  st.set('SHLVL', String(Number(env.SHLVL ?? '0') + 1), { export: true });
  return st;
}

/** Runs a startup file if it exists; problems in it are reported like bash does, never fatal. */
export async function sourceIfExists(sh: Interpreter, path: string, io: IO): Promise<boolean> {
  const fs = sh.fs;
  const p = resolvePath(sh.state.cwd, path);
  let text: string;
  try {
    if (!fs.exists(p) || fs.stat(p).type !== 'file') return false;
    text = new TextDecoder().decode(fs.readFile(p));
  } catch {
    return false;
  }
  try {
    await sh.sourceText(text, [], io);
  } catch (e) {
    if (e instanceof ShellError) await sh.error(io, e.message);
    else throw e;
  }
  return true;
}

/** bash's startup: login shells read /etc/profile then the first of ~/.bash_profile, ~/.bash_login, ~/.profile; interactive non-login shells read ~/.bashrc. */
export async function runStartupFiles(sh: Interpreter, io: IO, opts: { login: boolean; interactive: boolean }): Promise<void> {
  const home = sh.state.home();
  if (opts.login) {
    await sourceIfExists(sh, '/etc/profile', io);
    for (const f of ['.bash_profile', '.bash_login', '.profile']) {
      if (await sourceIfExists(sh, `${home}/${f}`, io)) break;
    }
  } else if (opts.interactive) {
    await sourceIfExists(sh, '/etc/bash.bashrc', io);
    await sourceIfExists(sh, `${home}/.bashrc`, io);
  }
}
