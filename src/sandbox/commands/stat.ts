// stat: display file status (GNU coreutils): the default layout, -L, -c/--format, --printf, -t.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import type { VfsStat } from '../vfs.ts';
import { fsOf, groupName, HELP_VERSION, helpOrVersion, modeString, pad2, parseOrFail, quote, reason, usageError, userName } from './common.ts';
import { expandEscapes } from './echo.ts';

const HELP = `Usage: stat [OPTION]... FILE...
Display file or file system status.

Mandatory arguments to long options are mandatory for short options too.
  -L, --dereference     follow links
  -c  --format=FORMAT   use the specified FORMAT instead of the default;
                          output a newline after each use of FORMAT
      --printf=FORMAT   like --format, but interpret backslash escapes,
                          and do not output a mandatory trailing newline
  -t, --terse           print the information in terse form
      --help        display this help and exit
      --version     output version information and exit

The valid format sequences for files:

  %a   permission bits in octal
  %A   permission bits and file type in human readable form
  %b   number of blocks allocated (see %B)
  %B   the size in bytes of each block reported by %b
  %F   file type
  %g   group ID of owner
  %G   group name of owner
  %h   number of hard links
  %i   inode number
  %n   file name
  %N   quoted file name with dereference if symbolic link
  %o   optimal I/O transfer size hint
  %s   total size, in bytes
  %u   user ID of owner
  %U   user name of owner
  %w   time of file birth, human-readable; - if unknown
  %W   time of file birth, seconds since Epoch; 0 if unknown
  %x   time of last access, human-readable
  %X   time of last access, seconds since Epoch
  %y   time of last data modification, human-readable
  %Y   time of last data modification, seconds since Epoch
  %z   time of last status change, human-readable
  %Z   time of last status change, seconds since Epoch
`;

/** "2026-11-21 09:39:03.572000000 +0000", as stat prints times (UTC). */
export function statTime(ms: number): string {
  const d = new Date(ms);
  const frac = String(Math.floor(((ms % 1000) + 1000) % 1000) * 1_000_000).padStart(9, '0');
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${frac} +0000`;
}

const typeName = (st: VfsStat) => (st.type === 'dir' ? 'directory' : st.type === 'symlink' ? 'symbolic link' : st.size === 0 ? 'regular empty file' : 'regular file');

function render(ctx: CommandContext, fmt: string, name: string, st: VfsStat, target: string | undefined): string {
  const secs = (ms: number) => String(Math.floor(ms / 1000));
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'a':
        return (st.mode & 0o7777).toString(8);
      case 'A':
        return modeString(st.type, st.mode);
      case 'b':
        return String(st.blocks);
      case 'B':
        return '512';
      case 'F':
        return typeName(st);
      case 'g':
        return String(st.gid);
      case 'G':
        return groupName(ctx, st.gid);
      case 'h':
        return String(st.nlink);
      case 'i':
        return String(st.ino);
      case 'n':
        return name;
      case 'N':
        return target !== undefined ? `${quote(name)} -> ${quote(target)}` : quote(name);
      case 'o':
        return '4096';
      case 's':
        return String(st.size);
      case 'u':
        return String(st.uid);
      case 'U':
        return userName(ctx, st.uid);
      case 'w':
        return '-';
      case 'W':
        return '0';
      case 'x':
        return statTime(st.atimeMs);
      case 'X':
        return secs(st.atimeMs);
      case 'y':
        return statTime(st.mtimeMs);
      case 'Y':
        return secs(st.mtimeMs);
      case 'z':
        return statTime(st.ctimeMs);
      case 'Z':
        return secs(st.ctimeMs);
      case 'd':
        return '64769';
      case 'D':
        return 'fd01';
      default:
        return m;
    }
  });
}

export const stat: Command = {
  name: 'stat',
  summary: 'display file or file system status',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'stat', { ...HELP_VERSION, dereference: { short: 'L' }, format: { short: 'c', arg: true }, printf: { arg: true }, terse: { short: 't' }, 'file-system': { short: 'f' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'stat', 'stat: missing operand');
    const fs = fsOf(ctx);
    let status = 0;
    for (const f of args.operands) {
      const path = resolvePath(ctx.cwd, f);
      let st: VfsStat;
      let target: string | undefined;
      try {
        st = args.has('dereference') ? fs.stat(path) : fs.lstat(path);
        if (st.type === 'symlink') target = fs.readlink(path);
      } catch (e) {
        await ctx.stderr.write(`stat: cannot statx ${quote(f)}: ${reason(e)}\n`);
        status = 1;
        continue;
      }
      const printf = args.value('printf');
      const format = args.value('format');
      if (printf !== undefined) {
        await ctx.stdout.write(expandEscapes(render(ctx, printf, f, st, target)).bytes);
        continue;
      }
      if (format !== undefined) {
        await ctx.stdout.write(render(ctx, format, f, st, target) + '\n');
        continue;
      }
      if (args.has('terse')) {
        await ctx.stdout.write(render(ctx, '%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o', f, st, target).replace('%f', (st.mode | (st.type === 'dir' ? 0o40000 : st.type === 'symlink' ? 0o120000 : 0o100000)).toString(16)).replace(/ %t %T/, ' 0 0') + '\n');
        continue;
      }
      const file = target !== undefined ? `${f} -> ${target}` : f;
      const lines = [
        `  File: ${file}`,
        `  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(st.blocks).padEnd(10)} IO Block: 4096   ${typeName(st)}`,
        `Device: 254,1\tInode: ${String(st.ino).padEnd(11)} Links: ${st.nlink}`,
        `Access: (${(st.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(st.type, st.mode)})  Uid: (${String(st.uid).padStart(5)}/${userName(ctx, st.uid).padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${groupName(ctx, st.gid).padStart(8)})`,
        `Access: ${statTime(st.atimeMs)}`,
        `Modify: ${statTime(st.mtimeMs)}`,
        `Change: ${statTime(st.ctimeMs)}`,
        ' Birth: -',
      ];
      await ctx.stdout.write(lines.join('\n') + '\n');
    }
    return status;
  },
};
