// date: print the date (GNU coreutils), in UTC: default format, +FORMAT, -u, -d, -I, -R, -s refused for non-root.
import type { Command } from '../types.ts';
import { dayName, HELP_VERSION, helpOrVersion, lq, monthName, pad2, parseOrFail, usageError } from './common.ts';

const HELP = `Usage: date [OPTION]... [+FORMAT]
Display the current time in the given FORMAT.

  -d, --date=STRING          display time described by STRING, not 'now'
  -I[FMT], --iso-8601[=FMT]  output date/time in ISO 8601 format.
                               FMT='date' for date only (the default),
                               'hours', 'minutes', 'seconds', or 'ns'
  -R, --rfc-email            output date and time in RFC 5322 format.
  -r, --reference=FILE       display the last modification time of FILE
  -s, --set=STRING           set time described by STRING
  -u, --utc, --universal     print or set Coordinated Universal Time (UTC)
      --help        display this help and exit
      --version     output version information and exit

FORMAT controls the output: %Y year, %m month, %d day, %H hour, %M minute,
%S second, %s seconds since the Epoch, %N nanoseconds, %a/%A weekday,
%b/%B month name, %e day padded with space, %j day of year, %F = %Y-%m-%d,
%T = %H:%M:%S, %D = %m/%d/%y, %R = %H:%M, %Z zone name, %z +hhmm zone,
%c locale date and time, %n newline, %t tab, %% a literal %.
`;

