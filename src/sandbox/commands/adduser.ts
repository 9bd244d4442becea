// adduser (Debian adduser 3.134): the friendly front end. System users
// (`adduser --system --group --disabled-login --disabled-password --home /var/lib/etcd etcd`),
// normal users (non-interactive with --disabled-password and --gecos), and
// `adduser USER GROUP`, with adduser's messages, its re-run behaviour and exit codes.
import type { Command, CommandContext } from '../types.ts';
import { AccountFiles, SYS_MAX, SYS_MIN, USER_MAX, USER_MIN } from './useradd.ts';

const BAD_CHARS = `To avoid problems, the username must not start with a
            dash, plus sign, or tilde, and it must not contain any of the
            following: colon, comma, slash, or any whitespace characters
            including spaces, tabs, and newlines.`;

const NAME_REGEX = /^[a-z][-a-z0-9_]*\$?$/;
const SYS_NAME_REGEX = /^[a-z_][-a-z0-9_]*\$?$/;

interface Opts {
  system: boolean;
  group: boolean;
  home?: string;
  noCreateHome: boolean;
  shell?: string;
  disabledLogin: boolean;
  disabledPassword: boolean;
  gecos?: string;
  ingroup?: string;
  uid?: number;
  gid?: number;
  quiet: boolean;
  badNames: boolean;
  names: string[];
}

export const adduser: Command = {
  name: 'adduser',
  summary: 'add a user or group to the system',
  async run(ctx) {
    const o: Opts = { system: false, group: false, noCreateHome: false, disabledLogin: false, disabledPassword: false, quiet: false, badNames: false, names: [] };
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = () => inline ?? args[++i] ?? '';
      switch (flag) {
        case '--system':
          o.system = true;
          break;
        case '--group':
          o.group = true;
          break;
        case '--home':
          o.home = value();
          break;
        case '--no-create-home':
          o.noCreateHome = true;
          break;
        case '--shell':
          o.shell = value();
          break;
        case '--disabled-login':
          o.disabledLogin = true;
          break;
        case '--disabled-password':
          o.disabledPassword = true;
          break;
        case '--gecos':
        case '--comment':
          o.gecos = value();
          break;
        case '--ingroup':
          o.ingroup = value();
          break;
        case '--uid':
          o.uid = Number(value());
          break;
        case '--gid':
          o.gid = Number(value());
          break;
        case '--quiet':
        case '-q':
          o.quiet = true;
          break;
        case '--force-badname':
        case '--allow-badname':
        case '--allow-bad-names':
          o.badNames = true;
          break;
        case '--debug':
        case '--verbose':
        case '--firstuid':
        case '--lastuid':
          break;
        case '--help':
        case '-h':
          await ctx.stdout.write(`adduser [--uid id] [--firstuid id] [--lastuid id]\n        [--gid id] [--firstgid id] [--lastgid id] [--ingroup group]\n        [--add-extra-groups] [--shell shell]\n        [--comment comment] [--home dir] [--no-create-home]\n        [--allow-all-names] [--allow-bad-names]\n        [--disabled-password] [--disabled-login]\n        [--conf file] [--quiet] [--verbose] [--debug]\n        user\n    Add a normal user\n\nadduser --system\n        [--uid id] [--group] [--ingroup group] [--gid id]\n        [--shell shell] [--comment comment] [--home dir] [--no-create-home]\n        [--conf file] [--quiet] [--verbose] [--debug]\n        user\n   Add a system user\n\nadduser --group\n        [--gid id] [--firstgid id] [--lastgid id]\n        [--conf file] [--quiet] [--verbose] [--debug]\n        group\naddgroup\n        [--gid id] [--firstgid id] [--lastgid id]\n        [--conf file] [--quiet] [--verbose] [--debug]\n        group\n   Add a user group\n\naddgroup --system\n        [--gid id]\n        [--conf file] [--quiet] [--verbose] [--debug]\n        group\n   Add a system group\n\nadduser USER GROUP\n   Add an existing user to an existing group\n`);
          return 0;
        default:
          if (a.startsWith('-')) {
            await ctx.stderr.write(`Unknown option: ${a.replace(/^-+/, '')}\nadduser [--uid id] [--firstuid id] [--lastuid id] ... user\n`);
            return 1;
          }
          o.names.push(a);
      }
    }
    const say = async (s: string) => {
      if (!o.quiet) await ctx.stdout.write(s);
    };
    const fail = async (s: string, status = 1) => {
      await ctx.stderr.write(`adduser: ${s}\n`);
      return status;
    };
    if (ctx.proc.cred.uid !== 0) return fail('Only root may add a user or group to the system.');
    if (o.names.length === 0 || o.names.length > 2) return fail('Only one or two names allowed.');
    const files = new AccountFiles(ctx);
    if (o.names.length === 2) return addToGroup(files, o.names[0]!, o.names[1]!, say, fail);
    const name = o.names[0]!;
    if (/^[-+~]/.test(name) || /[:,/\s]/.test(name)) return fail(BAD_CHARS);
    if (!o.badNames && !(o.system ? SYS_NAME_REGEX : NAME_REGEX).test(name)) {
      return fail(`Please enter a username matching the regular expression\n            configured via the ${o.system ? 'SYS_NAME_REGEX' : 'NAME_REGEX'} configuration variable.  Use the\n            \`--allow-bad-names' option to relax this check or reconfigure\n            ${o.system ? 'SYS_NAME_REGEX' : 'NAME_REGEX'} in configuration.`);
    }
    // Only --group with no --system: a new group (addgroup).
    if (o.group && !o.system) return addGroupOnly(ctx, files, name, o, say, fail);
    const existing = files.users().find((u) => u.name === name);
    if (o.system && o.home && !o.noCreateHome && ctx.host.rootFs.exists(o.home)) await ctx.stderr.write(`adduser: Warning: The home dir ${o.home} you specified already exists.\n`);
    if (existing) {
      if (o.system) {
        if (existing.uid < SYS_MIN || existing.uid > SYS_MAX) return fail(`The user \`${name}' already exists, but is not a system user. Exiting.`);
        await say(`The system user \`${name}' already exists. Exiting.\n`);
        return 0;
      }
      return fail(`The user \`${name}' already exists.`);
    }
    return o.system ? addSystemUser(files, ctx, name, o, say, fail) : addNormalUser(files, ctx, name, o, say, fail);
  },
};

