// ssh (OpenSSH 9.2 client): a login shell on another host of the lab (`ssh node-2`, back
// with `exit`), or one command run there (`ssh node-2 'cmd'`) with its output and exit
// status brought back. Keys are implied (no passwords in the sandbox): a user may log in
// as themself, root as anyone. Names resolve through the lab network; a host that is cut
// off (partition, firewall) times out as a real SYN would. When the session ends its
// processes get SIGHUP, except those started with nohup or setsid.
import { emptyInput } from '../io.ts';
import type { Command, CommandContext, Credentials, Host } from '../types.ts';
import { attachTerminalSession } from '../shell/attach.ts';
import { DEFAULT_USER_PATH, DEFAULT_ROOT_PATH } from '../shell/startup.ts';
import type { HostNetwork } from '../virtual-network.ts';
import { KERNEL_RELEASE, KERNEL_VERSION } from './uname.ts';

/** Debian's /etc/motd with the uname line, as sshd shows it at login. */
function motdFor(host: Host): string {
  return `Linux ${host.hostname} ${KERNEL_RELEASE} ${KERNEL_VERSION} x86_64

The programs included with the Debian GNU/Linux system are free software;
the exact distribution terms for each program are described in the
individual files in /usr/share/doc/*/copyright.

Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent
permitted by applicable law.
`;
}

/** sshd's lastlog: when and from where each user last logged in, per host. */
const lastLogins = new WeakMap<Host, Map<string, { at: number; from: string }>>();

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** "Last login: Sat Nov 21 09:22:32 2026 from 10.0.0.11" for a previous login, then records this one. */
function lastLogin(target: Host, user: string, from: string): string {
  let m = lastLogins.get(target);
  if (!m) lastLogins.set(target, (m = new Map()));
  const prev = m.get(user);
  m.set(user, { at: target.clock.now(), from });
  if (!prev) return '';
  const d = new Date(prev.at);
  return `Last login: ${DAY[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} from ${prev.from}\n`;
}

/** The hosts ssh can reach, by their network interface (createSandbox registers each host). */
const sshHosts = new WeakMap<HostNetwork, Host>();

export function registerSshHost(network: HostNetwork, host: Host): void {
  sshHosts.set(network, host);
}

const USAGE = `usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]
           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]
           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]
           [-i identity_file] [-J [user@]host[:port]] [-L address]
           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]
           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]
           [-w local_tun[:remote_tun]] destination [command [argument ...]]
`;

const WITH_ARG = new Set(['B', 'b', 'c', 'D', 'E', 'e', 'F', 'I', 'i', 'J', 'L', 'l', 'm', 'O', 'o', 'p', 'Q', 'R', 'S', 'W', 'w']);

interface Opts {
  dest: string;
  command: string[];
  user?: string;
  forceTty: boolean;
  noTty: boolean;
  quiet: boolean;
  port: number;
}

function parse(argv: string[]): Opts | string {
  const o: Partial<Opts> & { command: string[] } = { command: [], forceTty: false, noTty: false, quiet: false, port: 22 };
  const args = argv.slice(1);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (WITH_ARG.has(c)) {
        const v = a.slice(j + 1) || args[++i];
        if (v === undefined) return `option requires an argument -- ${c}\n${USAGE}`;
        if (c === 'l') o.user = v;
        if (c === 'p') o.port = Number(v);
        break;
      }
      if (c === 't') o.forceTty = true;
      else if (c === 'T') o.noTty = true;
      else if (c === 'q') o.quiet = true;
      else if (!'46AaCfGgKkMNnsVvXxYy'.includes(c)) return `unknown option -- ${c}\n${USAGE}`;
    }
  }
  const dest = args[i];
  if (dest === undefined) return USAGE;
  let host = dest.replace(/^ssh:\/\//, '');
  const at = host.lastIndexOf('@');
  if (at >= 0) {
    o.user = host.slice(0, at);
    host = host.slice(at + 1);
  }
  const colon = /^(.*):(\d+)$/.exec(host);
  if (dest.startsWith('ssh://') && colon) {
    host = colon[1]!;
    o.port = Number(colon[2]);
  }
  return { dest: host, command: args.slice(i + 1), user: o.user, forceTty: o.forceTty!, noTty: o.noTty!, quiet: o.quiet!, port: o.port! };
}

