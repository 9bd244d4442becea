// sudo: run a command as another user (sudo 1.9.13 as Debian 12 ships it). Who may use it
// comes from /etc/sudoers and /etc/sudoers.d (group sudo, NOPASSWD rules); the command runs
// as a child process with the target's credentials and a reset environment (secure_path).
import { bytesToString, resolvePath } from '../../platform/filesystem.ts';
import { DEFAULT_PATH } from '../host.ts';
import type { Command, CommandContext, Credentials, SignalName } from '../types.ts';

const USAGE = `usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]
            [-u user] [command [arg ...]]
usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] file ...
`;

const HELP = `sudo - execute a command as another user

${USAGE}
Options:
  -b, --background              run command in the background
  -D, --chdir=directory         change the working directory before running
                                command
  -E, --preserve-env            preserve user environment when running command
      --preserve-env=list       preserve specific environment variables
  -g, --group=group             run command as the specified group name or ID
  -H, --set-home                set HOME variable to target user's home dir
  -h, --help                    display help message and exit
  -i, --login                   run login shell as the target user; a command
                                may also be specified
  -K, --remove-timestamp        remove timestamp file completely
  -k, --reset-timestamp         invalidate timestamp file
  -l, --list                    list user's privileges or check a specific
                                command; use twice for longer format
  -n, --non-interactive         non-interactive mode, no prompts are used
  -s, --shell                   run shell as the target user; a command may
                                also be specified
  -u, --user=user               run command (or edit file) as specified user
                                name or ID
  -V, --version                 display version information and exit
  -v, --validate                update user's timestamp without running a
                                command
  --                            stop processing command line arguments
`;

export const SECURE_PATH = DEFAULT_PATH;

function startLoginShell(ctx: CommandContext, command: Command, argv: string[], o: { cred: Credentials; env: Record<string, string>; cwd: string }): Promise<number> {
  const child = ctx.host.start({
    command,
    argv,
    env: o.env,
    cwd: o.cwd,
    cred: o.cred,
    stdin: ctx.stdin,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    ppid: ctx.proc.pid,
    ...(ctx.proc.tty && ctx.tty ? { tty: { name: ctx.proc.tty, ...ctx.tty } } : {}),
  });
  const forward = () => child.kill((ctx.signal.reason as SignalName | undefined) ?? 'SIGTERM');
  ctx.signal.addEventListener('abort', forward, { once: true });
  return child.exited.finally(() => ctx.signal.removeEventListener('abort', forward));
}

interface Rule {
  who: string;
  nopasswd: boolean;
  text: string;
}

/** The user and %group rules of /etc/sudoers and the files it includes. */
function readRules(ctx: CommandContext): Rule[] {
  const fs = ctx.host.rootFs;
  const texts: string[] = [];
  const read = (p: string) => {
    try {
      texts.push(bytesToString(fs.readFile(p)));
    } catch {
      // a missing file contributes nothing
    }
  };
  read('/etc/sudoers');
  try {
    for (const f of fs.readdir('/etc/sudoers.d')) if (!f.includes('.') && !f.endsWith('~')) read(`/etc/sudoers.d/${f}`);
  } catch {
    // no include directory
  }
  const rules: Rule[] = [];
  for (const t of texts) {
    for (const raw of t.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('@') || line.startsWith('Defaults')) continue;
      const m = /^(\S+)\s+\S+\s*=\s*(\([^)]*\))?\s*(NOPASSWD:)?\s*(.*)$/.exec(line);
      if (m) rules.push({ who: m[1]!, nopasswd: Boolean(m[3]), text: `${m[2] ?? '(root)'} ${m[3] ? 'NOPASSWD: ' : ''}${m[4]}` });
    }
  }
  return rules;
}

function matchingRules(ctx: CommandContext, cred: Credentials): Rule[] {
  const groups = cred.groups.map((g) => ctx.host.users.groupByGid(g)?.name).filter((n): n is string => !!n);
  return readRules(ctx).filter((r) => r.who === cred.user || r.who === 'ALL' || (r.who.startsWith('%') && groups.includes(r.who.slice(1))));
}

