// printf: format and print data (GNU coreutils /usr/bin/printf; bash has its own builtin).
// The format is reused until the arguments run out; %b expands escapes in its argument.
import type { Command } from '../types.ts';
import { coreutilsVersion, lq } from './common.ts';
import { expandEscapes } from './echo.ts';
import { MAX_FLOAT_PRECISION, formatFloatC } from '../c-float-format.ts';
import { rawByte, toOutputBytes } from '../raw-bytes.ts';

const HELP = `Usage: printf FORMAT [ARGUMENT]...
  or:  printf OPTION
Print ARGUMENT(s) according to FORMAT, or execute according to OPTION:

      --help        display this help and exit
      --version     output version information and exit

FORMAT controls the output as in C printf.  Interpreted sequences are:

  \\"      double quote
  \\\\      backslash
  \\a      alert (BEL)
  \\b      backspace
  \\c      produce no further output
  \\e      escape
  \\f      form feed
  \\n      new line
  \\r      carriage return
  \\t      horizontal tab
  \\v      vertical tab
  \\NNN    byte with octal value NNN (1 to 3 digits)
  \\xHH    byte with hexadecimal value HH (1 to 2 digits)
  \\uHHHH  Unicode (ISO/IEC 10646) character with hex value HHHH (4 digits)
  %%      a single %
  %b      ARGUMENT as a string with '\\' escapes interpreted
  %q      ARGUMENT printed in a format that can be reused as shell input

and all C format specifications ending with one of diouxXfeEgGcs, with
ARGUMENTs converted to proper type first.  Variable widths are handled.
`;

export interface PrintfResult {
  out: string;
  errors: string[];
}

function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  if (!/'/.test(s) && /^[^\x00-\x1f\x7f]*$/.test(s)) return s.replace(/([^A-Za-z0-9_@%+=:,./-])/g, '\\$1');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function toNumber(arg: string, errors: string[], prog: string): number {
  if (arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  const t = arg.trim();
  let v: number;
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) v = parseInt(t, 16);
  else if (/^[-+]?0[0-7]+$/.test(t)) v = parseInt(t, 8);
  else if (/^[-+]?\d+$/.test(t)) v = parseInt(t, 10);
  else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) v = Number(t);
  else {
    errors.push(`${prog}: ${lq(arg)}: expected a numeric value`);
    const m = /^[-+]?\d+/.exec(t);
    return m ? Number(m[0]) : 0;
  }
  return v;
}

/** Expands one pass of the escapes a printf FORMAT allows (\\c stops output). */
function formatEscape(s: string, i: number): [string, number, boolean] {
  const n = s[i + 1];
  if (n === undefined) return ['\\', i + 1, false];
  if (n === '"') return ['"', i + 2, false];
  if (n === 'c') return ['', i + 2, true];
  if (n === 'u' || n === 'U') {
    const len = n === 'u' ? 4 : 8;
    const hex = new RegExp(`^[0-9a-fA-F]{1,${len}}`).exec(s.slice(i + 2))?.[0] ?? '';
    return [hex ? String.fromCodePoint(parseInt(hex, 16)) : '\\' + n, i + 2 + hex.length, false];
  }
  if (/[0-7]/.test(n)) {
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
    return [rawByte(parseInt(oct, 8) & 0xff), i + 1 + oct.length, false];
  }
  if (n === 'x') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2))?.[0];
    if (!hex) return ['\\x', i + 2, false];
    return [rawByte(parseInt(hex, 16)), i + 2 + hex.length, false];
  }
  const simple: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return [simple[n] ?? '\\' + n, i + 2, false];
}

