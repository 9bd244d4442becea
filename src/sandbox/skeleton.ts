// A fresh Debian 12 host: the directory tree, users root and learner (passwordless sudo),
// /etc as a learner expects to find it, and a program file in /usr/bin for every base
// program. etcd and friends are NOT installed: a lesson installs them (or a lab does).
import type { FileSystem } from '../platform/filesystem.ts';
import { installProgram, type ProgramRegistry } from './programs.ts';
import { ETC_SERVICES } from './etc-services.ts';
import { sandboxFs, VfsView } from './vfs-view.ts';

export interface SkeletonOptions {
  hostname: string;
  /** Every lab host, for /etc/hosts. */
  hosts: readonly { name: string; ip: string }[];
  programs: ProgramRegistry;
}

/** Programs that come with a lesson, not with the base system. */
export const NOT_PREINSTALLED = new Set(['etcd', 'etcdctl', 'etcdutl', 'kubectl', 'kube-apiserver']);
/** Programs Debian keeps in /usr/sbin. */
const SBIN = new Set(['adduser', 'addgroup', 'useradd', 'usermod', 'userdel', 'groupadd', 'deluser', 'nologin']);

export const LEARNER = { name: 'learner', uid: 1000, gid: 1000, home: '/home/learner' };

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:100:107::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
learner:x:1000:1000:Learner,,,:/home/learner:/bin/bash
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
mail:x:8:
man:x:12:
sudo:x:27:learner
audio:x:29:
www-data:x:33:
shadow:x:42:
utmp:x:43:
staff:x:50:
users:x:100:
systemd-journal:x:999:
systemd-network:x:998:
messagebus:x:107:
nogroup:x:65534:
learner:x:1000:
`;

const SHADOW = PASSWD.split('\n')
  .filter(Boolean)
  .map((l) => `${l.split(':')[0]}:${l.startsWith('root:') || l.startsWith('learner:') ? '!' : '*'}:19700:0:99999:7:::`)
  .join('\n');

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const PROFILE = `# /etc/profile: read by login shells of every user.
if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin"
fi
export PATH

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r "$i" ]; then
      . "$i"
    fi
  done
  unset i
fi
`;

const BASH_BASHRC = `# /etc/bash.bashrc: read by every interactive bash.
[ -z "$PS1" ] && return
PS1='\\u@\\h:\\w\\$ '
`;

const SKEL_BASHRC = `# ~/.bashrc: read by interactive non-login shells.
case $- in
  *i*) ;;
  *) return ;;
esac

HISTCONTROL=ignoreboth
HISTSIZE=1000
HISTFILESIZE=2000

PS1='\\u@\\h:\\w\\$ '

