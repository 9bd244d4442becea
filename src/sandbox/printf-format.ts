// printf's formatting, shared by bash's builtin (src/sandbox/shell/builtins/echo-printf.ts)
// and coreutils' /usr/bin/printf (src/sandbox/commands/printf.ts). The two agree on C's
// conversions and differ in the details a PrintfDialect lists: error wording, escapes,
// %q's quoting, which conversions take flags, and bash's %Q, %n and %(fmt)T.
//
// Numbers are read and written as C does (printf-number.ts: strtoimax, and long doubles for
// the floating conversions). Widths and precisions count bytes, as C's do (printf-text.ts):
// a UTF-8 character is several, and a precision may cut one in half (the halves leave as
// raw bytes, see raw-bytes.ts).
import { MAX_FLOAT_PRECISION } from './c-float-format.ts';
import { formatLongDouble, longDouble, parseCFloat, parseCInteger, type LongDouble } from './printf-number.ts';
import { RAW_BASE, bashQuote, byteLength, cEscape, coreutilsQuote, isRawByte, sliceBytes, utf8Bytes } from './printf-text.ts';
import { rawByte } from './raw-bytes.ts';

export interface EscapeRules {
  /** Characters a backslash makes literal: `\"` (and bash's format `\'` `\?`). */
  readonly literal: string;
  /** `\c` ends all output (coreutils' format, both %b); else it stays `\c`. */
  readonly stopAtC: boolean;
  /** `\E` is ESC like `\e`. */
  readonly upperE: boolean;
  /** Octal: `\NNN` (1–3 digits), or %b's `\0NNN`/`\NNN`. */
  readonly octal: 'NNN' | '0NNN';
  /** `\u`/`\U`: bash takes 1–4/1–8 digits; coreutils wants exactly 4/8 and a valid character. */
  readonly unicode: 'lenient' | 'strict';
}

/** What differs between bash 5.2's printf builtin and GNU coreutils 9.1's printf. */
export interface PrintfDialect {
  readonly formatEscapes: EscapeRules;
  readonly argumentEscapes: EscapeRules;
  /** %q (and bash's %Q) */
  readonly quote: (s: string) => string;
  /** A %q without an argument prints '' (bash) or nothing (coreutils). */
  readonly quoteMissingArgument: boolean;
  /** The message for an argument that is not (entirely) a number. */
  readonly invalidNumber: (arg: string, noDigits: boolean) => string;
  /** The message for a number out of range, and whether it fails the command (bash only warns). */
  readonly outOfRange: (arg: string) => string;
  readonly outOfRangeFails: boolean;
  /** coreutils: `'` alone is not a number, and characters after `'c` draw a warning. */
  readonly strictCharConstant: boolean;
  /** Flag characters after the %. */
  readonly flags: string;
  /** Conversion characters after the flags, width, precision and length. */
  readonly conversions: string;
  /** Conversions that take nothing between % and them (coreutils' %b, %q). */
  readonly bareOnly: string;
  /** Flags a conversion refuses (coreutils: `%#s`, `%05s`, `%#d`), by flag. */
  readonly refusedFlags: Readonly<Record<string, string>>;
  /** Conversions a precision is refused for (coreutils' %c). */
  readonly refusedPrecision: string;
  /** The message for a bad conversion: `spec` runs from % through the bad character. */
  readonly badConversion: (spec: string, atEnd: boolean) => string;
  /** A missing hex digit after `\x` (or `\u`): a warning that keeps the text (bash), or the end (coreutils). */
  readonly missingHexFatal: boolean;
  /** coreutils warns when the format used no argument and some are left. */
  readonly warnExcessArguments: boolean;
  /** bash's %n: sets the variable the argument names (false: not a valid name). */
  readonly assign?: (name: string, value: string) => boolean;
  /** bash's %(fmt)T: strftime of epoch seconds; undefined where there is none. */
  readonly time?: { now(): number; shellStart(): number; strftime(seconds: number, fmt: string): string };
  /** coreutils refuses a width or precision past INT_MAX. */
  readonly checkWidthRange: boolean;
}