type Say = (s: string) => Promise<void>;
type Fail = (s: string, status?: number) => Promise<number>;

async function addToGroup(files: AccountFiles, user: string, group: string, say: Say, fail: Fail): Promise<number> {
  if (!files.users().some((u) => u.name === user)) return fail(`The user \`${user}' does not exist.`);
  const g = files.groups().find((x) => x.name === group);
  if (!g) return fail(`The group \`${group}' does not exist.`);
  if (g.members.includes(user)) {
    await fail(`The user \`${user}' is already a member of \`${group}'.`);
    return 0;
  }
  await say(`Adding user \`${user}' to group \`${group}' ...\n`);
  files.addMember(group, user);
  await say('Done.\n');
  return 0;
}

async function addGroupOnly(ctx: CommandContext, files: AccountFiles, name: string, o: Opts, say: Say, fail: Fail): Promise<number> {
  if (files.groups().some((g) => g.name === name)) return fail(`The group \`${name}' already exists.`);
  const gid = o.gid ?? files.freeId('gid', USER_MIN, USER_MAX);
  if (gid === undefined) return fail('No GID is available in the range 1000-59999 (FIRST_GID - LAST_GID).');
  await say(`Adding group \`${name}' (GID ${gid}) ...\n`);
  files.addGroup(name, gid);
  await say('Done.\n');
  void ctx;
  return 0;
}

