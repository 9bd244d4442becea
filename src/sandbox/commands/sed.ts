// sed (GNU sed 4.9): the stream editor — -n, -e, -f, -i[SUFFIX], -E/-r, -s; addresses
// (N, $, /re/, \cREc, first~step, A,B, A,+N, !), commands s y p P d D n N a i c q Q = h H
// g G x b t T : { }, with GNU's one-line a/i/c. BRE and ERE are translated to JavaScript
// regular expressions. Errors are sed's: "sed: -e expression #1, char 5: unterminated `s' command".
import { resolvePath } from '../../platform/filesystem.ts';
import { readAllText } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { reason } from './common.ts';

const USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single
                 continuous long stream.
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

class SedError extends Error {}

type Addr = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp | null } | { kind: 'step'; first: number; step: number } | { kind: 'plus'; n: number };

interface Cmd {
  a1?: Addr;
  a2?: Addr;
  negate: boolean;
  name: string;
  /** s: regex, replacement, flags; y: maps; a/i/c: text; b/t/T: label; q/Q: exit code. */
  re?: RegExp | null;
  replacement?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  label?: string;
  code?: number;
  ymap?: Map<string, string>;
  /** index of the matching } for {, or of the { for } */
  jump?: number;
  /** range state */
  active?: boolean;
  endLine?: number;
}

const CLASS: Record<string, string> = { alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~' };

/** POSIX BRE/ERE (GNU flavour) → JavaScript source. */
export function toJsRegex(src: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '[') {
      // Bracket expression: copy through, translating [:class:] and escaping backslashes.
      let j = i + 1;
      let body = '';
      if (src[j] === '^') {
        body += '^';
        j++;
      }
      if (src[j] === ']') {
        body += '\\]';
        j++;
      }
      while (j < src.length && src[j] !== ']') {
        const cls = /^\[:([a-z]+):\]/.exec(src.slice(j));
        if (cls) {
          body += CLASS[cls[1]!] ?? '';
          j += cls[0].length;
          continue;
        }
        body += src[j] === '\\' ? '\\\\' : src[j];
        j++;
      }
      if (j >= src.length) throw new SedError('unterminated address regex');
      out += `[${body}]`;
      i = j;
      continue;
    }
    if (c === '\\' && i + 1 < src.length) {
      const n = src[++i]!;
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (n === '<' || n === '>') out += '\\b';
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (/[0-9wWsSb.*[\]^$\\/]/.test(n)) out += `\\${n}`;
      else if (extended && '(){}|+?'.includes(n)) out += `\\${n}`;
      else out += n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (!extended && c === '*' && (out === '' || out.endsWith('(') || out === '^')) {
      out += '\\*';
      continue;
    }
    out += c;
  }
  return out;
}

class Parser {
  i = 0;
  cmds: Cmd[] = [];
  constructor(
    readonly text: string,
    readonly extended: boolean,
    readonly where: string,
  ) {}

  err(msg: string, at = this.i): never {
    throw new SedError(`${this.where}, char ${at}: ${msg}`);
  }
  peek() {
    return this.text[this.i];
  }
  skipWs() {
    while (this.i < this.text.length && /[ \t]/.test(this.text[this.i]!)) this.i++;
  }

