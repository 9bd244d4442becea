// mktemp: create a temporary file or directory (GNU coreutils): TEMPLATE with trailing Xs, -d, -p, -t, -u.
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, lq, parseOrFail, reason } from './common.ts';

const HELP = `Usage: mktemp [OPTION]... [TEMPLATE]
Create a temporary file or directory, safely, and print its name.
TEMPLATE must contain at least 3 consecutive 'X's in last component.
If TEMPLATE is not specified, use tmp.XXXXXXXXXX, and --tmpdir is implied.
Files are created u+rw, and directories u+rwx, minus umask restrictions.

  -d, --directory     create a directory, not a file
  -u, --dry-run       do not create anything; merely print a name (unsafe)
  -q, --quiet         suppress diagnostics about file/dir-creation failure
  -p DIR, --tmpdir[=DIR]  interpret TEMPLATE relative to DIR; if DIR is not
                        specified, use $TMPDIR if set, else /tmp.
  -t                  interpret TEMPLATE as a single file name component,
                        relative to a directory: $TMPDIR, if set; else the
                        directory specified via -p; else /tmp [deprecated]
      --help        display this help and exit
      --version     output version information and exit
`;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const mktemp: Command = {
  name: 'mktemp',
  summary: 'create a temporary file or directory',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'mktemp', { ...HELP_VERSION, directory: { short: 'd' }, 'dry-run': { short: 'u' }, quiet: { short: 'q' }, tmpdir: { short: 'p', arg: true }, t: { short: 't' }, suffix: { arg: true } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (args.operands.length > 1) {
      await ctx.stderr.write(`mktemp: too many templates\nTry 'mktemp --help' for more information.\n`);
      return 1;
    }
    const template = args.operands[0] ?? 'tmp.XXXXXXXXXX';
    const m = /(X{3,})([^/]*)$/.exec(template + (args.value('suffix') ?? ''));
    if (!m || m[2]!.length && !args.value('suffix')) {
      await ctx.stderr.write(`mktemp: too few X's in template ${lq(template)}\n`);
      return 1;
    }
    const dir = args.operands.length === 0 || args.has('t') || args.has('tmpdir') ? (args.value('tmpdir') ?? ctx.env.TMPDIR ?? '/tmp') : undefined;
    const fs = fsOf(ctx);
    for (let attempt = 0; attempt < 100; attempt++) {
      let rnd = '';
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(m[1]!.length));
      for (const b of bytes) rnd += ALPHABET[b % ALPHABET.length];
      const name = (template + (args.value('suffix') ?? '')).slice(0, m.index) + rnd + m[2];
      const shown = dir !== undefined ? `${dir.replace(/\/$/, '')}/${name}` : name;
      const path = shown.startsWith('/') ? shown : `${ctx.cwd}/${shown}`;
      if (fs.exists(path)) continue;
      try {
        if (!args.has('dry-run')) {
          if (args.has('directory')) fs.mkdir(path, { mode: 0o700 });
          else fs.writeFile(path, '', { mode: 0o600 });
        }
      } catch (e) {
        if (!args.has('quiet')) await ctx.stderr.write(`mktemp: failed to create ${args.has('directory') ? 'directory' : 'file'} via template ${lq(shown.replace(rnd, 'X'.repeat(rnd.length)))}: ${reason(e)}\n`);
        return 1;
      }
      await ctx.stdout.write(shown + '\n');
      return 0;
    }
    await ctx.stderr.write(`mktemp: failed to create file via template ${lq(template)}: File exists\n`);
    return 1;
  },
};
