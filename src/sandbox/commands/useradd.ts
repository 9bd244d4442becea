// useradd (shadow 4.13): the low-level account tool, and the account-file helpers adduser
// and groupadd share: /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow edited on the
// host's disk (the host's UserDatabase reads them back at once), id allocation as Debian's
// login.defs sets it (users from 1000, system accounts 100–999).
import { bytesToString } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { sandboxFs } from '../vfs-view.ts';
import { parseGroup, parsePasswd } from '../users.ts';

export const SYS_MIN = 100;
export const SYS_MAX = 999;
export const USER_MIN = 1000;
export const USER_MAX = 60000;

/** The account files through the kernel's view (programs check root themselves, as setuid tools do). */
export class AccountFiles {
  constructor(private readonly ctx: CommandContext) {}

  private get fs() {
    return this.ctx.host.rootFs;
  }

  read(path: string): string {
    try {
      return bytesToString(this.fs.readFile(path));
    } catch {
      return '';
    }
  }

  private append(path: string, line: string): void {
    const text = this.read(path);
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    this.fs.writeFile(path, `${text}${sep}${line}\n`);
  }

  users() {
    return parsePasswd(this.read('/etc/passwd'));
  }
  groups() {
    return parseGroup(this.read('/etc/group'));
  }

  /** Lowest (or highest) unused id in [min, max] among both files' ids. */
  freeId(kind: 'uid' | 'gid', min: number, max: number, highest = false): number | undefined {
    const used = new Set(kind === 'uid' ? this.users().map((u) => u.uid) : this.groups().map((g) => g.gid));
    if (highest) {
      for (let i = max; i >= min; i--) if (!used.has(i)) return i;
    } else for (let i = min; i <= max; i++) if (!used.has(i)) return i;
    return undefined;
  }

  daysSinceEpoch(): number {
    return Math.floor(this.ctx.clock.now() / 86_400_000);
  }

  addGroup(name: string, gid: number): void {
    this.append('/etc/group', `${name}:x:${gid}:`);
    this.append('/etc/gshadow', `${name}:!::`);
  }

  addUser(u: { name: string; uid: number; gid: number; gecos: string; home: string; shell: string }, system: boolean): void {
    this.append('/etc/passwd', `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}`);
    this.append('/etc/shadow', system ? `${u.name}:!:${this.daysSinceEpoch()}::::::` : `${u.name}:!:${this.daysSinceEpoch()}:0:99999:7:::`);
  }

  /** Adds user to a group's member list (group and gshadow). */
  addMember(group: string, user: string): void {
    for (const path of ['/etc/group', '/etc/gshadow']) {
      const text = this.read(path);
      if (!text) continue;
      const lines = text.split('\n').map((line) => {
        const f = line.split(':');
        if (f[0] !== group || f.length < 4) return line;
        const members = f[3]!.split(',').filter(Boolean);
        if (!members.includes(user)) members.push(user);
        f[3] = members.join(',');
        return f.join(':');
      });
      this.fs.writeFile(path, lines.join('\n'));
    }
  }

  /** Removes user from a group's member list (group and gshadow). */
  removeMember(group: string, user: string): void {
    for (const path of ['/etc/group', '/etc/gshadow']) {
      const text = this.read(path);
      if (!text) continue;
      const lines = text.split('\n').map((line) => {
        const f = line.split(':');
        if (f[0] !== group || f.length < 4) return line;
        f[3] = f[3]!.split(',').filter((m) => m && m !== user).join(',');
        return f.join(':');
      });
      this.fs.writeFile(path, lines.join('\n'));
    }
  }

  /** Rewrites one field of a user's /etc/passwd line (0 name … 6 shell). */
  setPasswdField(user: string, field: number, value: string): void {
    const lines = this.read('/etc/passwd').split('\n').map((line) => {
      const f = line.split(':');
      if (f[0] !== user || f.length < 7) return line;
      f[field] = value;
      return f.join(':');
    });
    this.fs.writeFile('/etc/passwd', lines.join('\n'));
  }

