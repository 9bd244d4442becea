// printf-style formatting (%d %i %o %u %x %X %c %s %e %E %f %g %G %%), shared by awk's
// printf/sprintf and number-to-string conversion (OFMT/CONVFMT = "%.6g").

import { MAX_STRING_CHARS, outOfMemory } from './memory.ts';
import { MAX_FLOAT_PRECISION, formatFloatC } from '../c-float-format.ts';

export type FormatArg = { num: () => number; str: () => string };

export function formatPrintf(fmt: string, args: FormatArg[]): string {
  let out = '';
  let ai = 0;
  const next = (): FormatArg | undefined => args[ai++];
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcseEfFgG%])/.exec(fmt.slice(i));
    if (!m) {
      out += c;
      continue;
    }
    i += m[0].length - 1;
    const conv = m[4]!;
    if (conv === '%') {
      out += '%';
      continue;
    }
    const flags = m[1] ?? '';
    let width = m[2] === '*' ? Math.trunc(next()?.num() ?? 0) : m[2] ? Number(m[2]) : undefined;
    let left = flags.includes('-');
    if (width !== undefined && width < 0) {
      left = true;
      width = -width;
    }
    const precision = m[3] === undefined ? undefined : m[3] === '*' ? Math.trunc(next()?.num() ?? 0) : Number(m[3] || 0);
    // A width or precision past what one value may hold would only fill the server's memory.
    if ((width !== undefined && width > MAX_STRING_CHARS) || (precision !== undefined && precision > MAX_STRING_CHARS)) throw outOfMemory();
    const arg = next();
    let body: string;
    let sign = '';
    let numeric = true;
    switch (conv) {
      case 'd':
      case 'i':
      case 'u': {
        const n = Math.trunc(arg?.num() ?? 0);
        body = Math.abs(n).toString();
        if (precision !== undefined) body = body.padStart(precision, '0');
        sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        break;
      }
      case 'o':
        body = (Math.trunc(arg?.num() ?? 0) >>> 0).toString(8);
        if (flags.includes('#') && !body.startsWith('0')) body = '0' + body;
        break;
      case 'x':
      case 'X': {
        body = (Math.trunc(arg?.num() ?? 0) >>> 0).toString(16);
        if (precision !== undefined) body = body.padStart(precision, '0');
        if (flags.includes('#') && body !== '0') body = '0x' + body;
        if (conv === 'X') body = body.toUpperCase();
        break;
      }
      case 'c': {
        numeric = false;
        const s = arg?.str() ?? '';
        const n = arg?.num();
        body = /^-?\d/.test(s) && n !== undefined ? String.fromCharCode(n) : s.charAt(0);
        break;
      }
      case 's': {
        numeric = false;
        body = arg?.str() ?? '';
        if (precision !== undefined) body = body.slice(0, precision);
        break;
      }
      default: {
        const n = arg?.num() ?? 0;
        sign = n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        if ((precision ?? 6) > MAX_FLOAT_PRECISION) throw outOfMemory();
        body = formatFloat(Math.abs(n), conv, precision ?? 6, flags.includes('#'));
      }
    }
    const len = sign.length + body.length;
    if (width !== undefined && len < width) {
      if (left) body = sign + body + ' '.repeat(width - len);
      else if (numeric && flags.includes('0') && !(precision !== undefined && 'diouxX'.includes(conv))) body = sign + '0'.repeat(width - len) + body;
      else body = ' '.repeat(width - len) + sign + body;
    } else body = sign + body;
    if (out.length + body.length > MAX_STRING_CHARS) throw outOfMemory();
    out += body;
  }
  return out;
}

function formatFloat(n: number, conv: string, precision: number, alt: boolean): string {
  // mawk prints NaN as "-nan" (glibc's sign of the default NaN).
  if (Number.isNaN(n)) return '-nan';
  return formatFloatC(n, conv, precision, alt);
}

/** awk's number → string: integers print whole; others through "%.6g". */
export function numberToString(n: number, fmt = '%.6g'): string {
  // mawk prints integral values in int32 range as integers, the rest through OFMT.
  if (Number.isInteger(n) && n >= -2147483647 && n <= 2147483647) return String(n);
  if (Number.isNaN(n)) return '-nan';
  if (!Number.isFinite(n)) return n < 0 ? '-inf' : 'inf';
  return formatPrintf(fmt, [{ num: () => n, str: () => String(n) }]);
}
