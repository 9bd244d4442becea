// install: copy files and set attributes (GNU coreutils): -m, -o, -g, -d, -D, -t, -v, -p, -C.
// `sudo install -m 755 etcd-v3.6.4-linux-amd64/{etcd,etcdctl,etcdutl} /usr/local/bin` is the lesson's.
import { dirname, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { applyMode } from './chmod.ts';
import { fsOf, HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, reason, usageError } from './common.ts';
import { planTargets } from './cp.ts';

const HELP = `Usage: install [OPTION]... [-T] SOURCE DEST
  or:  install [OPTION]... SOURCE... DIRECTORY
  or:  install [OPTION]... -t DIRECTORY SOURCE...
  or:  install [OPTION]... -d DIRECTORY...

This install program copies files (often just compiled) into destination
locations you choose.

  -C, --compare       compare content of source and destination files, and
                        if no change to the destination, do not modify it
  -d, --directory     treat all arguments as directory names; create all
                        components of the specified directories
  -D                  create all leading components of DEST except the last,
                        or all components of --target-directory,
                        then copy SOURCE to DEST
  -g, --group=GROUP   set group ownership, instead of process' current group
  -m, --mode=MODE     set permission mode (as in chmod), instead of rwxr-xr-x
  -o, --owner=OWNER   set ownership (super-user only)
  -p, --preserve-timestamps   apply access/modification times of SOURCE files
                        to corresponding destination files
  -s, --strip         strip symbol tables (accepted, nothing to strip here)
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory  treat DEST as a normal file
  -v, --verbose       print the name of each created file or directory
      --help        display this help and exit
      --version     output version information and exit
`;

export const install: Command = {
  name: 'install',
  summary: 'copy files and set attributes',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'install', {
      ...HELP_VERSION,
      b: { short: 'b' },
      compare: { short: 'C' },
      directory: { short: 'd' },
      D: { short: 'D' },
      group: { short: 'g', arg: true },
      mode: { short: 'm', arg: true },
      owner: { short: 'o', arg: true },
      'preserve-timestamps': { short: 'p' },
      strip: { short: 's' },
      'target-directory': { short: 't', arg: true },
      'no-target-directory': { short: 'T' },
      verbose: { short: 'v' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const modeSpec = args.value('mode');
    const mode = modeSpec === undefined ? 0o755 : applyMode(modeSpec, 0, false, 0);
    if (mode === undefined) {
      await ctx.stderr.write(`install: invalid mode ${lq(modeSpec!)}\n`);
      return 1;
    }
    const users = ctx.host.users;
    let uid = -1;
    let gid = -1;
    const owner = args.value('owner');
    const group = args.value('group');
    if (owner !== undefined) {
      const u = users.byName(owner);
      uid = u ? u.uid : /^\d+$/.test(owner) ? Number(owner) : NaN;
      if (Number.isNaN(uid)) {
        await ctx.stderr.write(`install: invalid user ${lq(owner)}\n`);
        return 1;
      }
    }
    if (group !== undefined) {
      const g = users.groupByName(group);
      gid = g ? g.gid : /^\d+$/.test(group) ? Number(group) : NaN;
      if (Number.isNaN(gid)) {
        await ctx.stderr.write(`install: invalid group ${lq(group)}\n`);
        return 1;
      }
    }
    const verbose = args.has('verbose');
    let status = 0;
    const setAttrs = async (path: string, shown: string, m: number): Promise<boolean> => {
      try {
        if (uid !== -1 || gid !== -1) fs.chown(path, uid, gid);
      } catch (e) {
        await ctx.stderr.write(`install: cannot change ownership of ${quote(shown)}: ${reason(e)}\n`);
        return false;
      }
      try {
        fs.chmod(path, m);
      } catch (e) {
        await ctx.stderr.write(`install: cannot change permissions of ${quote(shown)}: ${reason(e)}\n`);
        return false;
      }
      return true;
    };
    const makeDirs = async (shownDir: string, lastMode: number, announce: boolean): Promise<boolean> => {
      const parts = shownDir.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const shown = parts.slice(0, i).join('/');
        if (!shown || parts[i - 1] === '' || parts[i - 1] === '.') continue;
        const p = resolvePath(ctx.cwd, shown);
        try {
          if (fs.stat(p).type !== 'dir') {
            await ctx.stderr.write(`install: cannot create directory ${quote(shown)}: File exists\n`);
            return false;
          }
          continue;
        } catch {
          // missing: create it
        }
        if (announce && verbose) await ctx.stdout.write(`install: creating directory ${quote(shown)}\n`);
        try {
          fs.mkdir(p, { mode: 0o755 });
        } catch (e) {
          await ctx.stderr.write(`install: cannot create directory ${quote(shown)}: ${reason(e)}\n`);
          return false;
        }
        if (i === parts.length && !(await setAttrs(p, shown, lastMode))) return false;
      }
      return true;
    };

    if (args.has('directory')) {
      if (!args.operands.length) return usageError(ctx, 'install', 'install: missing file operand');
      for (const d of args.operands) if (!(await makeDirs(d.replace(/\/+$/, '') || d, mode, true))) status = 1;
      return status;
    }
    const tdir = args.value('target-directory');
    if (args.has('D')) {
      const dir = tdir ?? (args.operands.length >= 2 ? dirname(args.operands[args.operands.length - 1]!.startsWith('/') ? args.operands[args.operands.length - 1]! : './' + args.operands[args.operands.length - 1]!) : undefined);
      if (dir !== undefined && !(await makeDirs(tdir ?? dir.replace(/^\.\//, ''), 0o755, true))) return 1;
    }
    const plan = await planTargets(ctx, 'install', args.operands, tdir, args.has('no-target-directory'));
    if (typeof plan === 'number') return plan;
    for (const [src, dst, shownSrc, shownDst] of plan) {
      let st;
      try {
        st = fs.stat(src);
      } catch (e) {
        await ctx.stderr.write(`install: cannot stat ${quote(shownSrc)}: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      if (st.type === 'dir') {
        await ctx.stderr.write(`install: omitting directory ${quote(shownSrc)}\n`);
        status = 1;
        continue;
      }
      let data: Uint8Array;
      try {
        data = fs.readFile(src);
      } catch (e) {
        await ctx.stderr.write(`install: cannot open ${quote(shownSrc)} for reading: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      try {
        const existing = fs.lstat(dst);
        if (existing.type === 'dir') {
          await ctx.stderr.write(`install: cannot overwrite directory ${quote(shownDst)} with non-directory\n`);
          status = 1;
          continue;
        }
        if (args.has('compare') && existing.type === 'file' && Buffer.from(fs.readFile(dst)).equals(Buffer.from(data)) && existing.mode === mode) continue;
        // install replaces the file (unlink, then create), so a read-only old copy is no obstacle.
        fs.unlink(dst);
      } catch {
        // nothing there yet
      }
      try {
        fs.writeFile(dst, data, { mode: 0o600 });
      } catch (e) {
        await ctx.stderr.write(`install: cannot create regular file ${quote(shownDst)}: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      if (!(await setAttrs(dst, shownDst, mode))) {
        status = 1;
        continue;
      }
      if (args.has('preserve-timestamps')) fs.utimes(dst, st.atimeMs, st.mtimeMs);
      if (verbose) await ctx.stdout.write(`${quote(shownSrc)} -> ${quote(shownDst)}\n`);
    }
    return status;
  },
};
