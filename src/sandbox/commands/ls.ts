// ls: list directory contents (GNU coreutils, C locale order, UTC times). One name per
// line when not a terminal, columns when it is; -l as GNU formats it.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import type { VfsStat } from '../vfs.ts';
import { fsOf, groupName, HELP_VERSION, helpOrVersion, humanSize, lsDate, modeString, parseOrFail, reason, userName } from './common.ts';

const HELP = `Usage: ls [OPTION]... [FILE]...
List information about the FILEs (the current directory by default).
Sort entries alphabetically if none of -cftuvSUX nor --sort is specified.

  -a, --all                  do not ignore entries starting with .
  -A, --almost-all           do not list implied . and ..
  -C                         list entries by columns
  -d, --directory            list directories themselves, not their contents
  -F, --classify             append indicator (one of */=>@|) to entries
  -h, --human-readable       with -l, print sizes like 1K 234M 2G etc.
  -i, --inode                print the index number of each file
  -l                         use a long listing format
  -n, --numeric-uid-gid      like -l, but list numeric user and group IDs
  -p                         append / indicator to directories
  -r, --reverse              reverse order while sorting
  -R, --recursive            list subdirectories recursively
  -S                         sort by file size, largest first
  -t                         sort by time, newest first
  -1                         list one file per line
      --color[=WHEN]         colorize the output (accepted, not coloured here)
      --help        display this help and exit
      --version     output version information and exit

Exit status:
 0  if OK,
 1  if minor problems (e.g., cannot access subdirectory),
 2  if serious trouble (e.g., cannot access command-line argument).
`;

const SPEC = {
  ...HELP_VERSION,
  all: { short: 'a' },
  'almost-all': { short: 'A' },
  C: { short: 'C' },
  directory: { short: 'd' },
  classify: { short: 'F' },
  'human-readable': { short: 'h' },
  inode: { short: 'i' },
  l: { short: 'l' },
  'numeric-uid-gid': { short: 'n' },
  p: { short: 'p' },
  reverse: { short: 'r' },
  recursive: { short: 'R' },
  S: { short: 'S' },
  t: { short: 't' },
  '1': { short: '1' },
  color: { arg: 'optional' as const },
};

interface Entry {
  /** As printed. */
  name: string;
  path: string;
  st: VfsStat;
  /** For symlinks: the target text, and the stat of what it points at (if it exists). */
  target?: string;
  targetSt?: VfsStat;
}

