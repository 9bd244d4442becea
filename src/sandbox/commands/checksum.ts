// md5sum, sha1sum, sha256sum, sha512sum: compute and check message digests (GNU coreutils).
import { createHash } from 'node:crypto';
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import { HELP_VERSION, helpOrVersion, parseOrFail, readInput, reason } from './common.ts';

function make(name: string, algo: string, label: string, hexLen: number): Command {
  const HELP = `Usage: ${name} [OPTION]... [FILE]...
Print or check ${label} checksums.

With no FILE, or when FILE is -, read standard input.
  -b, --binary          read in binary mode
  -c, --check           read checksums from the FILEs and check them
      --tag             create a BSD-style checksum
  -t, --text            read in text mode (default)
  -z, --zero            end each output line with NUL, not newline,
                          and disable file name escaping

The following five options are useful only when verifying checksums:
      --ignore-missing  don't fail or report status for missing files
      --quiet           don't print OK for each successfully verified file
      --status          don't output anything, status code shows success
      --strict          exit non-zero for improperly formatted checksum lines
  -w, --warn            warn about improperly formatted checksum lines

      --help        display this help and exit
      --version     output version information and exit
`;
  const digest = (data: Uint8Array) => createHash(algo).update(data).digest('hex');
  const check = async (ctx: CommandContext, files: string[], o: { quiet: boolean; status: boolean; ignoreMissing: boolean }): Promise<number> => {
    let bad = 0;
    let unreadable = 0;
    let improper = 0;
    let ok = 0;
    let result = 0;
    for (const list of files) {
      let text: string;
      try {
        text = new TextDecoder().decode(await readInput(ctx, list));
      } catch (e) {
        await ctx.stderr.write(`${name}: ${list}: ${reason(e)}\n`);
        result = 1;
        continue;
      }
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const m = new RegExp(`^([0-9a-fA-F]{${hexLen}}) [ *](.+)$`).exec(line) ?? new RegExp(`^${label.replace(/\d+$/, '')}[^ ]* \\((.+)\\) = ([0-9a-fA-F]{${hexLen}})$`).exec(line);
        if (!m) {
          improper++;
          continue;
        }
        const [want, file] = m[1]!.length === hexLen ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
        let data: Uint8Array;
        try {
          data = ctx.fs.readFile(resolvePath(ctx.cwd, file));
        } catch (e) {
          if (o.ignoreMissing && /No such file/.test(reason(e))) continue;
          if (!o.status) await ctx.stderr.write(`${name}: ${file}: ${reason(e)}\n`);
          if (!o.status) await ctx.stdout.write(`${file}: FAILED open or read\n`);
          unreadable++;
          continue;
        }
        if (digest(data) === want.toLowerCase()) {
          ok++;
          if (!o.quiet && !o.status) await ctx.stdout.write(`${file}: OK\n`);
        } else {
          bad++;
          if (!o.status) await ctx.stdout.write(`${file}: FAILED\n`);
        }
      }
    }
    if (!o.status) {
      if (improper) await ctx.stderr.write(`${name}: WARNING: ${improper} line${improper > 1 ? 's are' : ' is'} improperly formatted\n`);
      if (unreadable) await ctx.stderr.write(`${name}: WARNING: ${unreadable} listed file${unreadable > 1 ? 's' : ''} could not be read\n`);
      if (bad) await ctx.stderr.write(`${name}: WARNING: ${bad} computed checksum${bad > 1 ? 's' : ''} did NOT match\n`);
    }
    if (!ok && !bad && !unreadable && improper) {
      await ctx.stderr.write(`${name}: ${files[0]}: no properly formatted checksum lines found\n`);
      return 1;
    }
    return bad || unreadable || result ? 1 : 0;
  };
  return {
    name,
    summary: `compute and check ${label} message digest`,
    async run(ctx) {
      const args = await parseOrFail(ctx, name, { ...HELP_VERSION, binary: { short: 'b' }, check: { short: 'c' }, tag: {}, text: { short: 't' }, zero: { short: 'z' }, 'ignore-missing': {}, quiet: {}, status: {}, strict: {}, warn: { short: 'w' } });
      if (typeof args === 'number') return args;
      if (await helpOrVersion(ctx, args, HELP)) return 0;
      const files = args.operands.length ? args.operands : ['-'];
      if (args.has('check')) return check(ctx, files, { quiet: args.has('quiet'), status: args.has('status'), ignoreMissing: args.has('ignore-missing') });
      let status = 0;
      for (const f of files) {
        try {
          if (f !== '-' && ctx.fs.stat(resolvePath(ctx.cwd, f)).type === 'dir') {
            await ctx.stderr.write(`${name}: ${f}: Is a directory\n`);
            status = 1;
            continue;
          }
          const h = digest(await readInput(ctx, f));
          const end = args.has('zero') ? '\0' : '\n';
          await ctx.stdout.write(args.has('tag') ? `${label} (${f}) = ${h}${end}` : `${h}  ${f}${end}`);
        } catch (e) {
          await ctx.stderr.write(`${name}: ${f}: ${reason(e)}\n`);
          status = 1;
        }
      }
      return status;
    },
  };
}

export const md5sum = make('md5sum', 'md5', 'MD5', 32);
export const sha1sum = make('sha1sum', 'sha1', 'SHA1', 40);
export const sha256sum = make('sha256sum', 'sha256', 'SHA256', 64);
export const sha512sum = make('sha512sum', 'sha512', 'SHA512', 128);
