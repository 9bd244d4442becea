// usermod (shadow 4.13): change an account — supplementary groups (-G, with -a to append,
// -r to remove), primary group (-g), shell (-s), home (-d), comment (-c), lock (-L/-U).
// `sudo usermod -aG etcd learner` is the common use; takes effect at the next login.
import type { Command } from '../types.ts';
import { AccountFiles } from './useradd.ts';

const USAGE = `Usage: usermod [options] LOGIN

Options:
  -a, --append                  append the user to the supplemental GROUPS
                                mentioned by the -G option without removing
                                the user from other groups
  -c, --comment COMMENT         new value of the GECOS field
  -d, --home HOME_DIR           new home directory for the user account
  -g, --gid GROUP               force use GROUP as new primary group
  -G, --groups GROUPS           new list of supplementary GROUPS
  -h, --help                    display this help message and exit
  -L, --lock                    lock the user account
  -r, --remove                  remove the user from only the supplemental GROUPS
                                mentioned by the -G option without removing
                                the user from other groups
  -s, --shell SHELL             new login shell for the user account
  -U, --unlock                  unlock the user account

`;

const LONG: Record<string, string> = { append: 'a', comment: 'c', home: 'd', gid: 'g', groups: 'G', help: 'h', lock: 'L', remove: 'r', shell: 's', unlock: 'U' };
const WITH_ARG = new Set(['c', 'd', 'g', 'G', 's']);

export const usermod: Command = {
  name: 'usermod',
  summary: 'modify a user account',
  async run(ctx) {
    const set = new Map<string, string | true>();
    const names: string[] = [];
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const letters: { c: string; inline?: string }[] = [];
      if (a.startsWith('--')) {
        const [n, v] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
        const c = LONG[n];
        if (!c) {
          await ctx.stderr.write(`usermod: unrecognized option '${a}'\n${USAGE}`);
          return 2;
        }
        letters.push({ c, inline: v });
      } else if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if (WITH_ARG.has(c) && a.length > j + 1) {
            letters.push({ c, inline: a.slice(j + 1) });
            break;
          }
          letters.push({ c });
        }
      } else {
        names.push(a);
        continue;
      }
      for (const { c, inline } of letters) {
        if (c === 'h') {
          await ctx.stdout.write(USAGE);
          return 0;
        }
        if (!'acdgGLrsU'.includes(c)) {
          await ctx.stderr.write(`usermod: invalid option -- '${c}'\n${USAGE}`);
          return 2;
        }
        if (WITH_ARG.has(c)) {
          const v = inline ?? args[++i];
          if (v === undefined) {
            await ctx.stderr.write(`usermod: option requires an argument -- '${c}'\n${USAGE}`);
            return 2;
          }
          set.set(c, v);
        } else set.set(c, true);
      }
    }
    if (names.length !== 1) {
      await ctx.stderr.write(USAGE);
      return 2;
    }
    const name = names[0]!;
    if (ctx.proc.cred.uid !== 0) {
      await ctx.stderr.write('usermod: Permission denied.\nusermod: cannot lock /etc/passwd; try again later.\n');
      return 1;
    }
    const files = new AccountFiles(ctx);
    const user = files.users().find((u) => u.name === name);
    if (!user) {
      await ctx.stderr.write(`usermod: user '${name}' does not exist\n`);
      return 6;
    }
    const groups = files.groups();
    const find = (g: string) => groups.find((x) => x.name === g || (/^\d+$/.test(g) && x.gid === Number(g)));
    if ((set.has('a') || set.has('r')) && !set.has('G')) {
      await ctx.stderr.write(`usermod: ${set.has('a') ? '-a' : '-r'} flag is only allowed with the -G flag\n${USAGE}`);
      return 2;
    }
    const wanted = set.has('G') ? String(set.get('G')).split(',').filter(Boolean) : [];
    for (const g of wanted) {
      if (!find(g)) {
        await ctx.stderr.write(`usermod: group '${g}' does not exist\n`);
        return 6;
      }
    }
    const primary = set.has('g') ? find(String(set.get('g'))) : undefined;
    if (set.has('g') && !primary) {
      await ctx.stderr.write(`usermod: group '${set.get('g')}' does not exist\n`);
      return 6;
    }
    if (set.has('G')) {
      const names = wanted.map((g) => find(g)!.name);
      if (set.has('r')) for (const g of names) files.removeMember(g, name);
      else {
        if (!set.has('a')) for (const g of groups) if (g.members.includes(name) && !names.includes(g.name)) files.removeMember(g.name, name);
        for (const g of names) files.addMember(g, name);
      }
    }
    if (primary) files.setPasswdField(name, 3, String(primary.gid));
    if (set.has('c')) files.setPasswdField(name, 4, String(set.get('c')));
    if (set.has('d')) files.setPasswdField(name, 5, String(set.get('d')));
    if (set.has('s')) files.setPasswdField(name, 6, String(set.get('s')));
    if (set.has('L')) files.setLocked(name, true);
    if (set.has('U')) files.setLocked(name, false);
    return 0;
  },
};