export function formatPrintf(format: string, args: string[], prog = 'printf'): PrintfResult {
  const errors: string[] = [];
  let out = '';
  let ai = 0;
  const next = () => args[ai++];
  for (;;) {
    let consumed = false;
    for (let i = 0; i < format.length; ) {
      const c = format[i]!;
      if (c === '\\') {
        const [t, j, stop] = formatEscape(format, i);
        out += t;
        i = j;
        if (stop) return { out, errors };
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      if (format[i + 1] === '%') {
        out += '%';
        i += 2;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([hlLqjzt]*)([diouxXfFeEgGcsbq])/.exec(format.slice(i));
      if (!m) {
        errors.push(`${prog}: ${format.slice(i, i + 2)}: invalid conversion specification`);
        return { out, errors };
      }
      i += m[0].length;
      consumed = true;
      const flags = m[1]!;
      let width = m[2] === '*' ? toNumber(next() ?? '', errors, prog) : m[2] ? Number(m[2]) : 0;
      let left = flags.includes('-');
      if (width < 0) {
        left = true;
        width = -width;
      }
      const precRaw = m[3] === '*' ? String(toNumber(next() ?? '', errors, prog)) : m[3];
      const prec = precRaw === undefined ? undefined : Number(precRaw || 0);
      const conv = m[5]!;
      const arg = next();
      let s: string;
      switch (conv) {
        case 's':
          s = arg ?? '';
          if (prec !== undefined) s = s.slice(0, prec);
          break;
        case 'b': {
          const r = expandEscapes(arg ?? '');
          s = new TextDecoder().decode(r.bytes);
          if (r.stop) {
            out += pad(s, width, left, ' ');
            return { out, errors };
          }
          break;
        }
        case 'q':
          s = shellQuote(arg ?? '');
          break;
        case 'c':
          s = (arg ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i': {
          const v = Math.trunc(toNumber(arg ?? '', errors, prog));
          s = String(Math.abs(v));
          if (prec !== undefined) s = s.padStart(prec, '0');
          s = (v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          break;
        }
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
          let v = BigInt(Math.trunc(toNumber(arg ?? '', errors, prog)));
          if (v < 0n) v += 1n << 64n;
          s = v.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (prec !== undefined) s = s.padStart(prec, '0');
          if (flags.includes('#') && v !== 0n) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + s;
          break;
        }
        default: {
          const v = toNumber(arg ?? '', errors, prog);
          const p = prec ?? 6;
          if (p > MAX_FLOAT_PRECISION) {
            errors.push(`${prog}: memory exhausted`);
            return { out, errors };
          }
          s = formatFloatC(v, conv, p, flags.includes('#'));
          if (v >= 0 && flags.includes('+')) s = '+' + s;
          else if (v >= 0 && flags.includes(' ')) s = ' ' + s;
        }
      }
      const zero = flags.includes('0') && !left && /[diouxXfFeEgG]/.test(conv) && !(prec !== undefined && /[diouxX]/.test(conv));
      out += zero ? padZero(s, width) : pad(s, width, left, ' ');
    }
    if (!consumed || ai >= args.length) break;
  }
  return { out, errors };
}

const pad = (s: string, w: number, left: boolean, ch: string) => (s.length >= w ? s : left ? s + ch.repeat(w - s.length) : ch.repeat(w - s.length) + s);
const padZero = (s: string, w: number) => {
  if (s.length >= w) return s;
  const sign = /^[-+ ]/.test(s) ? s[0]! : '';
  return sign + '0'.repeat(w - s.length) + s.slice(sign.length);
};

export const printf: Command = {
  name: 'printf',
  summary: 'format and print data',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    const prog = ctx.argv[0] ?? 'printf';
    if (args.length === 1 && args[0] === '--help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args.length === 1 && args[0] === '--version') {
      await ctx.stdout.write(coreutilsVersion('printf'));
      return 0;
    }
    if (args[0] === '--') args.shift();
    if (!args.length) {
      await ctx.stderr.write(`${prog}: missing operand\nTry '${prog} --help' for more information.\n`);
      return 1;
    }
    const r = formatPrintf(args[0]!, args.slice(1), prog);
    await ctx.stdout.write(toOutputBytes(r.out));
    for (const e of r.errors) await ctx.stderr.write(e + '\n');
    return r.errors.length ? 1 : 0;
  },
};

