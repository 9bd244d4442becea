// cp: copy files and directories (GNU coreutils): -r/-R, -a, -p, -f, -n, -v, -L/-P, -t, -T.
import { basename, isFsError, resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import type { SandboxFileSystem } from '../vfs-view.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: cp [OPTION]... [-T] SOURCE DEST
  or:  cp [OPTION]... SOURCE... DIRECTORY
  or:  cp [OPTION]... -t DIRECTORY SOURCE...
Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.

  -a, --archive                same as -dR --preserve=all
  -d                           same as --no-dereference --preserve=links
  -f, --force                  if an existing destination file cannot be
                                 opened, remove it and try again
  -L, --dereference            always follow symbolic links in SOURCE
  -n, --no-clobber             do not overwrite an existing file
  -P, --no-dereference         never follow symbolic links in SOURCE
  -p                           same as --preserve=mode,ownership,timestamps
  -R, -r, --recursive          copy directories recursively
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -v, --verbose                explain what is being done
      --help        display this help and exit
      --version     output version information and exit
`;

export interface CopyOptions {
  recursive: boolean;
  preserve: boolean;
  /** Follow symlinks found while copying (not only on the command line). */
  dereference: boolean;
  force: boolean;
  noClobber: boolean;
  verbose: boolean;
  /** Program name for messages. */
  prog: string;
}

/** Copies src to dst (both absolute; shown* are the names for messages). Returns false after reporting an error. */
export async function copyPath(ctx: CommandContext, fs: SandboxFileSystem, src: string, dst: string, shownSrc: string, shownDst: string, o: CopyOptions, top: boolean): Promise<boolean> {
  const err = async (msg: string) => {
    await ctx.stderr.write(`${o.prog}: ${msg}\n`);
    return false;
  };
  let st;
  try {
    st = o.dereference || (top && !o.recursive) ? fs.stat(src) : fs.lstat(src);
  } catch (e) {
    return err(`cannot stat ${quote(shownSrc)}: ${reason(e)}`);
  }
  let dstSt;
  try {
    dstSt = fs.stat(dst);
  } catch {
    dstSt = undefined;
  }
  if (dstSt && dstSt.ino === st.ino && dstSt.ino !== 0) return err(`${quote(shownSrc)} and ${quote(shownDst)} are the same file`);
  if (st.type === 'dir') {
    if (!o.recursive) return err(`-r not specified; omitting directory ${quote(shownSrc)}`);
    const real = fs.realpath(src);
    let dstReal: string;
    try {
      dstReal = dstSt ? fs.realpath(dst) : resolvePath(fs.realpath(resolvePath(dst, '..')), basename(dst));
    } catch {
      dstReal = dst; // its parent is missing: mkdir below says so
    }
    if (dstReal === real || dstReal.startsWith(real + '/')) return err(`cannot copy a directory, ${quote(shownSrc)}, into itself, ${quote(shownDst)}`);
    if (dstSt && dstSt.type !== 'dir') return err(`cannot overwrite non-directory ${quote(shownDst)} with directory ${quote(shownSrc)}`);
    if (!dstSt) {
      try {
        fs.mkdir(dst, { mode: st.mode | 0o700 });
      } catch (e) {
        return err(`cannot create directory ${quote(shownDst)}: ${reason(e)}`);
      }
      if (o.verbose) await ctx.stdout.write(`${quote(shownSrc)} -> ${quote(shownDst)}\n`);
    }
    let names: string[];
    try {
      names = fs.readdir(src);
    } catch (e) {
      return err(`cannot access ${quote(shownSrc)}: ${reason(e)}`);
    }
    let ok = true;
    for (const n of names) ok = (await copyPath(ctx, fs, resolvePath(src, n), resolvePath(dst, n), `${shownSrc.replace(/\/$/, '')}/${n}`, `${shownDst.replace(/\/$/, '')}/${n}`, o, false)) && ok;
    try {
      fs.chmod(dst, o.preserve ? st.mode : st.mode & ~0o022);
      if (o.preserve) finishPreserve(fs, dst, st);
    } catch {
      // keeping the new directory's mode is not worth failing the copy
    }
    return ok;
  }
  if (dstSt?.type === 'dir') return err(`cannot overwrite directory ${quote(shownDst)} with non-directory`);
  if (dstSt && o.noClobber) return true;
  if (st.type === 'symlink') {
    try {
      if (dstSt || isLink(fs, dst)) fs.unlink(dst);
      fs.symlink(fs.readlink(src), dst);
    } catch (e) {
      return err(`cannot create symbolic link ${quote(shownDst)}: ${reason(e)}`);
    }
    if (o.verbose) await ctx.stdout.write(`${quote(shownSrc)} -> ${quote(shownDst)}\n`);
    return true;
  }
  let data: Uint8Array;
  try {
    data = fs.readFile(src);
  } catch (e) {
    return err(`cannot open ${quote(shownSrc)} for reading: ${reason(e)}`);
  }
  try {
    fs.writeFile(dst, data, { mode: o.preserve ? st.mode : st.mode & ~0o022 });
  } catch (e) {
    if (!(o.force && dstSt && isFsError(e, 'EACCES'))) return err(`cannot create regular file ${quote(shownDst)}: ${reason(e)}`);
    try {
      fs.unlink(dst);
      fs.writeFile(dst, data, { mode: st.mode & ~0o022 });
    } catch (e2) {
      return err(`cannot create regular file ${quote(shownDst)}: ${reason(e2)}`);
    }
  }
  if (o.preserve) finishPreserve(fs, dst, st);
  if (o.verbose) await ctx.stdout.write(`${quote(shownSrc)} -> ${quote(shownDst)}\n`);
  return true;
}

function isLink(fs: SandboxFileSystem, p: string): boolean {
  try {
    return fs.lstat(p).type === 'symlink';
  } catch {
    return false;
  }
}

/** -p: mode, times, and the owner when the caller may give files away (root). */
function finishPreserve(fs: SandboxFileSystem, dst: string, st: { mode: number; uid: number; gid: number; atimeMs: number; mtimeMs: number }): void {
  try {
    fs.chown(dst, st.uid, st.gid);
  } catch {
    // like cp -p as a normal user: ownership silently stays the caller's
  }
  fs.chmod(dst, st.mode);
  fs.utimes(dst, st.atimeMs, st.mtimeMs);
}

/** Resolves the SOURCE... DEST forms shared by cp, mv and install; returns [src, dst, shownSrc, shownDst] pairs or an error status. */
export async function planTargets(ctx: CommandContext, prog: string, operands: string[], target: string | undefined, noTarget: boolean): Promise<[string, string, string, string][] | number> {
  const fs = fsOf(ctx);
  const isDir = (p: string) => {
    try {
      return fs.stat(resolvePath(ctx.cwd, p)).type === 'dir';
    } catch {
      return false;
    }
  };
  if (target !== undefined) {
    if (!isDir(target)) {
      await ctx.stderr.write(`${prog}: target directory ${quote(target)}: ${fs.exists(resolvePath(ctx.cwd, target)) ? 'Not a directory' : 'No such file or directory'}\n`);
      return 1;
    }
    if (!operands.length) return usageError(ctx, prog, `${prog}: missing file operand`);
    return operands.map((s) => into(ctx, s, target));
  }
  if (!operands.length) return usageError(ctx, prog, `${prog}: missing file operand`);
  if (operands.length === 1) return usageError(ctx, prog, `${prog}: missing destination file operand after ${quote(operands[0]!)}`);
  const dest = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  if (noTarget) {
    if (sources.length > 1) return usageError(ctx, prog, `${prog}: extra operand ${quote(operands[2]!)}`);
    return [[resolvePath(ctx.cwd, sources[0]!), resolvePath(ctx.cwd, dest), sources[0]!, dest]];
  }
  if (isDir(dest)) return sources.map((s) => into(ctx, s, dest));
  if (sources.length > 1) {
    await ctx.stderr.write(`${prog}: target ${quote(dest)} is not a directory\n`);
    return 1;
  }
  return [[resolvePath(ctx.cwd, sources[0]!), resolvePath(ctx.cwd, dest), sources[0]!, dest]];
}

function into(ctx: CommandContext, src: string, dir: string): [string, string, string, string] {
  const name = basename(src.replace(/\/+$/, '') || src);
  const shown = dir.endsWith('/') ? dir + name : `${dir}/${name}`;
  return [resolvePath(ctx.cwd, src), resolvePath(ctx.cwd, shown), src, shown];
}

export const cp: Command = {
  name: 'cp',
  summary: 'copy files and directories',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'cp', {
      ...HELP_VERSION,
      archive: { short: 'a' },
      d: { short: 'd' },
      force: { short: 'f' },
      interactive: { short: 'i' },
      dereference: { short: 'L' },
      'no-clobber': { short: 'n' },
      'no-dereference': { short: 'P' },
      p: { short: 'p' },
      preserve: { arg: 'optional' },
      recursive: { short: 'r' },
      R: { short: 'R' },
      'target-directory': { short: 't', arg: true },
      'no-target-directory': { short: 'T' },
      verbose: { short: 'v' },
      update: { short: 'u' },
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const plan = await planTargets(ctx, 'cp', args.operands, args.value('target-directory'), args.has('no-target-directory'));
    if (typeof plan === 'number') return plan;
    const o: CopyOptions = {
      recursive: args.has('recursive') || args.has('R') || args.has('archive'),
      preserve: args.has('p') || args.has('archive') || args.has('preserve'),
      dereference: args.has('dereference'),
      force: args.has('force'),
      noClobber: args.has('no-clobber'),
      verbose: args.has('verbose'),
      prog: 'cp',
    };
    const fs = fsOf(ctx);
    let status = 0;
    for (const [src, dst, shownSrc, shownDst] of plan) if (!(await copyPath(ctx, fs, src, dst, shownSrc, shownDst, o, true))) status = 1;
    return status;
  },
};
