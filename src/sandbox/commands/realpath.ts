// realpath and readlink: resolve symbolic links (GNU coreutils). '..' is resolved after
// the links before it, as the kernel does (/bin/../etc is /usr/etc when /bin -> usr/bin).
import { isFsError } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, parseOrFail, reason, usageError } from './common.ts';

const REALPATH_HELP = `Usage: realpath [OPTION]... FILE...
Print the resolved absolute file name;
all but the last component must exist

  -e, --canonicalize-existing  all components of the path must exist
  -m, --canonicalize-missing   no path components need exist or be a directory
  -s, --strip, --no-symlinks   don't expand symlinks
  -q, --quiet                  suppress most error messages
  -z, --zero                   end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
`;

const READLINK_HELP = `Usage: readlink [OPTION]... FILE...
Print value of a symbolic link or canonical file name

  -f, --canonicalize            canonicalize by following every symlink in
                                every component of the given name recursively;
                                all but the last component must exist
  -e, --canonicalize-existing   canonicalize by following every symlink in
                                every component of the given name recursively,
                                all components must exist
  -m, --canonicalize-missing    canonicalize by following every symlink in
                                every component of the given name recursively,
                                without requirements on components existence
  -n, --no-newline              do not output the trailing delimiter
  -q, --quiet
  -s, --silent                  suppress most error messages (on by default)
  -v, --verbose                 report error messages
  -z, --zero                    end each output line with NUL, not newline
      --help        display this help and exit
      --version     output version information and exit
`;

type Mode = 'existing' | 'last-may-miss' | 'missing';

/** Canonical absolute path of p (relative to cwd), or throws FsError. */
export function canonicalize(ctx: CommandContext, p: string, mode: Mode, followLinks = true): string {
  const fs = fsOf(ctx);
  const joined = p.startsWith('/') ? p : `${ctx.cwd}/${p}`;
  if (!followLinks) return '/' + joined.split('/').filter((x) => x && x !== '.').reduce<string[]>((a, x) => (x === '..' ? a.slice(0, -1) : [...a, x]), []).join('/');
  try {
    return fs.realpath(joined);
  } catch (e) {
    if (mode === 'existing' || !isFsError(e, 'ENOENT')) throw e;
    const cut = joined.replace(/\/+$/, '');
    const i = cut.lastIndexOf('/');
    const parent = cut.slice(0, i) || '/';
    const last = cut.slice(i + 1);
    if (mode === 'missing') {
      const base = canonicalize(ctx, parent, 'missing');
      return last === '..' ? base.slice(0, base.lastIndexOf('/')) || '/' : last === '.' ? base : `${base === '/' ? '' : base}/${last}`;
    }
    const dir = fs.realpath(parent);
    if (fs.stat(dir).type !== 'dir') throw e;
    return `${dir === '/' ? '' : dir}/${last}`;
  }
}

export const realpath: Command = {
  name: 'realpath',
  summary: 'print the resolved path',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'realpath', { ...HELP_VERSION, 'canonicalize-existing': { short: 'e' }, 'canonicalize-missing': { short: 'm' }, strip: { short: 's' }, 'no-symlinks': {}, quiet: { short: 'q' }, zero: { short: 'z' }, L: { short: 'L' }, P: { short: 'P' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, REALPATH_HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'realpath', 'realpath: missing operand');
    const mode: Mode = args.has('canonicalize-existing') ? 'existing' : args.has('canonicalize-missing') ? 'missing' : 'last-may-miss';
    let status = 0;
    for (const p of args.operands) {
      try {
        await ctx.stdout.write(canonicalize(ctx, p, mode, !(args.has('strip') || args.has('no-symlinks'))) + (args.has('zero') ? '\0' : '\n'));
      } catch (e) {
        if (!args.has('quiet')) await ctx.stderr.write(`realpath: ${p}: ${reason(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const readlink: Command = {
  name: 'readlink',
  summary: 'print resolved symbolic links or canonical file names',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'readlink', { ...HELP_VERSION, canonicalize: { short: 'f' }, 'canonicalize-existing': { short: 'e' }, 'canonicalize-missing': { short: 'm' }, 'no-newline': { short: 'n' }, quiet: { short: 'q' }, silent: { short: 's' }, verbose: { short: 'v' }, zero: { short: 'z' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, READLINK_HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'readlink', 'readlink: missing operand');
    const fs = fsOf(ctx);
    const canon = args.has('canonicalize') ? 'last-may-miss' : args.has('canonicalize-existing') ? 'existing' : args.has('canonicalize-missing') ? 'missing' : undefined;
    const end = args.has('zero') ? '\0' : args.has('no-newline') && args.operands.length === 1 ? '' : '\n';
    let status = 0;
    for (const p of args.operands) {
      try {
        const out = canon ? canonicalize(ctx, p, canon) : fs.readlink(p.startsWith('/') ? p : `${ctx.cwd}/${p}`);
        await ctx.stdout.write(out + end);
      } catch (e) {
        if (args.has('verbose')) await ctx.stderr.write(`readlink: ${p}: ${reason(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};
