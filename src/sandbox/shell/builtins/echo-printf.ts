// echo, printf and read, as bash's builtins behave.
import { readLine } from '../redirect.ts';
import { terminalInput } from '../tty.ts';
import { ShellError } from '../state.ts';
import { isName, out, type Builtin } from './types.ts';
import { MAX_FLOAT_PRECISION, formatFloatC } from '../../c-float-format.ts';
import { rawByte, toOutputBytes } from '../../raw-bytes.ts';

/** Backslash escapes of `echo -e` and printf's %b. Returns the text and whether \c stopped output. */
export function interpretEscapes(s: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      text += c;
      continue;
    }
    const n = s[++i]!;
    const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (simple[n] !== undefined) text += simple[n];
    else if (n === 'c') return { text, stop: true };
    else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
      if (m) {
        text += rawByte(parseInt(m[0], 16));
        i += m[0].length;
      } else text += '\\x';
    } else if (n === '0' || (!octalNeedsZero && /[1-7]/.test(n))) {
      const m = /^[0-7]{0,3}/.exec(s.slice(n === '0' && octalNeedsZero ? i + 1 : i))!;
      const digits = n === '0' && octalNeedsZero ? m[0] : m[0];
      text += rawByte(parseInt(digits || '0', 8) & 0xff);
      i += n === '0' && octalNeedsZero ? digits.length : digits.length - 1;
    } else text += '\\' + n;
  }
  return { text, stop: false };
}

export const echo: Builtin = async (_sh, argv, io) => {
  let args = argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length && /^-[neE]+$/.test(args[0]!)) {
    for (const f of args[0]!.slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else escapes = false;
    }
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const r = interpretEscapes(text, true);
    text = r.text;
    if (r.stop) newline = false;
  }
  await io.stdout.write(toOutputBytes(newline ? text + '\n' : text));
  return 0;
};

