// touch: change file timestamps, creating empty files (GNU coreutils): -c, -a, -m, -d, -t, -r.
import { isFsError, resolvePath } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { fsOf, HELP_VERSION, helpOrVersion, lq, parseOrFail, quote, reason, usageError } from './common.ts';
import { parseDateString } from './date.ts';

const HELP = `Usage: touch [OPTION]... FILE...
Update the access and modification times of each FILE to the current time.

A FILE argument that does not exist is created empty, unless -c or -h
is supplied.

  -a                     change only the access time
  -c, --no-create        do not create any files
  -d, --date=STRING      parse STRING and use it instead of current time
  -m                     change only the modification time
  -r, --reference=FILE   use this file's times instead of current time
  -t STAMP               use [[CC]YY]MMDDhhmm[.ss] instead of current time
      --help        display this help and exit
      --version     output version information and exit
`;

/** touch -t's [[CC]YY]MMDDhhmm[.ss], in UTC. */
export function parseStamp(s: string, now: number): number | undefined {
  const m = /^(\d{2}|\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  let year = new Date(now).getUTCFullYear();
  if (m[1]) year = m[1].length === 4 ? Number(m[1]) : Number(m[1]) + (Number(m[1]) < 69 ? 2000 : 1900);
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

export const touch: Command = {
  name: 'touch',
  summary: 'change file timestamps',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'touch', { ...HELP_VERSION, a: { short: 'a' }, 'no-create': { short: 'c' }, date: { short: 'd', arg: true }, m: { short: 'm' }, reference: { short: 'r', arg: true }, t: { short: 't', arg: true }, f: { short: 'f' } });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    if (!args.operands.length) return usageError(ctx, 'touch', 'touch: missing file operand');
    const fs = fsOf(ctx);
    const now = ctx.clock.now();
    let when = now;
    let refAtime: number | undefined;
    const d = args.value('date');
    const t = args.value('t');
    const r = args.value('reference');
    if (d !== undefined) {
      const v = parseDateString(d, now);
      if (v === undefined) {
        await ctx.stderr.write(`touch: invalid date format ${lq(d)}\n`);
        return 1;
      }
      when = v;
    }
    if (t !== undefined) {
      const v = parseStamp(t, now);
      if (v === undefined) {
        await ctx.stderr.write(`touch: invalid date format ${lq(t)}\n`);
        return 1;
      }
      when = v;
    }
    if (r !== undefined) {
      try {
        const st = fs.stat(resolvePath(ctx.cwd, r));
        when = st.mtimeMs;
        refAtime = st.atimeMs;
      } catch (e) {
        await ctx.stderr.write(`touch: failed to get attributes of ${quote(r)}: ${reason(e)}\n`);
        return 1;
      }
    }
    let status = 0;
    for (const f of args.operands) {
      const path = resolvePath(ctx.cwd, f);
      try {
        let st;
        try {
          st = fs.stat(path);
        } catch (e) {
          if (!isFsError(e, 'ENOENT')) throw e;
          if (args.has('no-create')) continue;
          fs.writeFile(path, new Uint8Array(), { mode: 0o644 });
          st = fs.stat(path);
        }
        const onlyA = args.has('a') && !args.has('m');
        const onlyM = args.has('m') && !args.has('a');
        try {
          fs.utimes(path, onlyM ? st.atimeMs : (refAtime ?? when), onlyA ? st.mtimeMs : when);
        } catch (e) {
          await ctx.stderr.write(`touch: setting times of ${quote(f)}: ${reason(e)}\n`);
          status = 1;
        }
      } catch (e) {
        await ctx.stderr.write(`touch: cannot touch ${quote(f)}: ${reason(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};
