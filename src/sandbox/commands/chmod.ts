// chmod: change file mode bits (GNU coreutils): octal or symbolic (u+x,go-w,a=rX), -R, -v, -c, -f.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, lq, modeString, parseOrFail, quote, reason, usageError } from './common.ts';

const HELP = `Usage: chmod [OPTION]... MODE[,MODE]... FILE...
  or:  chmod [OPTION]... OCTAL-MODE FILE...
  or:  chmod [OPTION]... --reference=RFILE FILE...
Change the mode of each FILE to MODE.
With --reference, change the mode of each FILE to that of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
      --reference=RFILE  use RFILE's mode instead of MODE values
  -R, --recursive        change files and directories recursively
      --help        display this help and exit
      --version     output version information and exit

Each MODE is of the form '[ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=][0-7]+'.
`;

/** The umask the sandbox's processes run with. */
export const UMASK = 0o022;

/**
 * Applies a chmod MODE (octal or symbolic list) to `old`; undefined when the spec is invalid.
 * `umask` applies to symbolic clauses without who-letters, as in GNU chmod.
 */
export function applyMode(spec: string, old: number, isDir: boolean, umask = UMASK): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) {
    const n = parseInt(spec, 8);
    // GNU keeps a directory's setuid/setgid bits unless the octal mode has 5+ digits.
    return isDir && spec.length < 4 ? n | (old & 0o6000) : n;
  }
  let mode = old & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)$/.exec(clause);
    if (!m) return undefined;
    const who = m[1]!;
    let mask = 0;
    if (!who || who.includes('a')) mask = 0o7777;
    else {
      if (who.includes('u')) mask |= 0o4700;
      if (who.includes('g')) mask |= 0o2070;
      if (who.includes('o')) mask |= 0o1007;
    }
    const limit = who ? 0o7777 : ~umask & 0o7777;
    for (const op of m[2]!.match(/[-+=][ugo]|[-+=][rwxXst]*/g)!) {
      const action = op[0]!;
      const perms = op.slice(1);
      let bits = 0;
      if (/^[ugo]$/.test(perms)) {
        const src = perms === 'u' ? (mode >> 6) & 7 : perms === 'g' ? (mode >> 3) & 7 : mode & 7;
        bits = (src << 6) | (src << 3) | src;
      } else {
        for (const p of perms) {
          if (p === 'r') bits |= 0o444;
          if (p === 'w') bits |= 0o222;
          if (p === 'x') bits |= 0o111;
          if (p === 'X' && (isDir || mode & 0o111)) bits |= 0o111;
          if (p === 's') bits |= 0o6000;
          if (p === 't') bits |= 0o1000;
        }
      }
      const eff = bits & mask & (action === '=' ? 0o7777 : limit);
      if (action === '+') mode |= eff;
      else if (action === '-') mode &= ~eff;
      else {
        // '=' resets the named classes; a directory keeps setuid/setgid unless 's' is named.
        const clear = isDir && !perms.includes('s') ? mask & ~0o6000 : mask;
        mode = (mode & ~clear) | eff;
      }
    }
  }
  return mode;
}

const octal = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');

export const chmod: Command = {
  name: 'chmod',
  summary: 'change file mode bits',
  async run(ctx: CommandContext) {
    // "-w" or "-x" is a mode, not an option: hide such words from the option parser.
    const argv = ctx.argv.map((a, i) => (i > 0 && /^-[rwxXst]+$/.test(a) ? `\0${a}` : a));
    const args = await parseOrFail({ ...ctx, argv }, 'chmod', {
      ...HELP_VERSION,
      changes: { short: 'c' },
      silent: { short: 'f' },
      quiet: {},
      verbose: { short: 'v' },
      reference: { arg: true },
      recursive: { short: 'R' },
      'preserve-root': {},
      'no-preserve-root': {},
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const fs = fsOf(ctx);
    const ops = args.operands.map((o) => o.replace(/^\0/, ''));
    const ref = args.value('reference');
    let spec: string | undefined;
    if (ref === undefined) {
      spec = ops.shift();
      if (spec === undefined) return usageError(ctx, 'chmod', 'chmod: missing operand');
    }
    if (!ops.length) return usageError(ctx, 'chmod', spec === undefined ? 'chmod: missing operand' : `chmod: missing operand after ${lq(spec)}`);
    let refMode = 0;
    if (ref !== undefined) {
      try {
        refMode = fs.stat(resolvePath(ctx.cwd, ref)).mode;
      } catch (e) {
        await ctx.stderr.write(`chmod: failed to get attributes of ${quote(ref)}: ${reason(e)}\n`);
        return 1;
      }
    } else if (applyMode(spec!, 0, false) === undefined) return usageError(ctx, 'chmod', `chmod: invalid mode: ${lq(spec!)}`);
    const quiet = args.has('silent') || args.has('quiet');
    const verbose = args.has('verbose');
    const changes = args.has('changes');
    let status = 0;
    const visit = async (shown: string, path: string, top: boolean): Promise<void> => {
      let st;
      try {
        st = top ? fs.stat(path) : fs.lstat(path);
      } catch (e) {
        if (!quiet) await ctx.stderr.write(`chmod: cannot access ${quote(shown)}: ${reason(e)}\n`);
        status = 1;
        return;
      }
      if (st.type === 'symlink') {
        if (verbose) await ctx.stdout.write(`neither symbolic link ${quote(shown)} nor referent has been changed\n`);
        return;
      }
      const next = ref !== undefined ? refMode : applyMode(spec!, st.mode, st.type === 'dir')!;
      try {
        if (next !== st.mode) fs.chmod(path, next);
        if (verbose || (changes && next !== st.mode)) {
          await ctx.stdout.write(
            next === st.mode
              ? `mode of ${quote(shown)} retained as ${octal(next)} (${modeString(st.type, next).slice(1)})\n`
              : `mode of ${quote(shown)} changed from ${octal(st.mode)} (${modeString(st.type, st.mode).slice(1)}) to ${octal(next)} (${modeString(st.type, next).slice(1)})\n`,
          );
        }
      } catch (e) {
        if (!quiet) await ctx.stderr.write(`chmod: changing permissions of ${quote(shown)}: ${reason(e)}\n`);
        status = 1;
      }
      if (args.has('recursive') && st.type === 'dir') {
        let names: string[];
        try {
          names = fs.readdir(path);
        } catch (e) {
          if (!quiet) await ctx.stderr.write(`chmod: cannot read directory ${quote(shown)}: ${reason(e)}\n`);
          status = 1;
          return;
        }
        for (const n of names) await visit(shown.endsWith('/') ? shown + n : `${shown}/${n}`, resolvePath(path, n), false);
      }
    };
    for (const f of ops) await visit(f, resolvePath(ctx.cwd, f), true);
    return status;
  },
};