/** Formats like printf(1); the format is reused while arguments remain. */
export function formatPrintf(format: string, args: string[], errors: string[]): string {
  let result = '';
  let ai = 0;
  const next = () => args[ai++];
  const num = (spec: string, a: string | undefined): number => {
    if (a === undefined || a === '') return 0;
    if (/^['"]/.test(a)) return a.codePointAt(1) ?? 0;
    const t = a.trim();
    if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
    if (/^[-+]?0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
    if (/^[-+]?\d+$/.test(t)) return Number(t);
    if ('feEgG'.includes(spec) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
    errors.push(`printf: ${a}: invalid number`);
    const m = /^[-+]?\d+/.exec(t);
    return m ? Number(m[0]) : 0;
  };
  // The format is reused while arguments remain (a pass that consumes none ends it).
  for (;;) {
    const before = ai;
    let stop = false;
    for (let i = 0; i < format.length; i++) {
      const c = format[i]!;
      if (c === '\\') {
        const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i))!;
        const r = interpretEscapes(/^\\[0-7]/.test(m[0]) ? '\\0' + m[1] : m[0], true);
        result += r.text;
        i += m[0].length - 1;
        continue;
      }
      if (c !== '%') {
        result += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+)?)?([diouxXfeEgGcsbq%])/.exec(format.slice(i));
      if (!m) {
        result += c;
        continue;
      }
      i += m[0].length - 1;
      const flags = m[1]!;
      const width = m[2] === '*' ? num('d', next()) : m[2] ? Number(m[2]) : 0;
      const precision = m[3] === '*' ? num('d', next()) : m[3] !== undefined ? Number(m[3]) : m[0].includes('.') ? 0 : undefined;
      const spec = m[4]!;
      if (spec === '%') {
        result += '%';
        continue;
      }
      const arg = next();
      let s: string;
      switch (spec) {
        case 's':
          s = arg ?? '';
          if (precision !== undefined) s = s.slice(0, precision);
          break;
        case 'b': {
          const r = interpretEscapes(arg ?? '', false);
          s = r.text;
          if (r.stop) stop = true;
          break;
        }
        case 'q':
          s = arg === undefined || arg === '' ? "''" : /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : arg.replace(/[^A-Za-z0-9_@%+=:,./-]/g, '\\$&');
          break;
        case 'c':
          s = (arg ?? '').charAt(0);
          break;
        case 'd':
        case 'i': {
          const v = Math.trunc(num(spec, arg));
          s = Math.abs(v).toString();
          if (precision !== undefined) s = s.padStart(precision, '0');
          s = (v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
          let v = Math.trunc(num(spec, arg));
          if (v < 0) v = Number(BigInt.asUintN(64, BigInt(v)));
          s = v.toString(spec === 'o' ? 8 : spec === 'u' ? 10 : 16);
          if (spec === 'X') s = s.toUpperCase();
          if (flags.includes('#') && v !== 0) s = (spec === 'o' ? '0' : spec === 'x' ? '0x' : spec === 'X' ? '0X' : '') + s;
          if (precision !== undefined) s = s.padStart(precision, '0');
          break;
        }
        default: {
          const v = num(spec, arg);
          const p = precision ?? 6;
          s = formatFloatC(v, spec, Math.min(p, MAX_FLOAT_PRECISION), flags.includes('#'));
          if (v >= 0 && flags.includes('+')) s = '+' + s;
        }
      }
      if (s.length < width) {
        if (flags.includes('-')) s = s.padEnd(width);
        else if (flags.includes('0') && ('feEgG'.includes(spec) || ('diouxX'.includes(spec) && precision === undefined))) {
          const sign = /^[-+ ]/.test(s) ? s[0]! : '';
          s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
        } else s = s.padStart(width);
      }
      result += s;
      if (stop) return result;
    }
    if (ai >= args.length || ai === before) break;
  }
  return result;
}

export const printf: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let varName: string | undefined;
  if (args[0] === '-v') {
    varName = args[1];
    args = args.slice(2);
    if (varName === undefined || !isName(varName)) throw new ShellError(`printf: \`${varName ?? ''}': not a valid identifier`);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    await io.stderr.write('printf: usage: printf [-v var] format [arguments]\n');
    return 2;
  }
  const errors: string[] = [];
  const text = formatPrintf(args[0]!, args.slice(1), errors);
  if (varName) sh.state.set(varName, text);
  else await io.stdout.write(toOutputBytes(text));
  for (const e of errors) await sh.error(io, e);
  return errors.length ? 1 : 0;
};

export const read: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let raw = false;
  let prompt = '';
  let delim = '\n';
  let silent = false;
  while (args[0]?.startsWith('-') && args[0] !== '-') {
    const a = args.shift()!;
    if (a === '--') break;
    for (let k = 1; k < a.length; k++) {
      const f = a[k]!;
      if (f === 'r') raw = true;
      else if (f === 's') silent = true;
      else if (f === 'p' || f === 'd' || f === 't' || f === 'n' || f === 'a' || f === 'u') {
        const v = a.slice(k + 1) || args.shift() || '';
        if (f === 'p') prompt = v;
        if (f === 'd') delim = v.charAt(0) || '\0';
        break;
      } else {
        await sh.error(io, `read: -${f}: invalid option`);
        await io.stderr.write('read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n');
        return 2;
      }
    }
  }
  if (prompt && io.stdin.isTTY) await io.stderr.write(prompt);
  const term = silent ? terminalInput(io.stdin) : undefined;
  term?.setEcho(false);
  let line = '';
  let eof = false;
  try {
    for (;;) {
      const r = await readLine(io.stdin, delim);
      eof = r.eof;
      if (!raw && r.line.endsWith('\\') && !r.eof) {
        line += r.line.slice(0, -1);
        continue;
      }
      line += r.line;
      break;
    }
  } finally {
    term?.setEcho(true);
  }
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  const names = args.length ? args : ['REPLY'];
  for (const n of names) if (!isName(n)) throw new ShellError(`read: \`${n}': not a valid identifier`);
  if (names.length === 1 && names[0] === 'REPLY' && args.length === 0) sh.state.set('REPLY', line);
  else {
    const ifs = sh.state.get('IFS') ?? ' \t\n';
    const ws = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
    let rest = line.replace(new RegExp(`^[${escapeClass(ws)}]+`), '');
    names.forEach((n, i) => {
      if (i === names.length - 1) {
        sh.state.set(n, rest.replace(new RegExp(`[${escapeClass(ws)}]+$`), ''));
        return;
      }
      const m = new RegExp(`[${escapeClass(ifs)}]`).exec(rest);
      if (!m || ifs === '') {
        sh.state.set(n, rest);
        rest = '';
      } else {
        sh.state.set(n, rest.slice(0, m.index));
        rest = rest.slice(m.index + 1).replace(new RegExp(`^[${escapeClass(ws)}]+`), '');
      }
    });
  }
  return eof && line === '' ? 1 : eof ? 1 : 0;
};

function escapeClass(s: string): string {
  return s.replace(/[\]\\^-]/g, '\\$&') || '\\s';
}