  /** Reads up to an unescaped delimiter; returns the raw text (escapes kept except \delim). */
  delimited(delim: string, what: string): string {
    let out = '';
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '\\' && this.i + 1 < this.text.length) {
        const n = this.text[this.i + 1]!;
        out += n === delim && delim !== '&' ? n : n === 'n' && what !== 'regex' ? '\n' : `\\${n}`;
        this.i += 2;
        continue;
      }
      if (c === delim) {
        this.i++;
        return out;
      }
      if (c === '\n' && what !== 'replacement') break;
      out += c;
      this.i++;
    }
    return this.err(what === 'y' ? "unterminated `y' command" : what === 'addr' ? 'unterminated address regex' : "unterminated `s' command", this.text.length);
  }

  regex(src: string, flags: string): RegExp | null {
    if (src === '') return null; // empty regex: the last one used
    try {
      return new RegExp(toJsRegex(src, this.extended), flags);
    } catch (e) {
      // JavaScript's complaint, in glibc regcomp's words.
      const js = e instanceof Error ? e.message : '';
      const msg = /Unterminated group/.test(js)
        ? 'Unmatched ( or \\('
        : /Unmatched '\)'/.test(js)
          ? 'Unmatched ) or \\)'
          : /Nothing to repeat/.test(js)
            ? 'Invalid preceding regular expression'
            : /character class/.test(js)
              ? 'Unmatched [, [^, [:, [., or [='
              : /Incomplete quantifier|numbers out of order/.test(js)
                ? 'Invalid content of \\{\\}'
                : 'Invalid regular expression';
      return this.err(msg);
    }
  }

  address(): Addr | undefined {
    const c = this.peek();
    if (c === undefined) return undefined;
    if (/\d/.test(c)) {
      const m = /^(\d+)(?:~(\d+))?/.exec(this.text.slice(this.i))!;
      this.i += m[0].length;
      if (m[2] !== undefined) return { kind: 'step', first: Number(m[1]), step: Number(m[2]) };
      return { kind: 'line', n: Number(m[1]) };
    }
    if (c === '$') {
      this.i++;
      return { kind: 'last' };
    }
    if (c === '/' || c === '\\') {
      let delim = '/';
      if (c === '\\') {
        delim = this.text[this.i + 1] ?? '';
        this.i++;
      }
      this.i++;
      const src = this.delimited(delim, 'addr');
      let flags = '';
      while (this.peek() === 'I' || this.peek() === 'M') {
        flags += this.peek() === 'I' ? 'i' : 'm';
        this.i++;
      }
      return { kind: 're', re: this.regex(src, flags) };
    }
    return undefined;
  }

  label(): string {
    this.skipWs();
    let l = '';
    while (this.i < this.text.length && !/[;\n]/.test(this.text[this.i]!)) l += this.text[this.i++];
    return l.trim();
  }

  /** a/i/c text: GNU one-liner "a text" or "a\" newline "text" (lines ending in \ continue). */
  lineText(): string {
    this.skipWs();
    if (this.peek() === '\\') {
      this.i++;
      if (this.peek() === '\n') this.i++;
    }
    let t = '';
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '\\' && this.i + 1 < this.text.length) {
        t += this.text[this.i + 1] === '\n' ? '\n' : this.text[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '\n') break;
      t += c;
      this.i++;
    }
    return t;
  }

  parse(): Cmd[] {
    const stack: number[] = [];
    while (this.i < this.text.length) {
      while (this.i < this.text.length && /[\s;]/.test(this.text[this.i]!)) this.i++;
      if (this.i >= this.text.length) break;
      if (this.peek() === '#') {
        while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
        continue;
      }
      const cmd: Cmd = { negate: false, name: '' };
      cmd.a1 = this.address();
      if (cmd.a1 && this.peek() === ',') {
        this.i++;
        if (this.peek() === '+') {
          this.i++;
          const m = /^\d+/.exec(this.text.slice(this.i));
          if (!m) this.err('expected newer version of sed');
          this.i += m[0].length;
          cmd.a2 = { kind: 'plus', n: Number(m[0]) };
        } else {
          cmd.a2 = this.address();
          if (!cmd.a2) this.err('unexpected `,\'');
        }
      }
      this.skipWs();
      while (this.peek() === '!') {
        cmd.negate = true;
        this.i++;
        this.skipWs();
      }
      const name = this.text[this.i++];
      if (name === undefined) this.err('missing command');
      cmd.name = name;
      switch (name) {
        case '{':
          stack.push(this.cmds.length);
          break;
        case '}':
          if (cmd.a1) this.err("} doesn't want any addresses");
          if (!stack.length) this.err("unexpected `}'");
          cmd.jump = stack.pop()!;
          this.cmds[cmd.jump]!.jump = this.cmds.length;
          break;
        case 's': {
          const delim = this.text[this.i++];
          if (delim === undefined || delim === '\n' || delim === '\\') this.err("unterminated `s' command");
          const src = this.delimited(delim, 'regex');
          const rep = this.delimited(delim, 'replacement');
          let flags = '';
          while (this.i < this.text.length && !/[;\n}#\s]/.test(this.text[this.i]!)) {
            const f = this.text[this.i++]!;
            if (f === 'g') cmd.global = true;
            else if (f === 'p') cmd.print = true;
            else if (f === 'i' || f === 'I') flags += 'i';
            else if (f === 'm' || f === 'M') flags += 'm';
            else if (/\d/.test(f)) {
              let n = f;
              while (/\d/.test(this.peek() ?? '')) n += this.text[this.i++];
              cmd.nth = Number(n);
            } else if (f === 'e' || f === 'w') this.err(`the \`${f}' flag is not supported in the sandbox`);
            else this.err("unknown option to `s'");
          }
          cmd.re = this.regex(src, flags);
          cmd.replacement = rep;
          break;
        }
        case 'y': {
          const delim = this.text[this.i++]!;
          const a = [...this.delimited(delim, 'y').replace(/\\\\/g, '\\')];
          const b = [...this.delimited(delim, 'y').replace(/\\\\/g, '\\')];
          if (a.length !== b.length) this.err("strings for `y' command are different lengths");
          cmd.ymap = new Map(a.map((x, k) => [x, b[k]!]));
          break;
        }
        case 'a':
        case 'i':
        case 'c':
          cmd.text = this.lineText();
          break;
        case 'b':
        case 't':
        case 'T':
          cmd.label = this.label();
          break;
        case ':':
          if (cmd.a1) this.err(": doesn't want any addresses");
          cmd.label = this.label();
          if (!cmd.label) this.err('":" lacks a label');
          break;
        case 'q':
        case 'Q': {
          this.skipWs();
          const m = /^\d+/.exec(this.text.slice(this.i));
          if (m) this.i += m[0].length;
          cmd.code = m ? Number(m[0]) : 0;
          break;
        }
        case 'p':
        case 'P':
        case 'd':
        case 'D':
        case 'n':
        case 'N':
        case '=':
        case 'h':
        case 'H':
        case 'g':
        case 'G':
        case 'x':
        case 'z':
        case 'l':
          break;
        default:
          this.err(`unknown command: \`${name}'`);
      }
      this.cmds.push(cmd);
    }
    if (stack.length) this.err("unmatched `{'", 0);
    for (const c of this.cmds) {
      if ((c.name === 'b' || c.name === 't' || c.name === 'T') && c.label && !this.cmds.some((x) => x.name === ':' && x.label === c.label)) {
        throw new SedError(`-e expression #1, char ${this.text.length}: can't find label for jump to \`${c.label}'`.replace(/^-e expression #1/, this.where.replace(/^sed: /, '')));
      }
    }
    return this.cmds;
  }
}

/** The replacement text for one match: & and \1..\9, \n, \t, \L \U \l \u \E case conversions. */
function substitute(rep: string, m: RegExpExecArray): string {
  let out = '';
  let mode: 'U' | 'L' | '' = '';
  let once: 'u' | 'l' | '' = '';
  const add = (s: string) => {
    for (const ch of s) {
      let c = mode === 'U' ? ch.toUpperCase() : mode === 'L' ? ch.toLowerCase() : ch;
      if (once) {
        c = once === 'u' ? c.toUpperCase() : c.toLowerCase();
        once = '';
      }
      out += c;
    }
  };
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '&') add(m[0]);
    else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i]!;
      if (/\d/.test(n)) add(m[Number(n)] ?? '');
      else if (n === 'n') add('\n');
      else if (n === 't') add('\t');
      else if (n === 'U' || n === 'L') mode = n;
      else if (n === 'E') mode = '';
      else if (n === 'u' || n === 'l') once = n;
      else add(n);
    } else add(c);
  }
  return out;
}

