// mkdir: make directories (GNU coreutils): -p parents, -m mode, -v.
import { isFsError, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { applyMode, UMASK } from './chmod.ts';
import { fsOf, HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: mkdir [OPTION]... DIRECTORY...
Create the DIRECTORY(ies), if they do not already exist.

Mandatory arguments to long options are mandatory for short options too.
  -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask
  -p, --parents     no error if existing, make parent directories as needed,
                    with their file modes unaffected by any -m option.
  -v, --verbose     print a message for each created directory
      --help        display this help and exit
      --version     output version information and exit
`;

export const mkdir: Command = {
  name: 'mkdir',
  summary: 'make directories',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'mkdir', { ...HELP_VERSION, mode: { short: 'm', arg: true }, parents: { short: 'p' }, verbose: { short: 'v' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'mkdir', 'mkdir: missing operand');
    const spec = args.value('mode');
    const defaultMode = 0o777 & ~UMASK;
    const mode = spec === undefined ? defaultMode : applyMode(spec, 0o777, true, UMASK) ?? -1;
    if (mode < 0) return usageError(ctx, 'mkdir', `mkdir: invalid mode ${lq(spec!)}`);
    const fs = fsOf(ctx);
    const verbose = args.has('verbose');
    let status = 0;
    for (const d of args.operands) {
      const path = resolvePath(ctx.cwd, d);
      try {
        if (args.has('parents')) {
          // Parents get the default mode; only the last directory gets -m.
          const parts = d.split('/');
          for (let i = 1; i <= parts.length; i++) {
            const shown = parts.slice(0, i).join('/');
            if (!shown || parts[i - 1] === '' || parts[i - 1] === '.') continue;
            const p = resolvePath(ctx.cwd, shown);
            let existing;
            try {
              existing = fs.stat(p);
            } catch (e) {
              if (!isFsError(e, 'ENOENT')) throw Object.assign(e as object, { shown });
            }
            if (existing) {
              if (existing.type !== 'dir') throw Object.assign(new Error('Not a directory'), { shown, reasonText: 'Not a directory' });
              continue;
            }
            try {
              fs.mkdir(p, { mode: i === parts.length ? mode : defaultMode });
              if (i === parts.length && spec !== undefined) fs.chmod(p, mode);
            } catch (e) {
              throw Object.assign(e as object, { shown });
            }
            if (verbose) await ctx.stdout.write(`mkdir: created directory ${quote(shown)}\n`);
          }
        } else {
          fs.mkdir(path, { mode });
          if (spec !== undefined) fs.chmod(path, mode);
          if (verbose) await ctx.stdout.write(`mkdir: created directory ${quote(d)}\n`);
        }
      } catch (e) {
        const shown = (e as { shown?: string }).shown ?? d;
        const why = (e as { reasonText?: string }).reasonText ?? reason(e);
        await ctx.stderr.write(`mkdir: cannot create directory ${lq(shown)}: ${why}\n`);
        status = 1;
      }
    }
    return status;
  },
};