  /** Locks (prefix '!') or unlocks a user's password in /etc/shadow. */
  setLocked(user: string, locked: boolean): void {
    const lines = this.read('/etc/shadow').split('\n').map((line) => {
      const f = line.split(':');
      if (f[0] !== user || f.length < 2) return line;
      f[1] = locked ? (f[1]!.startsWith('!') ? f[1]! : `!${f[1]}`) : f[1]!.replace(/^!/, '');
      return f.join(':');
    });
    this.fs.writeFile('/etc/shadow', lines.join('\n'));
  }

  /** mkdir home (and copy /etc/skel when asked), owned by the new user. */
  makeHome(home: string, uid: number, gid: number, copySkel: boolean): void {
    const fs = sandboxFs(this.fs);
    fs.mkdir(home, { recursive: true });
    fs.chmod(home, 0o755);
    fs.chown(home, uid, gid);
    if (!copySkel) return;
    let names: string[] = [];
    try {
      names = fs.readdir('/etc/skel');
    } catch {
      return;
    }
    for (const n of names) {
      const src = `/etc/skel/${n}`;
      if (fs.stat(src).type !== 'file') continue;
      fs.writeFile(`${home}/${n}`, fs.readFile(src));
      fs.chmod(`${home}/${n}`, fs.stat(src).mode & 0o7777);
      fs.chown(`${home}/${n}`, uid, gid);
    }
  }
}

/** shadow-utils' default name rule (is_valid_user_name). */
export const validShadowName = (n: string) => /^[a-z_][a-z0-9_-]*\$?$/i.test(n) && n.length <= 32 && !/^\d+$/.test(n);

const USAGE = `Usage: useradd [options] LOGIN
       useradd -D
       useradd -D [options]

Options:
      --badname                 do not check for bad names
  -c, --comment COMMENT         GECOS field of the new account
  -d, --home-dir HOME_DIR       home directory of the new account
  -g, --gid GROUP               name or ID of the primary group of the new
                                account
  -G, --groups GROUPS           list of supplementary groups of the new
                                account
  -h, --help                    display this help message and exit
  -m, --create-home             create the user's home directory
  -M, --no-create-home          do not create the user's home directory
  -N, --no-user-group           do not create a group with the same name as
                                the user
  -r, --system                  create a system account
  -s, --shell SHELL             login shell of the new account
  -u, --uid UID                 user ID of the new account
  -U, --user-group              create a group with the same name as the user

`;