interface Input {
  name: string;
  lines: string[];
  /** Whether the last line had a trailing newline. */
  finalNewline: boolean;
}

class Runner {
  hold = '';
  lastRe: RegExp | null = null;
  quit: number | undefined;
  out = '';
  lineNo = 0;
  constructor(
    readonly cmds: Cmd[],
    readonly quiet: boolean,
  ) {}

  private re(r: RegExp | null | undefined): RegExp {
    const use = r ?? this.lastRe;
    if (!use) throw new SedError('no previous regular expression');
    this.lastRe = use;
    return use;
  }

  private matchAddr(a: Addr, ps: string, last: boolean): boolean {
    switch (a.kind) {
      case 'line':
        return this.lineNo === a.n;
      case 'last':
        return last;
      case 're':
        return new RegExp(this.re(a.re).source, this.re(a.re).flags.replace('g', '')).test(ps);
      case 'step':
        return a.step <= 0 ? this.lineNo === a.first : this.lineNo >= a.first && (this.lineNo - a.first) % a.step === 0;
      case 'plus':
        return false;
    }
  }

  private selected(c: Cmd, ps: string, last: boolean): boolean {
    let hit: boolean;
    if (!c.a1) hit = true;
    else if (!c.a2) hit = this.matchAddr(c.a1, ps, last);
    else if (c.active) {
      const a2 = c.a2;
      let end: boolean;
      if (a2.kind === 'line') end = this.lineNo >= a2.n;
      else if (a2.kind === 'plus') end = this.lineNo >= (c.endLine ?? 0);
      else end = this.matchAddr(a2, ps, last);
      if (end) c.active = false;
      hit = true;
    } else if (this.matchAddr(c.a1, ps, last)) {
      hit = true;
      const a2 = c.a2;
      if (a2.kind === 'line') c.active = a2.n > this.lineNo;
      else if (a2.kind === 'plus') {
        c.endLine = this.lineNo + a2.n;
        c.active = a2.n > 0;
      } else c.active = !last;
    } else hit = false;
    return hit !== c.negate;
  }

