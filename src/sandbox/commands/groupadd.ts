// groupadd (shadow 4.13): a new group in /etc/group and /etc/gshadow; -r for a system
// group (highest free GID in 100–999), -g GID, -f (exit 0 when it exists).
import type { Command } from '../types.ts';
import { AccountFiles, SYS_MAX, SYS_MIN, USER_MAX, USER_MIN, validShadowName } from './useradd.ts';

const USAGE = `Usage: groupadd [options] GROUP

Options:
  -f, --force                   exit successfully if the group already exists,
                                and cancel -g if the GID is already used
  -g, --gid GID                 use GID for the new group
  -h, --help                    display this help message and exit
  -o, --non-unique              allow to create groups with duplicate
                                (non-unique) GID
  -r, --system                  create a system account

`;

export const groupadd: Command = {
  name: 'groupadd',
  summary: 'create a new group',
  async run(ctx) {
    let system = false;
    let force = false;
    let gid: number | undefined;
    const names: string[] = [];
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-h' || a === '--help') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a === '-r' || a === '--system') system = true;
      else if (a === '-f' || a === '--force') force = true;
      else if (a === '-o' || a === '--non-unique') continue;
      else if (a === '-g' || a === '--gid' || a.startsWith('--gid=') || /^-g\d/.test(a)) {
        const v = a.startsWith('--gid=') ? a.slice(6) : /^-g\d/.test(a) ? a.slice(2) : args[++i];
        if (v === undefined || !/^\d+$/.test(v)) {
          await ctx.stderr.write(`groupadd: invalid group ID '${v ?? ''}'\n`);
          return 3;
        }
        gid = Number(v);
      } else if (a.startsWith('-')) {
        await ctx.stderr.write(`groupadd: invalid option -- '${a.replace(/^-+/, '')[0]}'\n${USAGE}`);
        return 2;
      } else names.push(a);
    }
    if (names.length !== 1) {
      await ctx.stderr.write(USAGE);
      return 2;
    }
    const name = names[0]!;
    if (ctx.proc.cred.uid !== 0) {
      await ctx.stderr.write('groupadd: Permission denied.\ngroupadd: cannot lock /etc/group; try again later.\n');
      return 10;
    }
    if (!validShadowName(name)) {
      await ctx.stderr.write(`groupadd: '${name}' is not a valid group name\n`);
      return 3;
    }
    const files = new AccountFiles(ctx);
    if (files.groups().some((g) => g.name === name)) {
      if (force) return 0;
      await ctx.stderr.write(`groupadd: group '${name}' already exists\n`);
      return 9;
    }
    if (gid !== undefined && files.groups().some((g) => g.gid === gid)) {
      if (force) gid = undefined;
      else {
        await ctx.stderr.write(`groupadd: GID '${gid}' already exists\n`);
        return 4;
      }
    }
    const id = gid ?? (system ? files.freeId('gid', SYS_MIN, SYS_MAX, true) : files.freeId('gid', USER_MIN, USER_MAX));
    if (id === undefined) {
      await ctx.stderr.write(`groupadd: can't create group\n`);
      return 4;
    }
    files.addGroup(name, id);
    return 0;
  },
};