export const useradd: Command = {
  name: 'useradd',
  summary: 'create a new user or update default new user information',
  async run(ctx) {
    const o = { system: false, createHome: false, userGroup: true, badname: false, home: undefined as string | undefined, shell: '/bin/sh', gid: undefined as string | undefined, groups: [] as string[], uid: undefined as number | undefined, comment: '' };
    const names: string[] = [];
    const args = ctx.argv.slice(1);
    const err = (s: string) => ctx.stderr.write(s);
    const WITH_ARG: Record<string, string> = { c: 'comment', d: 'home-dir', g: 'gid', G: 'groups', s: 'shell', u: 'uid', k: 'skel', e: 'expiredate', f: 'inactive', p: 'password', K: 'key', b: 'base-dir' };
    const set = (name: string, v: string | undefined) => {
      switch (name) {
        case 'comment': o.comment = v!; break;
        case 'home-dir': o.home = v; break;
        case 'gid': o.gid = v; break;
        case 'groups': o.groups = v!.split(',').filter(Boolean); break;
        case 'shell': o.shell = v!; break;
        case 'uid': o.uid = Number(v); break;
        case 'system': o.system = true; break;
        case 'create-home': o.createHome = true; break;
        case 'no-create-home': o.createHome = false; break;
        case 'user-group': o.userGroup = true; break;
        case 'no-user-group': o.userGroup = false; break;
        case 'badname': o.badname = true; break;
        default: break;
      }
    };
    const SHORT: Record<string, string> = { r: 'system', m: 'create-home', M: 'no-create-home', U: 'user-group', N: 'no-user-group', l: 'no-log-init', o: 'non-unique' };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-h' || a === '--help') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a.startsWith('--')) {
        const [n, inline] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
        const takes = Object.values(WITH_ARG).includes(n);
        if (!takes && !Object.values(SHORT).includes(n) && n !== 'badname') {
          await err(`useradd: unrecognized option '${a}'\n${USAGE}`);
          return 2;
        }
        set(n, takes ? (inline ?? args[++i]) : undefined);
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if (WITH_ARG[c]) {
            const v = a.slice(j + 1) || args[++i];
            if (v === undefined) {
              await err(`useradd: option requires an argument -- '${c}'\n${USAGE}`);
              return 2;
            }
            set(WITH_ARG[c]!, v);
            break;
          }
          if (!SHORT[c]) {
            await err(`useradd: invalid option -- '${c}'\n${USAGE}`);
            return 2;
          }
          set(SHORT[c]!, undefined);
        }
        continue;
      }
      names.push(a);
    }
    if (names.length !== 1) {
      await err(USAGE);
      return 2;
    }
    const name = names[0]!;
    if (ctx.proc.cred.uid !== 0) {
      await err('useradd: Permission denied.\nuseradd: cannot lock /etc/passwd; try again later.\n');
      return 1;
    }
    if (!o.badname && !validShadowName(name)) {
      await err(`useradd: invalid user name '${name}': use --badname to ignore\n`);
      return 3;
    }
    const files = new AccountFiles(ctx);
    if (files.users().some((u) => u.name === name)) {
      await err(`useradd: user '${name}' already exists\n`);
      return 9;
    }
    const groups = files.groups();
    const lookupGroup = (g: string) => groups.find((x) => x.name === g || (/^\d+$/.test(g) && x.gid === Number(g)));
    let gid: number;
    let newGroup = false;
    if (o.gid !== undefined) {
      const g = lookupGroup(o.gid);
      if (!g) {
        await err(`useradd: group '${o.gid}' does not exist\n`);
        return 6;
      }
      gid = g.gid;
    } else if (o.userGroup) {
      if (groups.some((g) => g.name === name)) {
        await err(`useradd: group ${name} exists - if you want to add this user to that group, use -g.\n`);
        return 9;
      }
      newGroup = true;
      gid = -1;
    } else gid = 100;
    for (const g of o.groups) {
      if (!lookupGroup(g)) {
        await err(`useradd: group '${g}' does not exist\n`);
        return 6;
      }
    }
    const uid = o.uid ?? (o.system ? files.freeId('uid', SYS_MIN, SYS_MAX, true) : files.freeId('uid', USER_MIN, USER_MAX));
    if (uid === undefined) {
      await err(`useradd: can't create user\n`);
      return 4;
    }
    if (o.uid !== undefined && files.users().some((u) => u.uid === o.uid)) {
      await err(`useradd: UID ${o.uid} is not unique\n`);
      return 4;
    }
    if (newGroup) {
      const preferred = !files.groups().some((g) => g.gid === uid) && !o.system ? uid : undefined;
      gid = preferred ?? (o.system ? files.freeId('gid', SYS_MIN, SYS_MAX, true) : files.freeId('gid', USER_MIN, USER_MAX))!;
      files.addGroup(name, gid);
    }
    const home = o.home ?? `/home/${name}`;
    files.addUser({ name, uid, gid, gecos: o.comment, home, shell: o.shell }, o.system);
    for (const g of o.groups) files.addMember(lookupGroup(g)!.name, name);
    if (o.createHome) {
      if (ctx.host.rootFs.exists(home)) await err(`useradd: warning: the home directory ${home} already exists.\nuseradd: Not copying any file from skel directory into it.\n`);
      else files.makeHome(home, uid, gid, true);
    }
    return 0;
  },
};