  /** Runs the script over a stream of lines; writes to this.out. */
  runStream(lines: string[], finalNewline: boolean, isLastStream: boolean): void {
    let idx = 0;
    let ps: string | undefined;
    let append: string[] = [];
    const emit = (s: string, nl = true) => (this.out += s + (nl ? '\n' : ''));
    const nextLine = (): string | undefined => {
      if (idx >= lines.length) return undefined;
      this.lineNo++;
      return lines[idx++];
    };
    const isLast = () => idx >= lines.length && isLastStream;
    const flushAppend = () => {
      for (const a of append) emit(a);
      append = [];
    };
    const endOfCycle = (printPs: boolean) => {
      if (printPs && !this.quiet && ps !== undefined) emit(ps, idx < lines.length || finalNewline || !isLastStream);
      flushAppend();
    };
    while ((ps = nextLine()) !== undefined) {
      let tFlag = false;
      let pc = 0;
      let deleted = false;
      restart: while (pc < this.cmds.length) {
        const c = this.cmds[pc]!;
        if (c.name === ':' || c.name === '}') {
          pc++;
          continue;
        }
        if (!this.selected(c, ps, isLast())) {
          pc = c.name === '{' ? c.jump! + 1 : pc + 1;
          continue;
        }
        switch (c.name) {
          case '{':
            break;
          case 's': {
            const re = this.re(c.re);
            const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
            let count = 0;
            let changed = false;
            let result = '';
            let lastEnd = 0;
            let prevEnd = -1;
            for (let m = g.exec(ps); m; m = g.exec(ps)) {
              // POSIX: an empty match right where the previous match ended does not count.
              if (m[0] === '' && m.index === prevEnd) {
                g.lastIndex++;
                continue;
              }
              prevEnd = m.index + m[0].length;
              count++;
              const want = c.nth ? count === c.nth || (c.global && count > c.nth) : c.global || count === 1;
              if (want) {
                result += ps.slice(lastEnd, m.index) + substitute(c.replacement!, m);
                lastEnd = m.index + m[0].length;
                changed = true;
                if (!c.global && (!c.nth || count >= c.nth)) break;
              }
              if (m[0] === '') g.lastIndex++;
            }
            if (changed) {
              ps = result + ps.slice(lastEnd);
              tFlag = true;
              if (c.print) emit(ps);
            }
            break;
          }
          case 'y':
            ps = [...ps].map((ch) => c.ymap!.get(ch) ?? ch).join('');
            break;
          case 'p':
            emit(ps);
            break;
          case 'P':
            emit(ps.split('\n')[0]!);
            break;
          case 'd':
            deleted = true;
            break restart;
          case 'D': {
            const nl = ps.indexOf('\n');
            if (nl < 0) {
              deleted = true;
              break restart;
            }
            ps = ps.slice(nl + 1);
            flushAppend();
            pc = 0;
            continue restart;
          }
          case 'n':
            if (this.quit === undefined && idx < lines.length) {
              if (!this.quiet) emit(ps);
              flushAppend();
              ps = nextLine()!;
            } else {
              if (idx >= lines.length) {
                endOfCycle(true);
                return;
              }
            }
            break;
          case 'N':
            if (idx < lines.length) ps += '\n' + nextLine()!;
            else {
              // GNU sed prints the pattern space when N hits the end (POSIXLY_CORRECT aside).
              endOfCycle(true);
              return;
            }
            break;
          case 'a':
            append.push(c.text!);
            break;
          case 'i':
            emit(c.text!);
            break;
          case 'c':
            if (!c.a2 || !c.active) emit(c.text!);
            deleted = true;
            break restart;
          case '=':
            emit(String(this.lineNo));
            break;
          case 'l':
            emit(ps.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n') + '$');
            break;
          case 'h':
            this.hold = ps;
            break;
          case 'H':
            this.hold += '\n' + ps;
            break;
          case 'g':
            ps = this.hold;
            break;
          case 'G':
            ps += '\n' + this.hold;
            break;
          case 'x':
            [ps, this.hold] = [this.hold, ps];
            break;
          case 'z':
            ps = '';
            break;
          case 'q':
            this.quit = c.code;
            endOfCycle(true);
            return;
          case 'Q':
            this.quit = c.code;
            return;
          case 'b':
          case 't':
          case 'T': {
            const jump = c.name === 'b' || (c.name === 't' ? tFlag : !tFlag);
            if (c.name !== 'b') tFlag = false;
            if (jump) {
              if (!c.label) break restart;
              pc = this.cmds.findIndex((x) => x.name === ':' && x.label === c.label);
              continue restart;
            }
            break;
          }
        }
        pc++;
      }
      endOfCycle(!deleted);
      if (this.quit !== undefined) return;
    }
  }
}

function parseScript(parts: { text: string; where: string }[], extended: boolean): Cmd[] {
  const cmds: Cmd[] = [];
  // GNU joins -e pieces with newlines; errors name the piece.
  for (const p of parts) cmds.push(...new Parser(p.text, extended, p.where).parse());
  let depth = 0;
  for (const c of cmds) {
    if (c.name === '{') depth++;
    if (c.name === '}') depth--;
  }
  return cmds;
}

async function readInputs(ctx: CommandContext, files: string[]): Promise<{ inputs: Input[]; status: number }> {
  const inputs: Input[] = [];
  let status = 0;
  for (const f of files.length ? files : ['-']) {
    let text: string;
    try {
      if (f === '-') text = await readAllText(ctx.stdin);
      else {
        const p = resolvePath(ctx.cwd, f);
        if (ctx.fs.stat(p).type === 'dir') {
          await ctx.stderr.write(`sed: couldn't edit ${f}: not a regular file\n`);
          status = 2;
          continue;
        }
        text = new TextDecoder().decode(ctx.fs.readFile(p));
      }
    } catch (e) {
      await ctx.stderr.write(`sed: can't read ${f}: ${reason(e)}\n`);
      status = 2;
      continue;
    }
    const finalNewline = text.endsWith('\n');
    const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');
    inputs.push({ name: f, lines, finalNewline });
  }
  return { inputs, status };
}

export const sed: Command = {
  name: 'sed',
  summary: 'stream editor for filtering and transforming text',
  async run(ctx) {
    let quiet = false;
    let extended = false;
    let inPlace: string | undefined;
    let separate = false;
    const scripts: { text: string; where: string }[] = [];
    const files: string[] = [];
    const args = ctx.argv.slice(1);
    let eCount = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const need = async (flag: string): Promise<string | undefined> => {
        if (i + 1 < args.length) return args[++i];
        await ctx.stderr.write(`sed: option requires an argument -- '${flag}'\n${USAGE}`);
        return undefined;
      };
      if (a === '--') {
        files.push(...args.slice(i + 1));
        break;
      }
      if (a === '--help') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a === '--version') {
        await ctx.stdout.write('sed (GNU sed) 4.9\n');
        return 0;
      }
      if (a === '-n' || a === '--quiet' || a === '--silent') quiet = true;
      else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
      else if (a === '-s' || a === '--separate') separate = true;
      else if (a === '--posix' || a === '-u' || a === '--unbuffered') continue;
      else if (a === '-i' || a.startsWith('--in-place')) {
        inPlace = a.includes('=') ? a.slice(a.indexOf('=') + 1) : '';
        separate = true;
      } else if (/^-i./.test(a) && !a.startsWith('-in')) {
        inPlace = a.slice(2);
        separate = true;
      } else if (a === '-e' || a.startsWith('--expression')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : await need('e');
        if (v === undefined) return 1;
        scripts.push({ text: v, where: `-e expression #${++eCount}` });
      } else if (/^-e./.test(a)) scripts.push({ text: a.slice(2), where: `-e expression #${++eCount}` });
      else if (a === '-f' || a.startsWith('--file')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : await need('f');
        if (v === undefined) return 1;
        try {
          scripts.push({ text: new TextDecoder().decode(ctx.fs.readFile(resolvePath(ctx.cwd, v))), where: `file ${v} line 1` });
        } catch (e) {
          await ctx.stderr.write(`sed: couldn't open file ${v}: ${reason(e)}\n`);
          return 1;
        }
      } else if (/^-[nEsr]+$/.test(a)) {
        for (const f of a.slice(1)) {
          if (f === 'n') quiet = true;
          else if (f === 's') separate = true;
          else extended = true;
        }
      } else if (a.startsWith('-') && a !== '-') {
        await ctx.stderr.write(`sed: invalid option -- '${a[1]}'\n${USAGE}`);
        return 1;
      } else files.push(a);
    }
    if (scripts.length === 0) {
      if (files.length === 0) {
        await ctx.stderr.write(USAGE);
        return 1;
      }
      scripts.push({ text: files.shift()!, where: '-e expression #1' });
    }
    let cmds: Cmd[];
    try {
      cmds = parseScript(scripts, extended);
    } catch (e) {
      if (e instanceof SedError) {
        await ctx.stderr.write(`sed: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    if (inPlace !== undefined && files.length === 0) {
      await ctx.stderr.write('sed: no input files\n');
      return 1;
    }
    const { inputs, status } = await readInputs(ctx, files);
    const runner = new Runner(cmds, quiet);
    try {
      if (separate) {
        for (const inp of inputs) {
          runner.out = '';
          if (inPlace !== undefined) runner.lineNo = 0;
          runner.runStream(inp.lines, inp.finalNewline, true);
          if (inPlace !== undefined) {
            const p = resolvePath(ctx.cwd, inp.name);
            try {
              if (inPlace) ctx.fs.writeFile(`${p}${inPlace}`, ctx.fs.readFile(p));
              ctx.fs.writeFile(p, runner.out);
            } catch (e) {
              await ctx.stderr.write(`sed: couldn't open temporary file ${resolvePath(p, '..')}/sed${inp.name.split('/').pop()}: ${reason(e)}\n`);
              return 4;
            }
          } else await ctx.stdout.write(runner.out);
          if (runner.quit !== undefined) break;
        }
      } else {
        const all = inputs.flatMap((x) => x.lines);
        const lastNl = inputs.length ? inputs[inputs.length - 1]!.finalNewline : true;
        runner.runStream(all, lastNl, true);
        await ctx.stdout.write(runner.out);
      }
    } catch (e) {
      if (e instanceof SedError) {
        await ctx.stderr.write(`sed: ${e.message}\n`);
        return 4;
      }
      throw e;
    }
    return runner.quit ?? status;
  },
};