export const sudo: Command = {
  name: 'sudo',
  summary: 'execute a command as another user',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    const o = { user: 'root', group: undefined as string | undefined, preserve: false, login: false, shell: false, home: false, list: false, validate: false, reset: false, background: false, nonInteractive: false, chdir: undefined as string | undefined };
    const err = async (msg: string, status = 1) => {
      await ctx.stderr.write(`sudo: ${msg}\n`);
      return status;
    };
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      const takes = (rest: string) => rest || args[++i];
      if (a.startsWith('--')) {
        const [name, v] = a.slice(2).split('=', 2) as [string, string | undefined];
        const val = () => v ?? args[++i];
        if (name === 'user') o.user = val() ?? '';
        else if (name === 'group') o.group = val();
        else if (name === 'preserve-env') o.preserve = true;
        else if (name === 'login') o.login = true;
        else if (name === 'shell') o.shell = true;
        else if (name === 'set-home') o.home = true;
        else if (name === 'list') o.list = true;
        else if (name === 'validate') o.validate = true;
        else if (name === 'reset-timestamp' || name === 'remove-timestamp') o.reset = true;
        else if (name === 'non-interactive') o.nonInteractive = true;
        else if (name === 'background') o.background = true;
        else if (name === 'chdir') o.chdir = val();
        else if (name === 'help') {
          await ctx.stdout.write(HELP);
          return 0;
        } else if (name === 'version') {
          await ctx.stdout.write('Sudo version 1.9.13p3\n');
          return 0;
        } else {
          await ctx.stderr.write(`sudo: unrecognized option '${a}'\n${USAGE}`);
          return 1;
        }
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const rest = a.slice(j + 1);
        if (c === 'u' || c === 'g' || c === 'D' || c === 'p' || c === 'C' || (c === 'h' && rest)) {
          const v = takes(rest);
          if (v === undefined) {
            await ctx.stderr.write(`sudo: option requires an argument -- '${c}'\n${USAGE}`);
            return 1;
          }
          if (c === 'u') o.user = v;
          else if (c === 'g') o.group = v;
          else if (c === 'D') o.chdir = v;
          break;
        }
        if (c === 'E') o.preserve = true;
        else if (c === 'i') o.login = true;
        else if (c === 's') o.shell = true;
        else if (c === 'H') o.home = true;
        else if (c === 'l') o.list = true;
        else if (c === 'v') o.validate = true;
        else if (c === 'k' || c === 'K') o.reset = true;
        else if (c === 'n') o.nonInteractive = true;
        else if (c === 'b') o.background = true;
        else if (c === 'S' || c === 'A' || c === 'P') continue;
        else if (c === 'h') {
          await ctx.stdout.write(HELP);
          return 0;
        } else if (c === 'V') {
          await ctx.stdout.write('Sudo version 1.9.13p3\n');
          return 0;
        } else {
          await ctx.stderr.write(`sudo: invalid option -- '${c}'\n${USAGE}`);
          return 1;
        }
      }
    }
    const rest = args.slice(i);
    const assigns: Record<string, string> = {};
    while (rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) {
      const a = rest.shift()!;
      assigns[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    }
    const me = ctx.proc.cred;
    const users = ctx.host.users;
    const self = users.byUid(me.uid);
    const host = ctx.host.hostname;
    const rules = me.uid === 0 ? [{ who: 'root', nopasswd: true, text: '(ALL : ALL) ALL' }] : matchingRules(ctx, me);
    if (!rules.length) {
      ctx.host.recordEvent('sudo-denied', { user: me.user });
      await ctx.stderr.write(`${self?.name ?? me.user} is not in the sudoers file.  This incident will be reported.\n`);
      return 1;
    }
    if (o.reset && !rest.length && !o.list && !o.validate) return 0;
    if (me.uid !== 0 && !rules.some((r) => r.nopasswd)) {
      // The sandbox has no passwords to check; without a NOPASSWD rule sudo cannot proceed.
      if (o.nonInteractive) return err('a password is required');
      await ctx.stderr.write('sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n');
      return 1;
    }
    if (o.validate) return 0;
    if (o.list) {
      await ctx.stdout.write(
        `Matching Defaults entries for ${self?.name ?? me.user} on ${host}:\n    env_reset, mail_badpass, secure_path=${SECURE_PATH.replace(/:/g, '\\:')}, use_pty\n\nUser ${self?.name ?? me.user} may run the following commands on ${host}:\n${rules.map((r) => `    ${r.text.replace('(ALL:ALL)', '(ALL : ALL)')}\n`).join('')}`,
      );
      return 0;
    }
    const target = /^#\d+$/.test(o.user) ? users.byUid(Number(o.user.slice(1))) : users.byName(o.user);
    if (!target) return err(`unknown user ${o.user}`);
    let cred: Credentials = users.credentials(target.name) ?? { uid: target.uid, gid: target.gid, groups: [target.gid], user: target.name };
    if (o.group !== undefined) {
      const g = /^#\d+$/.test(o.group) ? users.groupByGid(Number(o.group.slice(1))) : users.groupByName(o.group);
      if (!g) return err(`unknown group ${o.group}`);
      cred = { ...cred, gid: g.gid, groups: [g.gid, ...cred.groups.filter((x) => x !== g.gid)] };
    }
    const keep = ['TERM', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'COLORS', 'DISPLAY', 'HOSTNAME', 'LS_COLORS', 'XAUTHORITY', 'COLUMNS', 'LINES'];
    const env: Record<string, string> = o.preserve ? { ...ctx.env } : {};
    for (const k of keep) if (ctx.env[k] !== undefined) env[k] = ctx.env[k]!;
    Object.assign(env, {
      PATH: SECURE_PATH,
      MAIL: `/var/mail/${target.name}`,
      LOGNAME: target.name,
      USER: target.name,
      SHELL: target.shell,
      SUDO_USER: self?.name ?? me.user,
      SUDO_UID: String(me.uid),
      SUDO_GID: String(me.gid),
    });
    if (!o.preserve || o.home || o.login) env.HOME = target.home;
    Object.assign(env, assigns);
    let cwd = ctx.cwd;
    let argv: string[];
    const shellPath = o.login ? target.shell : (ctx.env.SHELL ?? target.shell);
    if (o.login || o.shell) {
      const cmdline = rest.map((w) => w.replace(/([^A-Za-z0-9_\-+=/.,:@%])/g, '\\$1')).join(' ');
      argv = o.login ? [shellPath, '-l', ...(rest.length ? ['-c', cmdline] : [])] : [shellPath, ...(rest.length ? ['-c', cmdline] : [])];
      if (o.login) cwd = target.home;
    } else {
      if (!rest.length) {
        await ctx.stderr.write(USAGE);
        return 1;
      }
      argv = rest;
    }
    if (o.chdir !== undefined) cwd = resolvePath(ctx.cwd, o.chdir);
    const r = ctx.host.resolveProgram(argv[0]!, { path: SECURE_PATH, cwd, cred });
    if (!r.ok) {
      if (r.error === 'ENOENT') return err(`${argv[0]}: command not found`);
      return err(`unable to execute ${r.file ?? argv[0]}: Permission denied`);
    }
    env.SUDO_COMMAND = [r.file, ...argv.slice(1)].join(' ');
    ctx.host.recordEvent('sudo', { user: me.user, target: target.name, command: env.SUDO_COMMAND });
    // A login shell is started by its file with argv[0] '-bash' (what sudo -i does), which
    // PATH lookup cannot express: start it on the host directly, as sudo's child.
    const child = o.login ? startLoginShell(ctx, r.command, ['-' + (shellPath.split('/').pop() ?? 'bash'), ...argv.slice(2)], { cred, env, cwd }) : ctx.spawn.exec(argv, { cred, env, cwd, signal: ctx.signal });
    if (o.background) {
      child.catch(() => {});
      return 0;
    }
    return child;
  },
};