const FULL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime for UTC (the sandbox's zone). */
export function formatDate(ms: number, fmt: string): string {
  const d = new Date(ms);
  const Y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const H = d.getUTCHours();
  const M = d.getUTCMinutes();
  const S = d.getUTCSeconds();
  const wd = d.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, mo, day) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
  const codes: Record<string, () => string> = {
    Y: () => String(Y),
    C: () => pad2(Math.floor(Y / 100)),
    y: () => pad2(Y % 100),
    m: () => pad2(mo + 1),
    d: () => pad2(day),
    e: () => String(day).padStart(2, ' '),
    H: () => pad2(H),
    k: () => String(H).padStart(2, ' '),
    I: () => pad2(H % 12 || 12),
    l: () => String(H % 12 || 12).padStart(2, ' '),
    M: () => pad2(M),
    S: () => pad2(S),
    N: () => String(d.getUTCMilliseconds() * 1_000_000).padStart(9, '0'),
    s: () => String(Math.floor(ms / 1000)),
    a: () => dayName(wd),
    A: () => FULL_DAYS[wd]!,
    b: () => monthName(mo),
    h: () => monthName(mo),
    B: () => FULL_MONTHS[mo]!,
    j: () => String(yday).padStart(3, '0'),
    u: () => String(wd || 7),
    w: () => String(wd),
    p: () => (H < 12 ? 'AM' : 'PM'),
    P: () => (H < 12 ? 'am' : 'pm'),
    Z: () => 'UTC',
    z: () => '+0000',
    F: () => `${Y}-${pad2(mo + 1)}-${pad2(day)}`,
    T: () => `${pad2(H)}:${pad2(M)}:${pad2(S)}`,
    R: () => `${pad2(H)}:${pad2(M)}`,
    D: () => `${pad2(mo + 1)}/${pad2(day)}/${pad2(Y % 100)}`,
    c: () => `${dayName(wd)} ${monthName(mo)} ${String(day).padStart(2, ' ')} ${pad2(H)}:${pad2(M)}:${pad2(S)} ${Y}`,
    x: () => `${pad2(mo + 1)}/${pad2(day)}/${pad2(Y % 100)}`,
    X: () => `${pad2(H)}:${pad2(M)}:${pad2(S)}`,
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return fmt.replace(/%(:?)([A-Za-z%])/g, (m, colon: string, c: string) => (colon ? (c === 'z' ? '+00:00' : m) : (codes[c]?.() ?? m)));
}

/** The instant a -d STRING names, or undefined (a subset of GNU's parser: @epoch, ISO dates, now/today/yesterday/tomorrow, "N units ago"). */
export function parseDateString(s: string, now: number): number | undefined {
  const t = s.trim().toLowerCase();
  if (t === '' || t === 'now' || t === 'today') return now;
  if (t === 'yesterday') return now - 86400000;
  if (t === 'tomorrow') return now + 86400000;
  const epoch = /^@(-?\d+(?:\.\d+)?)$/.exec(t);
  if (epoch) return Number(epoch[1]) * 1000;
  const rel = /^([+-]?\d+)\s*(second|sec|minute|min|hour|day|week|month|year)s?(\s+ago)?$/.exec(t);
  if (rel) {
    const unit: Record<string, number> = { second: 1e3, sec: 1e3, minute: 6e4, min: 6e4, hour: 3.6e6, day: 8.64e7, week: 6.048e8, month: 2.592e9, year: 3.1536e10 };
    const n = Number(rel[1]) * unit[rel[2]!]!;
    return rel[3] ? now - n : now + n;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Date.parse(t + 'T00:00:00Z');
  const iso = /^(\d{4}-\d{2}-\d{2})[t ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(z|utc|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (iso) {
    const zone = !iso[3] || iso[3] === 'utc' ? 'Z' : iso[3].toUpperCase();
    const v = Date.parse(`${iso[1]}T${iso[2]}${zone}`);
    return Number.isNaN(v) ? undefined : v;
  }
  return undefined;
}

export const date: Command = {
  name: 'date',
  summary: 'print or set the system date and time',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'date', {
      ...HELP_VERSION,
      date: { short: 'd', arg: true },
      'iso-8601': { short: 'I', arg: 'optional' },
      'rfc-email': { short: 'R' },
      reference: { short: 'r', arg: true },
      set: { short: 's', arg: true },
      utc: { short: 'u' },
      universal: {},
    });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const now = ctx.clock.now();
    let when = now;
    if (args.has('set')) {
      await ctx.stderr.write('date: cannot set date: Operation not permitted\n');
      return 1;
    }
    const ds = args.value('date');
    if (ds !== undefined) {
      const v = parseDateString(ds, now);
      if (v === undefined) {
        await ctx.stderr.write(`date: invalid date ${lq(ds)}\n`);
        return 1;
      }
      when = v;
    }
    const ref = args.value('reference');
    if (ref !== undefined) {
      try {
        when = ctx.fs.stat(ref.startsWith('/') ? ref : `${ctx.cwd}/${ref}`).mtimeMs;
      } catch {
        await ctx.stderr.write(`date: ${ref}: No such file or directory\n`);
        return 1;
      }
    }
    const fmtOps = args.operands.filter((o) => o.startsWith('+'));
    const others = args.operands.filter((o) => !o.startsWith('+'));
    if (others.length) return usageError(ctx, 'date', `date: invalid date ${lq(others[0]!)}`);
    if (fmtOps.length > 1) return usageError(ctx, 'date', `date: extra operand ${lq(fmtOps[1]!)}`);
    let fmt = '%a %b %e %H:%M:%S %Z %Y';
    if (args.has('rfc-email')) fmt = '%a, %d %b %Y %H:%M:%S %z';
    if (args.has('iso-8601')) {
      const kind = args.value('iso-8601') ?? 'date';
      fmt = { date: '%F', hours: '%FT%H%:z', minutes: '%FT%H:%M%:z', seconds: '%FT%T%:z', ns: '%FT%T,%N%:z' }[kind] ?? '';
      if (!fmt) return usageError(ctx, 'date', `date: invalid argument ${lq(kind)} for '--iso-8601'`);
    }
    if (fmtOps[0]) fmt = fmtOps[0].slice(1);
    await ctx.stdout.write(formatDate(when, fmt) + '\n');
    return 0;
  },
};
