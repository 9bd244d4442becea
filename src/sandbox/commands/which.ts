// which: locate commands in PATH (Debian's debianutils which: silent for misses, status 1).
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf } from './common.ts';

export const which: Command = {
  name: 'which',
  summary: 'locate a command',
  async run(ctx) {
    let all = false;
    const names: string[] = [];
    let options = true;
    for (const a of ctx.argv.slice(1)) {
      if (options && a === '--') options = false;
      else if (options && names.length === 0 && /^-./.test(a)) {
        // The script's getopts takes --help letter by letter: '-' is the illegal option.
        for (const f of a.slice(1)) {
          if (f === 'a') all = true;
          else {
            await ctx.stderr.write(`Illegal option -${f}\nUsage: /usr/bin/which [-a] args\n`);
            return 2;
          }
        }
      } else names.push(a);
    }
    if (!names.length) return 1;
    const fs = fsOf(ctx);
    let status = 0;
    for (const name of names) {
      const found: string[] = [];
      const candidates = name.includes('/') ? [name] : (ctx.env.PATH ?? '').split(':').map((d) => `${d || '.'}/${name}`);
      for (const c of candidates) {
        const p = resolvePath(ctx.cwd, c);
        try {
          if (fs.stat(p).type === 'file' && fs.access(p, 1)) {
            found.push(c);
            if (!all) break;
          }
        } catch {
          // not here
        }
      }
      if (!found.length) status = 1;
      for (const f of found) await ctx.stdout.write(f + '\n');
    }
    return status;
  },
};