export const BASH_PRINTF: PrintfDialect = {
  formatEscapes: { literal: `"'?`, stopAtC: false, upperE: true, octal: 'NNN', unicode: 'lenient' },
  argumentEscapes: { literal: '', stopAtC: true, upperE: true, octal: '0NNN', unicode: 'lenient' },
  quote: bashQuote,
  quoteMissingArgument: true,
  invalidNumber: (arg) => `${arg}: ${/^0\d/.test(arg) ? 'invalid octal number' : arg.startsWith('0x') ? 'invalid hex number' : 'invalid number'}`,
  outOfRange: (arg) => `warning: ${arg}: Numerical result out of range`,
  outOfRangeFails: false,
  strictCharConstant: false,
  flags: "-+ #0'",
  conversions: 'diouxXeEfFgGaAcsbqQn',
  bareOnly: '',
  refusedFlags: {},
  refusedPrecision: '',
  badConversion: (spec, atEnd) => (atEnd ? `\`${spec}': missing format character` : `\`${spec.slice(-1)}': invalid format character`),
  missingHexFatal: false,
  warnExcessArguments: false,
  checkWidthRange: false,
};

export const COREUTILS_PRINTF: PrintfDialect = {
  formatEscapes: { literal: '"', stopAtC: true, upperE: false, octal: 'NNN', unicode: 'strict' },
  argumentEscapes: { literal: '"', stopAtC: true, upperE: false, octal: '0NNN', unicode: 'strict' },
  quote: coreutilsQuote,
  quoteMissingArgument: false,
  invalidNumber: (arg, noDigits) => `${lq(arg)}: ${noDigits ? 'expected a numeric value' : 'value not completely converted'}`,
  outOfRange: (arg) => `${lq(arg)}: Numerical result out of range`,
  outOfRangeFails: true,
  strictCharConstant: true,
  flags: "-+ #0'I",
  conversions: 'diouxXeEfFgGaAcs',
  bareOnly: 'bq',
  refusedFlags: { '#': 'cdisu', '0': 'cs', "'": 'aAceEosxX', I: 'aAceEosxX' },
  refusedPrecision: 'c',
  badConversion: (spec) => `${spec}: invalid conversion specification`,
  missingHexFatal: true,
  warnExcessArguments: true,
  checkWidthRange: true,
};

/** coreutils' quote() in a UTF-8 locale: ‘…’, with backslashes and controls escaped C's way. */
const lq = (s: string) => `\u2018${cEscape(s, '\u2019')}\u2019`;

export interface PrintfResult {
  /** The text, raw bytes as raw-bytes.ts carries them. */
  out: string;
  /** Errors and warnings, without the program's name (the caller adds `printf: ` or bash's prefix). */
  messages: string[];
  /** 0, or 1 when something failed. */
  status: number;
}

/** Past this many bytes a single field is refused (a C printf would try to allocate it). */
export const MAX_FIELD_BYTES = 16 * 1024 * 1024;

/** Past this much text in all, printf gives up as it would when malloc fails (a JS string cannot grow past ~512 MiB). */
export const MAX_OUTPUT = 128 * 1024 * 1024;

/** Where the literal text of a format ends: the next directive or escape. */
const SPECIAL = /[%\\]/g;

class Stop extends Error {}