/** The lab host behind `name`, or the message ssh prints. */
export function reachHost(ctx: CommandContext, name: string, port: number): Host | string {
  const ip = ctx.net.resolve(name);
  if (ip === undefined) return `ssh: Could not resolve hostname ${name}: Name or service not known`;
  const here = (ctx.host as { network?: HostNetwork }).network;
  if (!here) return `ssh: connect to host ${name} port ${port}: Network is unreachable`;
  const isLocal = ip.startsWith('127.') || ip === '::1' || ip === ctx.host.ip;
  const targetNet = isLocal ? here : here.network.byAddress(ip);
  const target = targetNet ? sshHosts.get(targetNet) : undefined;
  if (!targetNet) return `ssh: connect to host ${name} port ${port}: No route to host`;
  if (!target || port !== 22) return `ssh: connect to host ${name} port ${port}: Connection refused`;
  const verdict = here.network.verdict(here, targetNet, port);
  if (verdict === 'reject') return `ssh: connect to host ${name} port ${port}: Connection refused`;
  if (verdict === 'drop') return `ssh: connect to host ${name} port ${port}: Connection timed out`;
  return target;
}

function nextPts(target: Host): string {
  let max = -1;
  for (const p of target.processes()) {
    const m = /^pts\/(\d+)$/.exec(p.tty ?? '');
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `pts/${max + 1}`;
}

export const ssh: Command = {
  name: 'ssh',
  summary: 'OpenSSH remote login client',
  async run(ctx) {
    const o = parse(ctx.argv);
    if (typeof o === 'string') {
      await ctx.stderr.write(o);
      return 255;
    }
    const target = reachHost(ctx, o.dest, o.port);
    if (typeof target === 'string') {
      await ctx.stderr.write(`${target}\n`);
      return 255;
    }
    const me = ctx.proc.cred;
    const userName = o.user ?? me.user;
    const cred: Credentials | undefined = target.users.credentials(userName);
    // Keys are implied: your own account everywhere, and root may log in as anyone.
    if (!cred || (me.uid !== 0 && userName !== me.user)) {
      await ctx.stderr.write(`${userName}@${o.dest}: Permission denied (publickey).\n`);
      return 255;
    }
    const account = target.users.byName(userName)!;
    if (/nologin$|\/false$/.test(account.shell)) {
      await ctx.stdout.write('This account is currently not available.\n');
      return 1;
    }
    const sshEnv = {
      SSH_CLIENT: `${ctx.host.ip} 50022 22`,
      SSH_CONNECTION: `${ctx.host.ip} 50022 ${target.ip} 22`,
      MAIL: `/var/mail/${userName}`,
    };
    const interactive = o.command.length === 0 && !o.noTty && (ctx.stdin.isTTY || o.forceTty);
    if (interactive) {
      const banner = motdFor(target) + lastLogin(target, userName, ctx.host.ip);
      if (!o.quiet) await ctx.stdout.write(banner.replace(/\n/g, '\r\n'));
      const code = await attachTerminalSession({
        host: target,
        user: userName,
        ttyName: nextPts(target),
        env: { ...sshEnv, SSH_TTY: '/dev/pts/0' },
        login: true,
        stdin: ctx.stdin,
        stdout: ctx.stdout,
        signal: ctx.signal,
      });
      if (!o.quiet) await ctx.stderr.write(`Connection to ${o.dest} closed.\r\n`);
      return code;
    }
    if (o.command.length === 0 && !o.quiet) await ctx.stderr.write('Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n');
    const shellName = account.shell.split('/').pop() ?? 'bash';
    const shellCmd = target.resolveProgram(account.shell, { path: DEFAULT_USER_PATH, cwd: '/', cred });
    if (!shellCmd.ok) {
      await ctx.stderr.write(`${account.shell}: No such file or directory\n`);
      return 127;
    }
    // sshd runs the user's shell: with -c for a command, as a login shell reading stdin otherwise.
    const argv = o.command.length ? [shellName, '-c', o.command.join(' ')] : [`-${shellName}`];
    const env = {
      HOME: account.home,
      USER: userName,
      LOGNAME: userName,
      SHELL: account.shell,
      PATH: cred.uid === 0 ? DEFAULT_ROOT_PATH : DEFAULT_USER_PATH,
      LANG: 'C.UTF-8',
      ...sshEnv,
    };
    let home = account.home;
    try {
      if (target.fsFor(cred).stat(home).type !== 'dir') home = '/';
    } catch {
      await ctx.stderr.write(`Could not chdir to home directory ${account.home}: No such file or directory\n`);
      home = '/';
    }
    const proc = target.start({
      command: shellCmd.command,
      argv,
      env,
      cwd: home,
      cred,
      stdin: ctx.stdin ?? emptyInput,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      ppid: 1,
      detached: true,
    });
    const onAbort = () => proc.kill('SIGHUP');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await proc.exited;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      // The channel closed: what the session left behind gets SIGHUP (nohup/setsid survive).
      (target as { hangup?: (sid: number) => void }).hangup?.(proc.info.pid);
    }
  },
};
