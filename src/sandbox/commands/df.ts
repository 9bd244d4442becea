// df: report file system disk space usage (GNU coreutils) for the host's one disk, from
// the virtual disk's real counters: -h, -i, -T, -k, FILE arguments.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, humanSize, parseOrFail, reason } from './common.ts';

const HELP = `Usage: df [OPTION]... [FILE]...
Show information about the file system on which each FILE resides,
or all file systems by default.

  -a, --all             include pseudo, duplicate, inaccessible file systems
  -h, --human-readable  print sizes in powers of 1024 (e.g., 1023M)
  -i, --inodes          list inode information instead of block usage
  -k                    like --block-size=1K
  -T, --print-type      print file system type
      --help        display this help and exit
      --version     output version information and exit
`;

export const DISK_DEVICE = '/dev/vda1';

export const df: Command = {
  name: 'df',
  summary: 'report file system space usage',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'df', { ...HELP_VERSION, all: { short: 'a' }, 'human-readable': { short: 'h' }, inodes: { short: 'i' }, k: { short: 'k' }, 'print-type': { short: 'T' }, local: { short: 'l' }, P: { short: 'P' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    let status = 0;
    let rows = 0;
    for (const f of args.operands) {
      try {
        fs.stat(resolvePath(ctx.cwd, f));
        rows++;
      } catch (e) {
        await ctx.stderr.write(`df: ${f}: ${reason(e)}\n`);
        status = 1;
      }
    }
    if (!args.operands.length) rows = 1;
    if (!rows) return status;
    const u = fs.usage();
    const human = args.has('human-readable');
    const type = args.has('print-type');
    let header: string[];
    let values: string[];
    const pct = (used: number, total: number) => (total ? `${Math.ceil((used * 100) / total)}%` : '-');
    if (args.has('inodes')) {
      const free = u.inodes - u.usedInodes;
      const n = (x: number) => (human ? humanSize(x).replace(/\.0(?=[KMG])/, '') : String(x));
      header = ['Inodes', 'IUsed', 'IFree', 'IUse%'];
      values = [n(u.inodes), n(u.usedInodes), n(free), pct(u.usedInodes, u.inodes)];
    } else {
      const totalK = Math.floor(u.diskBytes / 1024);
      const usedK = Math.ceil(u.usedBytes / 1024);
      const availK = Math.max(0, totalK - usedK);
      const n = (k: number) => (human ? humanSize(k * 1024) : String(k));
      header = human ? ['Size', 'Used', 'Avail', 'Use%'] : ['1K-blocks', 'Used', 'Available', 'Use%'];
      values = [n(totalK), n(usedK), n(availK), pct(usedK, usedK + availK)];
    }
    const numW = header.map((h, i) => Math.max(h.length, values[i]!.length, human && i < 3 ? 5 : 0));
    const line = (src: string, t: string, cells: string[], mount: string) =>
      `${src.padEnd(14)} ${type ? t.padEnd(4) + ' ' : ''}${cells.map((c, i) => c.padStart(numW[i]!)).join(' ')} ${mount}`;
    let out = line('Filesystem', 'Type', header, 'Mounted on') + '\n';
    for (let i = 0; i < rows; i++) out += line(DISK_DEVICE, 'ext4', values, '/') + '\n';
    await ctx.stdout.write(out);
    return status;
  },
};