/** Formats `args` by `format` the way `dialect`'s printf does; the format is reused while arguments remain. */
export function formatPrintf(format: string, args: readonly string[], dialect: PrintfDialect): PrintfResult {
  const f = new Formatter(format, args, dialect);
  try {
    f.run();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { out: f.out, messages: f.messages, status: f.status };
}

/** %, flags, width, precision and length modifiers (which change nothing here). */
const specPattern = (flags: string) => new RegExp(`^%([${flags.replace(/[-\\\]^]/g, '\\$&')}]*)(\\*|\\d+)?(?:\\.(\\*|\\d*))?([hlLjzt]*)`);
const SPEC_BY_FLAGS = new Map<string, RegExp>();

class Formatter {
  out = '';
  messages: string[] = [];
  status = 0;
  private ai = 0;
  /** Where this pass over the format began in out (bash's %n counts from there). */
  private passStart = 0;

  constructor(
    private readonly format: string,
    private readonly args: readonly string[],
    private readonly d: PrintfDialect,
  ) {}

  private next(): string | undefined {
    return this.args[this.ai++];
  }

  private fail(msg: string): void {
    this.messages.push(msg);
    this.status = 1;
  }

  /** A fatal error: what was printed stays, nothing more is. */
  private fatal(msg: string): never {
    this.fail(msg);
    throw new Stop();
  }

  run(): void {
    for (let pass = 0; ; pass++) {
      const before = this.ai;
      this.pass();
      if (this.ai === before) {
        if (pass === 0 && this.ai < this.args.length && this.d.warnExcessArguments) this.messages.push(`warning: ignoring excess arguments, starting with ${lq(this.args[this.ai]!)}`);
        return;
      }
      if (this.ai >= this.args.length) return;
    }
  }

  private pass(): void {
    const fmt = this.format;
    this.passStart = this.out.length;
    for (let i = 0; i < fmt.length; ) {
      const c = fmt[i]!;
      if (c === '\\') {
        i = this.escape(fmt, i, this.d.formatEscapes);
        continue;
      }
      if (c !== '%') {
        SPECIAL.lastIndex = i;
        const end = SPECIAL.exec(fmt)?.index ?? fmt.length;
        this.out += fmt.slice(i, end);
        i = end;
        continue;
      }
      i = this.conversion(fmt, i);
      if (this.out.length > MAX_OUTPUT) this.fatal('memory exhausted');
    }
  }

  /** One directive at fmt[i] === '%'; returns the index after it. */
  private conversion(fmt: string, i: number): number {
    if (fmt[i + 1] === '%') {
      this.out += '%';
      return i + 2;
    }
    const bare = fmt[i + 1];
    if (bare !== undefined && this.d.bareOnly.includes(bare)) {
      this.field(bare, '', 0, undefined);
      return i + 2;
    }
    let spec0 = SPEC_BY_FLAGS.get(this.d.flags);
    if (!spec0) SPEC_BY_FLAGS.set(this.d.flags, (spec0 = specPattern(this.d.flags)));
    const m = spec0.exec(fmt.slice(i))!;
    let j = i + m[0].length;
    const flags = m[1]!;
    // Star arguments are taken (and complained about) before the conversion is judged.
    const { width, left, precision } = this.widthAndPrecision(m);
    if (this.d.time && fmt[j] === '(') {
      const close = fmt.indexOf(')', j);
      if (close >= 0 && fmt[close + 1] === 'T') {
        const arg = this.next();
        let s = this.time(fmt.slice(j + 1, close), arg);
        if (precision !== undefined) s = sliceBytes(s, precision);
        this.out += pad(s, width, left || flags.includes('-'), false);
        return close + 2;
      }
    }
    const conv = fmt[j];
    if (conv === undefined) this.fatal(this.d.badConversion(fmt.slice(i), true));
    j++;
    const spec = fmt.slice(i, j);
    if (!this.d.conversions.includes(conv)) this.fatal(this.d.badConversion(spec, false));
    for (const fl of flags) if (this.d.refusedFlags[fl]?.includes(conv)) this.fatal(this.d.badConversion(spec, false));
    if (m[3] !== undefined && this.d.refusedPrecision.includes(conv)) this.fatal(this.d.badConversion(spec, false));
    if (conv === 'n') {
      const name = this.next() ?? '';
      if (!this.d.assign) this.fatal(this.d.badConversion(spec, false));
      if (!this.d.assign(name, String(byteLength(this.out.slice(this.passStart))))) this.fatal(`\`${name}': not a valid identifier`);
      return j;
    }
    this.field(conv, left ? flags + '-' : flags, width, precision);
    return j;
  }

  private widthAndPrecision(m: RegExpExecArray): { width: number; left: boolean; precision: number | undefined } {
    let width = 0;
    let left = false;
    if (m[2] === '*') {
      const arg = this.next() ?? '';
      const w = this.integer(arg, false);
      if (this.d.checkWidthRange && (w > 2147483647n || w < -2147483647n)) this.fatal(`invalid field width: ${lq(arg)}`);
      width = Number(w < 0n ? -w : w);
      left = w < 0n;
    } else if (m[2]) width = Number(m[2]);
    let precision: number | undefined;
    if (m[3] === '*') {
      const arg = this.next() ?? '';
      const p = this.integer(arg, false);
      if (this.d.checkWidthRange && p > 2147483647n) this.fatal(`invalid precision: ${lq(arg)}`);
      precision = p < 0n ? undefined : Number(p);
    } else if (m[3] !== undefined) precision = Number(m[3] || 0);
    if (width > MAX_FIELD_BYTES || (precision ?? 0) > MAX_FIELD_BYTES) this.fatal('memory exhausted');
    return { width, left, precision };
  }

  private field(conv: string, flags: string, width: number, precision: number | undefined): void {
    const left = flags.includes('-');
    const arg = this.next();
    let s: string;
    switch (conv) {
      case 's':
        s = arg ?? '';
        if (precision !== undefined) s = sliceBytes(s, precision);
        break;
      case 'b': {
        const before = this.out;
        this.out = '';
        let stopped = false;
        try {
          this.expand(arg ?? '', this.d.argumentEscapes);
        } catch (e) {
          if (!(e instanceof Stop)) throw e;
          stopped = true;
        }
        s = this.out;
        this.out = before;
        if (precision !== undefined) s = sliceBytes(s, precision);
        if (stopped) {
          this.out += pad(s, width, left, false);
          throw new Stop();
        }
        break;
      }
      case 'q':
        s = arg === undefined && !this.d.quoteMissingArgument ? '' : this.d.quote(arg ?? '');
        if (precision !== undefined) s = sliceBytes(s, precision);
        break;
      case 'Q':
        s = this.d.quote(precision !== undefined ? sliceBytes(arg ?? '', precision) : (arg ?? ''));
        break;
      case 'c':
        // C's %c of an empty string is the string's terminating NUL.
        s = arg ? sliceBytes(arg, 1) : '\0';
        break;
      case 'd':
      case 'i': {
        const v = this.integer(arg ?? '', false);
        s = (v < 0n ? -v : v).toString();
        if (precision !== undefined) s = precision === 0 && v === 0n ? '' : s.padStart(precision, '0');
        s = (v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
        break;
      }
      case 'o':
      case 'u':
      case 'x':
      case 'X': {
        const v = this.integer(arg ?? '', true);
        s = v.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
        if (conv === 'X') s = s.toUpperCase();
        if (precision !== undefined) s = precision === 0 && v === 0n ? '' : s.padStart(precision, '0');
        if (flags.includes('#')) {
          if (conv === 'o' && !s.startsWith('0')) s = '0' + s;
          else if (conv === 'x' && v !== 0n) s = '0x' + s;
          else if (conv === 'X' && v !== 0n) s = '0X' + s;
        }
        break;
      }
      default: {
        if ((precision ?? 0) > MAX_FLOAT_PRECISION) this.fatal('memory exhausted');
        s = formatLongDouble(this.float(arg ?? ''), conv, precision, flags.includes('#'));
        if (!s.startsWith('-')) s = (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
      }
    }
    const numeric = 'diouxXeEfFgGaA'.includes(conv);
    const zero = numeric && flags.includes('0') && !left && !('diouxX'.includes(conv) && precision !== undefined) && !/inf|nan/i.test(s);
    this.out += pad(s, width, left, zero);
  }

  /** strtoimax/strtoumax of an argument as printf reads it, with the dialect's complaints. */
  private integer(arg: string, unsigned: boolean): bigint {
    const c = this.charConstant(arg);
    if (c !== undefined) return BigInt(c);
    const r = parseCInteger(arg);
    let v = r.negative ? -r.magnitude : r.magnitude;
    let range = false;
    if (unsigned) {
      if (r.magnitude > U64_MAX) {
        v = U64_MAX;
        range = true;
      } else if (v < 0n) v += 1n << 64n;
    } else if (v > I64_MAX) {
      v = I64_MAX;
      range = true;
    } else if (v < I64_MIN) {
      v = I64_MIN;
      range = true;
    }
    this.complain(arg, r.end, range);
    return v;
  }

  /** strtold of an argument. */
  private float(arg: string): LongDouble {
    const c = this.charConstant(arg);
    if (c !== undefined) return longDouble(c);
    const r = parseCFloat(arg);
    this.complain(arg, r.end, r.range);
    return r.value;
  }

  /** The number's complaint: bash names trailing junk before a range error, coreutils the range first. */
  private complain(arg: string, end: number, range: boolean): void {
    const junk = end < arg.length;
    const bad = () => this.fail(this.d.invalidNumber(arg, end === 0));
    const big = () => (this.d.outOfRangeFails ? this.fail(this.d.outOfRange(arg)) : this.messages.push(this.d.outOfRange(arg)));
    if (this.d.outOfRangeFails) {
      if (range) big();
      else if (junk) bad();
    } else if (junk) bad();
    else if (range) big();
  }

  /** 'c or "c: the character's code (coreutils refuses a lone quote and warns about what follows). */
  private charConstant(arg: string): number | undefined {
    if (arg[0] !== "'" && arg[0] !== '"') return undefined;
    if (arg.length === 1) return this.d.strictCharConstant ? undefined : 0;
    const cp = arg.codePointAt(1)!;
    const len = cp > 0xffff ? 2 : 1;
    const rest = arg.slice(1 + len);
    if (rest && this.d.strictCharConstant) this.messages.push(`warning: ${rest}: character(s) following character constant have been ignored`);
    return isRawByte(cp) ? cp - RAW_BASE : cp;
  }

  private time(fmt: string, arg: string | undefined): string {
    const t = this.d.time!;
    const v = arg === undefined || arg === '' ? -1n : this.integer(arg, false);
    const seconds = v === -1n ? t.now() : v === -2n ? t.shellStart() : Number(v);
    return t.strftime(seconds, fmt || '%X');
  }

  /** Expands the escapes of a whole string (%b's argument) into this.out. */
  private expand(s: string, rules: EscapeRules): void {
    for (let i = 0; i < s.length; ) {
      if (s[i] === '\\') i = this.escape(s, i, rules);
      else {
        const k = s.indexOf('\\', i);
        const end = k < 0 ? s.length : k;
        this.out += s.slice(i, end);
        i = end;
      }
    }
  }

  /** The escape at s[i] === '\\' into this.out; returns the index after it. */
  private escape(s: string, i: number, rules: EscapeRules): number {
    const n = s[i + 1];
    if (n === undefined) {
      this.out += '\\';
      return i + 1;
    }
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined && (n !== 'E' || rules.upperE)) {
      this.out += simple;
      return i + 2;
    }
    if (rules.literal.includes(n)) {
      this.out += n;
      return i + 2;
    }
    if (n === 'c' && rules.stopAtC) throw new Stop();
    if (/[0-7]/.test(n)) {
      const from = rules.octal === '0NNN' && n === '0' ? i + 2 : i + 1;
      const digits = /^[0-7]{0,3}/.exec(s.slice(from, from + 3))![0];
      this.out += rawByte(parseInt(digits || '0', 8) & 0xff);
      return from + digits.length;
    }
    if (n === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4))?.[0];
      if (hex) {
        this.out += rawByte(parseInt(hex, 16));
        return i + 2 + hex.length;
      }
      if (this.d.missingHexFatal) this.fatal('missing hexadecimal number in escape');
      this.messages.push('missing hex digit for \\x');
      this.out += '\\x';
      return i + 2;
    }
    if (n === 'u' || n === 'U') return this.unicode(s, i, n, rules);
    this.out += '\\' + n;
    return i + 2;
  }

  private unicode(s: string, i: number, n: string, rules: EscapeRules): number {
    const len = n === 'u' ? 4 : 8;
    const hex = new RegExp(`^[0-9a-fA-F]{1,${len}}`).exec(s.slice(i + 2, i + 2 + len))?.[0] ?? '';
    if (rules.unicode === 'strict') {
      if (hex.length !== len) this.fatal('missing hexadecimal number in escape');
      const v = parseInt(hex, 16);
      if ((v <= 0x9f && v !== 0x24 && v !== 0x40 && v !== 0x60) || (v >= 0xd800 && v <= 0xdfff)) this.fatal(`invalid universal character name \\${n}${hex}`);
      // No such character: coreutils prints the escape as it was written.
      this.out += v > 0x10ffff ? `\\${n}${hex}` : String.fromCodePoint(v);
      return i + 2 + len;
    }
    if (!hex) {
      this.messages.push(`missing unicode digit for \\${n}`);
      this.out += '\\' + n;
      return i + 2;
    }
    const v = parseInt(hex, 16);
    // bash encodes any value the UTF-8 way, surrogates and values past U+10FFFF too.
    this.out += v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff) ? String.fromCodePoint(v) : utf8Bytes(v).map(rawByte).join('');
    return i + 2 + hex.length;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** Pads to width bytes: spaces on the left or right, or zeros after the sign and any 0x. */
function pad(s: string, width: number, left: boolean, zero: boolean): string {
  const missing = width - byteLength(s);
  if (missing <= 0) return s;
  if (left) return s + ' '.repeat(missing);
  if (!zero) return ' '.repeat(missing) + s;
  const prefix = /^[-+ ]?(0[xX])?/.exec(s)![0];
  return prefix + '0'.repeat(missing) + s.slice(prefix.length);
}