alias ll='ls -l'
alias la='ls -A'
`;

const SKEL_PROFILE = `# ~/.profile: read by login shells.
if [ -n "$BASH_VERSION" ]; then
  if [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
  fi
fi

if [ -d "$HOME/bin" ]; then
  PATH="$HOME/bin:$PATH"
fi
if [ -d "$HOME/.local/bin" ]; then
  PATH="$HOME/.local/bin:$PATH"
fi
`;

const SKEL_LOGOUT = `# ~/.bash_logout: read when a login shell exits.
`;

const SUDOERS = `# /etc/sudoers: who may run what as whom (edit with visudo).
Defaults\tenv_reset
Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

root\tALL=(ALL:ALL) ALL
%sudo\tALL=(ALL:ALL) ALL

@includedir /etc/sudoers.d
`;

function hostsFile(hosts: SkeletonOptions['hosts']): string {
  const lab = hosts.map((h) => `${h.ip}\t${h.name}`).join('\n');
  return `127.0.0.1\tlocalhost\n${lab}\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n`;
}

/** Lays a fresh Debian-like tree onto an empty disk (as root, through the kernel view). */
export function buildSkeleton(disk: FileSystem, opts: SkeletonOptions): void {
  const fs = sandboxFs(disk);
  const dir = (p: string, mode = 0o755, uid = 0, gid = 0) => {
    fs.mkdir(p, { recursive: true });
    fs.chmod(p, mode);
    fs.chown(p, uid, gid);
  };
  const file = (p: string, text: string, mode = 0o644, uid = 0, gid = 0) => {
    fs.writeFile(p, text, { mode });
    fs.chmod(p, mode);
    fs.chown(p, uid, gid);
  };

  for (const d of ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/share', '/usr/lib/systemd/system']) dir(d);
  fs.symlink('usr/bin', '/bin');
  fs.symlink('usr/sbin', '/sbin');
  fs.symlink('usr/lib', '/lib');
  for (const d of ['/etc/default', '/etc/systemd/system', '/etc/profile.d', '/etc/skel', '/etc/bash_completion.d', '/usr/share/bash-completion/completions', '/etc/ssl/certs', '/opt', '/srv', '/mnt', '/media', '/dev', '/var/lib', '/var/log', '/var/cache', '/var/mail', '/var/spool', '/var/www', '/run', '/run/user', '/boot']) dir(d);
  dir('/etc/sudoers.d', 0o750);
  dir('/root', 0o700);
  dir('/tmp', 0o1777);
  dir('/var/tmp', 0o1777);
  dir('/var/log/journal', 0o2755, 0, 999);
  fs.symlink('/run', '/var/run');
  if (disk instanceof VfsView) {
    disk.vfs.mknod('/dev/null', 'null');
    disk.vfs.mknod('/dev/zero', 'zero');
    disk.vfs.mknod('/dev/urandom', 'random');
    disk.vfs.mknod('/dev/random', 'random');
  }

  file('/etc/passwd', PASSWD);
  file('/etc/group', GROUP);
  file('/etc/shadow', SHADOW + '\n', 0o640, 0, 42);
  file('/etc/gshadow', GROUP.replace(/:x:\d+:/g, ':!::'), 0o640, 0, 42);
  file('/etc/hostname', `${opts.hostname}\n`);
  file('/etc/hosts', hostsFile(opts.hosts));
  file('/etc/os-release', OS_RELEASE);
  file('/etc/debian_version', '12.7\n');
  file('/etc/shells', '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n');
  file('/etc/profile', PROFILE);
  file('/etc/bash.bashrc', BASH_BASHRC);
  file('/etc/environment', '');
  file('/etc/resolv.conf', 'nameserver 10.0.0.1\n');
  file('/etc/services', ETC_SERVICES);
  file('/etc/machine-id', machineId(opts.hostname) + '\n');
  file('/etc/sudoers', SUDOERS, 0o440);
  file('/etc/sudoers.d/90-learner', 'learner ALL=(ALL) NOPASSWD:ALL\n', 0o440);
  file('/etc/skel/.bashrc', SKEL_BASHRC);
  file('/etc/skel/.profile', SKEL_PROFILE);
  file('/etc/skel/.bash_logout', SKEL_LOGOUT);
  file('/root/.bashrc', SKEL_BASHRC);
  file('/root/.profile', SKEL_PROFILE);

  dir(LEARNER.home, 0o755, LEARNER.uid, LEARNER.gid);
  for (const f of ['.bashrc', '.profile', '.bash_logout']) {
    const text = f === '.bashrc' ? SKEL_BASHRC : f === '.profile' ? SKEL_PROFILE : SKEL_LOGOUT;
    file(`${LEARNER.home}/${f}`, text, 0o644, LEARNER.uid, LEARNER.gid);
  }

  for (const [name] of opts.programs) {
    if (NOT_PREINSTALLED.has(name)) continue;
    const d = SBIN.has(name) ? '/usr/sbin' : '/usr/bin';
    installProgram(fs, `${d}/${name}`, name);
  }
  // Debian's /bin/sh is dash; here it is the shell's sh personality, or bash itself.
  if (opts.programs.has('bash') && !opts.programs.has('sh')) fs.symlink('bash', '/usr/bin/sh');
}

/** A stable 32-hex-digit id per host name (systemd's machine-id format). */
function machineId(hostname: string): string {
  let h1 = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 4; round++) {
    for (const ch of `${hostname}/${round}`) h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h1.toString(16).padStart(8, '0');
  }
  return out;
}