export const ls: Command = {
  name: 'ls',
  summary: 'list directory contents',
  async run(ctx: CommandContext) {
    const args = await parseOrFail(ctx, 'ls', SPEC, { status: 2 });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const numeric = args.has('numeric-uid-gid');
    const long = args.has('l') || numeric;
    const o = {
      all: args.has('all'),
      almostAll: args.has('almost-all'),
      dirOnly: args.has('directory'),
      classify: args.has('classify'),
      slash: args.has('p'),
      human: args.has('human-readable'),
      inode: args.has('inode'),
      reverse: args.has('reverse'),
      recursive: args.has('recursive') && !args.has('directory'),
      bySize: args.has('S'),
      byTime: args.has('t'),
    };
    const lastFormat = args.list.filter((x) => ['l', '1', 'C', 'numeric-uid-gid'].includes(x.name)).pop()?.name;
    const oneper = lastFormat === '1' || (!ctx.stdout.isTTY && lastFormat !== 'C');
    let status = 0;
    // Written as produced, so stdout and stderr interleave on a terminal as GNU's do.
    let wroteAny = false;
    const emit = async (lines: string[]) => {
      if (!lines.length) return;
      wroteAny = true;
      await ctx.stdout.write(lines.join('\n') + '\n');
    };

    const statEntry = (name: string, path: string, followLink: boolean): Entry => {
      let st = fs.lstat(path);
      const e: Entry = { name, path, st };
      if (st.type === 'symlink') {
        e.target = fs.readlink(path);
        try {
          e.targetSt = fs.stat(path);
        } catch {
          // a dangling link is listed as itself
        }
        if (followLink && e.targetSt) {
          st = e.targetSt;
          e.st = st;
        }
      }
      return e;
    };

    const sortEntries = (es: Entry[]) => {
      es.sort((a, b) => {
        if (o.bySize && a.st.size !== b.st.size) return b.st.size - a.st.size;
        if (o.byTime && !o.bySize && a.st.mtimeMs !== b.st.mtimeMs) return b.st.mtimeMs - a.st.mtimeMs;
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
      if (o.reverse) es.reverse();
      return es;
    };

    const indicator = (e: Entry) => {
      if (o.classify) {
        if (e.st.type === 'dir') return '/';
        if (e.st.type === 'symlink') return '@';
        if (e.st.mode & 0o111) return '*';
      } else if (o.slash && e.st.type === 'dir') return '/';
      return '';
    };

    const display = (name: string) => (ctx.stdout.isTTY && /[\s'"$`\\*?[\]#~=%!{}()<>&|;]/.test(name) ? `'${name.replace(/'/g, `'\\''`)}'` : name);

    const format = (es: Entry[], withTotal: boolean): string[] => {
      if (long) {
        const rows = es.map((e) => {
          const size = e.st.device ? `${e.st.device.major}, ${e.st.device.minor}` : o.human ? humanSize(e.st.size) : String(e.st.size);
          const owner = numeric ? String(e.st.uid) : userName(ctx, e.st.uid);
          const group = numeric ? String(e.st.gid) : groupName(ctx, e.st.gid);
          let name = display(e.name);
          if (e.st.type === 'symlink') name += ` -> ${e.target}`;
          else name += indicator(e);
          return { ino: String(e.st.ino), mode: (e.st.device ? 'c' : '') + modeString(e.st.type, e.st.mode).slice(e.st.device ? 1 : 0), nlink: String(e.st.nlink), owner, group, size, date: lsDate(e.st.mtimeMs, ctx.clock.now()), name };
        });
        const w = (k: keyof (typeof rows)[number]) => Math.max(0, ...rows.map((r) => r[k].length));
        const [wi, wl, wo, wg, ws] = [w('ino'), w('nlink'), w('owner'), w('group'), w('size')];
        const lines = rows.map(
          (r) => `${o.inode ? r.ino.padStart(wi) + ' ' : ''}${r.mode} ${r.nlink.padStart(wl)} ${r.owner.padEnd(wo)} ${r.group.padEnd(wg)} ${r.size.padStart(ws)} ${r.date} ${r.name}`,
        );
        if (withTotal) {
          const blocks = es.reduce((n, e) => n + e.st.blocks, 0) / 2;
          lines.unshift(`total ${o.human ? humanSize(blocks * 1024) : blocks}`);
        }
        return lines;
      }
      const names = es.map((e) => (o.inode ? `${e.st.ino} ` : '') + display(e.name) + indicator(e));
      if (oneper) return names;
      return columns(names, ctx.tty?.cols ?? 80);
    };

    const listDir = async (label: string, path: string, header: boolean, first: boolean): Promise<void> => {
      if (!first) await emit(['']);
      if (header) await emit([`${label}:`]);
      let names: string[];
      try {
        names = fs.readdir(path);
      } catch (e) {
        await ctx.stderr.write(`ls: cannot open directory '${label}': ${reason(e)}\n`);
        status = first || !o.recursive ? 2 : 1;
        return;
      }
      const shown = names.filter((n) => o.all || o.almostAll || !n.startsWith('.'));
      const entries: Entry[] = [];
      for (const n of shown) {
        try {
          entries.push(statEntry(n, resolvePath(path, n), false));
        } catch (e) {
          await ctx.stderr.write(`ls: cannot access '${label === '.' ? '' : label + '/'}${n}': ${reason(e)}\n`);
          status = 1;
        }
      }
      sortEntries(entries);
      if (o.all) {
        const dot = (n: string, p: string) => ({ name: n, path: p, st: fs.stat(p) });
        entries.unshift(dot('.', path), dot('..', resolvePath(path, '..')));
        if (o.reverse) entries.push(...entries.splice(0, 2).reverse());
      }
      await emit(format(entries, long));
      if (o.recursive) {
        for (const e of entries) {
          if (e.st.type !== 'dir' || e.name === '.' || e.name === '..') continue;
          await listDir(label.endsWith('/') ? label + e.name : `${label}/${e.name}`, e.path, true, false);
        }
      }
    };

    const operands = args.operands.length ? args.operands : ['.'];
    const files: Entry[] = [];
    const dirs: Entry[] = [];
    for (const op of operands) {
      const path = resolvePath(ctx.cwd, op);
      try {
        const e = statEntry(op, path, !long && !o.dirOnly && !o.classify || op.endsWith('/'));
        if (e.st.type === 'dir' && !o.dirOnly) dirs.push(e);
        else files.push(e);
      } catch (err) {
        await ctx.stderr.write(`ls: cannot access '${op}': ${reason(err)}\n`);
        status = 2;
      }
    }
    if (files.length) await emit(format(sortEntries(files), false));
    const headers = operands.length > 1 || o.recursive;
    for (const d of sortEntries(dirs)) await listDir(d.name, d.path, headers, !wroteAny);
    return status;
  },
};

/** GNU ls -C: as many columns as fit the width, filled top to bottom, two spaces apart. */
export function columns(names: string[], width: number): string[] {
  if (names.length === 0) return [];
  const lens = names.map((n) => [...n].length);
  for (let cols = Math.min(names.length, Math.max(1, Math.floor(width / 3))); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const realCols = Math.ceil(names.length / rows);
    const widths: number[] = [];
    for (let c = 0; c < realCols; c++) widths.push(Math.max(...lens.slice(c * rows, c * rows + rows)));
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (realCols - 1);
    if (total < width || cols === 1) {
      const lines: string[] = [];
      for (let r = 0; r < rows; r++) {
        let line = '';
        for (let c = 0; c < realCols; c++) {
          const i = c * rows + r;
          if (i >= names.length) break;
          const last = c === realCols - 1 || (c + 1) * rows + r >= names.length;
          line += last ? names[i] : names[i]! + ' '.repeat(widths[c]! - lens[i]! + 2);
        }
        lines.push(line);
      }
      return lines;
    }
  }
  return names;
}