async function addSystemUser(files: AccountFiles, ctx: CommandContext, name: string, o: Opts, say: Say, fail: Fail): Promise<number> {
  const uid = o.uid ?? files.freeId('uid', SYS_MIN, SYS_MAX);
  if (uid === undefined) return fail('No UID is available in the range 100-999 (FIRST_SYS_UID - LAST_SYS_UID).');
  let gid: number;
  let groupName: string;
  if (o.group) {
    const existing = files.groups().find((g) => g.name === name);
    if (existing) return fail(`The group \`${name}' already exists.`);
    gid = o.gid ?? files.freeId('gid', SYS_MIN, SYS_MAX)!;
    groupName = name;
  } else if (o.ingroup) {
    const g = files.groups().find((x) => x.name === o.ingroup);
    if (!g) return fail(`The group \`${o.ingroup}' does not exist.`);
    gid = g.gid;
    groupName = g.name;
  } else {
    gid = o.gid ?? 65534;
    groupName = files.groups().find((g) => g.gid === gid)?.name ?? 'nogroup';
  }
  await say(`Adding system user \`${name}' (UID ${uid}) ...\n`);
  if (o.group) {
    await say(`Adding new group \`${name}' (GID ${gid}) ...\n`);
    files.addGroup(name, gid);
  }
  await say(`Adding new user \`${name}' (UID ${uid}) with group \`${groupName}' ...\n`);
  const home = o.home ?? '/nonexistent';
  files.addUser({ name, uid, gid, gecos: o.gecos ?? '', home, shell: o.shell ?? '/usr/sbin/nologin' }, true);
  if (!o.noCreateHome && home !== '/nonexistent') {
    if (ctx.host.rootFs.exists(home)) await say(`Not creating home directory \`${home}'.\n`);
    else {
      await say(`Creating home directory \`${home}' ...\n`);
      files.makeHome(home, uid, gid, false);
    }
  } else if (home === '/nonexistent') await say(`Not creating \`/nonexistent'.\n`);
  return 0;
}

async function addNormalUser(files: AccountFiles, ctx: CommandContext, name: string, o: Opts, say: Say, fail: Fail): Promise<number> {
  if (!o.disabledPassword && !o.disabledLogin) {
    // A real adduser would now ask for a password on the terminal; the sandbox has no passwords.
    return fail('Interactive passwords are not supported here: use --disabled-password (ssh keys are implied).');
  }
  const uid = o.uid ?? files.freeId('uid', USER_MIN, USER_MAX);
  if (uid === undefined) return fail('No UID is available in the range 1000-59999 (FIRST_UID - LAST_UID).');
  await say(`Adding user \`${name}' ...\n`);
  let gid: number;
  let groupLabel: string;
  if (o.ingroup) {
    const g = files.groups().find((x) => x.name === o.ingroup);
    if (!g) return fail(`The group \`${o.ingroup}' does not exist.`);
    gid = g.gid;
    groupLabel = `${g.name}`;
  } else {
    if (files.groups().some((g) => g.name === name)) return fail(`The group \`${name}' already exists.`);
    gid = o.gid ?? (files.groups().some((g) => g.gid === uid) ? files.freeId('gid', USER_MIN, USER_MAX)! : uid);
    await say(`Adding new group \`${name}' (${gid}) ...\n`);
    files.addGroup(name, gid);
    groupLabel = `${name} (${gid})`;
  }
  await say(`Adding new user \`${name}' (${uid}) with group \`${groupLabel}' ...\n`);
  const home = o.home ?? `/home/${name}`;
  files.addUser({ name, uid, gid, gecos: o.gecos ?? ',,,', home, shell: o.shell ?? '/bin/bash' }, false);
  if (!o.noCreateHome) {
    if (ctx.host.rootFs.exists(home)) await say(`The home directory \`${home}' already exists.  Not touching this directory.\n`);
    else {
      await say(`Creating home directory \`${home}' ...\n`);
      await say(`Copying files from \`/etc/skel' ...\n`);
      files.makeHome(home, uid, gid, true);
    }
  }
  if (files.groups().some((g) => g.name === 'users')) {
    await say(`Adding new user \`${name}' to supplemental / extra groups \`users' ...\n`);
    await say(`Adding user \`${name}' to group \`users' ...\n`);
    files.addMember('users', name);
  }
  return 0;
}
