// echo, printf and read, as bash's builtins behave.
import { readLine } from '../redirect.ts';
import { terminalInput } from '../tty.ts';
import { ShellError } from '../state.ts';
import { isName, out, type Builtin } from './types.ts';
import { rawByte, toOutputBytes } from '../../raw-bytes.ts';
import { BASH_PRINTF, formatPrintf, type PrintfDialect } from '../../printf-format.ts';
import { formatDate } from '../../commands/date.ts';

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

const PRINTF_USAGE = 'printf: usage: printf [-v var] format [arguments]\n';

/** An array element as -v and %n name it: a[3]. */
const ELEMENT = /^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$/;

/** Sets `name` or the array element `name[N]`; false when it is neither. */
function assignVariable(state: { set(n: string, v: string): void; setElement(n: string, i: number, v: string): void }, name: string, value: string): boolean {
  if (isName(name)) state.set(name, value);
  else {
    const m = ELEMENT.exec(name);
    if (!m) return false;
    state.setElement(m[1]!, Number(m[2]), value);
  }
  return true;
}
/** `printf --help` (bash 5.2 prints it and returns 2, as for a usage error). */
const PRINTF_HELP = `printf: printf [-v var] format [arguments]
    Formats and prints ARGUMENTS under control of the FORMAT.
    
    Options:
      -v var	assign the output to shell variable VAR rather than
    		display it on the standard output
    
    FORMAT is a character string which contains three types of objects: plain
    characters, which are simply copied to standard output; character escape
    sequences, which are converted and copied to the standard output; and
    format specifications, each of which causes printing of the next successive
    argument.
    
    In addition to the standard format specifications described in printf(1),
    printf interprets:
    
      %b	expand backslash escape sequences in the corresponding argument
      %q	quote the argument in a way that can be reused as shell input
      %Q	like %q, but apply any precision to the unquoted argument before
    		quoting
      %(fmt)T	output the date-time string resulting from using FMT as a format
    	        string for strftime(3)
    
    The format is re-used as necessary to consume all of the arguments.  If
    there are fewer arguments than the format requires,  extra format
    specifications behave as if a zero value or null string, as appropriate,
    had been supplied.
    
    Exit Status:
    Returns success unless an invalid option is given or a write or assignment
    error occurs.
`;

export const printf: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  let varName: string | undefined;
  // bash's getopt: words that start with - are options up to --, and only -v exists.
  while (args[0] !== undefined && args[0].startsWith('-') && args[0] !== '-') {
    const a = args.shift()!;
    if (a === '--') break;
    if (a === '--help') {
      await io.stdout.write(PRINTF_HELP);
      return 2;
    }
    if (a[1] !== 'v') {
      await sh.error(io, `printf: -${a[1]}: invalid option`);
      await io.stderr.write(PRINTF_USAGE);
      return 2;
    }
    varName = a.length > 2 ? a.slice(2) : args.shift();
    if (varName === undefined) {
      await sh.error(io, 'printf: -v: option requires an argument');
      await io.stderr.write(PRINTF_USAGE);
      return 2;
    }
    if (!isName(varName) && !ELEMENT.test(varName)) {
      await sh.error(io, `printf: \`${varName}': not a valid identifier`);
      return 2;
    }
  }
  if (args.length === 0) {
    await io.stderr.write(PRINTF_USAGE);
    return 2;
  }
  const clock = sh.state.host.clock;
  const dialect: PrintfDialect = {
    ...BASH_PRINTF,
    assign: (name, value) => assignVariable(sh.state, name, value),
    time: {
      now: () => Math.floor(clock.now() / 1000),
      shellStart: () => Math.floor(sh.state.startedAt / 1000),
      strftime: (seconds, fmt) => formatDate(seconds * 1000, fmt),
    },
  };
  const r = formatPrintf(args[0]!, args.slice(1), dialect);
  if (varName) assignVariable(sh.state, varName, r.out);
  else await io.stdout.write(toOutputBytes(r.out));
  for (const m of r.messages) await sh.error(io, `printf: ${m}`);
  return r.status;
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
