// The sed script parser: the -e / -f pieces, in order, become one flat list of commands
// ({ and } linked by index so the executor can skip a block). As in GNU sed the pieces are
// one program: a block or a jump may span them; errors name the piece they arise in.
import { compile, RegexSyntaxError, type Regex } from '../regex/index.ts';
import { SedError, type Addr, type Cmd } from './script.ts';

/** One piece of script and where it came from, which is how sed's errors name it. */
export interface ScriptPiece {
  text: string;
  origin: { expression: number } | { file: string };
}

/** A { not yet closed, and how an "unmatched `{'" error names it. */
interface OpenBrace {
  index: number;
  where: string;
}

/** Parses one piece, adding to the command list and open braces shared by all pieces. */
class Parser {
  i = 0;
  readonly text: string;
  constructor(
    readonly piece: ScriptPiece,
    readonly extended: boolean,
    readonly cmds: Cmd[],
    readonly openBraces: OpenBrace[],
  ) {
    this.text = piece.text;
  }

  /** "-e expression #2, char 5" or "file x.sed line 3": GNU counts characters in -e, lines in -f. */
  where(at: number): string {
    const o = this.piece.origin;
    if ('file' in o) return `file ${o.file} line ${this.text.slice(0, at).split('\n').length}`;
    return `-e expression #${o.expression}, char ${at}`;
  }

  err(msg: string, at = this.i): never {
    throw new SedError(`${this.where(at)}: ${msg}`);
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
      if (c === '\n') break; // a bare newline ends even the replacement (an escaped one is kept)
      out += c;
      this.i++;
    }
    return this.err(what === 'y' ? "unterminated `y' command" : what === 'addr' ? 'unterminated address regex' : "unterminated `s' command");
  }

  /** Compiles an address or s/// regex; flags: 'i' (I) and 'm' (M). */
  regex(src: string, flags: string): Regex | null {
    if (src === '') return null; // empty regex: the last one used
    try {
      return compile(src, { syntax: this.extended ? 'extended' : 'basic', ignoreCase: flags.includes('i'), newlineAnchors: flags.includes('m'), sedEscapes: true });
    } catch (e) {
      if (e instanceof RegexSyntaxError) return this.err(e.message);
      throw e;
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

  parse(): void {
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
          // GNU names an unclosed brace by its piece: char 0 in -e, its line in a file.
          this.openBraces.push({ index: this.cmds.length, where: 'file' in this.piece.origin ? this.where(this.i) : this.where(0) });
          break;
        case '}':
          if (cmd.a1) this.err("} doesn't want any addresses");
          if (!this.openBraces.length) this.err("unexpected `}'");
          cmd.jump = this.openBraces.pop()!.index;
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
  }
}

/** Parses the pieces, in order, into one command list; throws SedError on the first fault. */
export function parseScript(pieces: ScriptPiece[], extended: boolean): Cmd[] {
  const cmds: Cmd[] = [];
  const openBraces: OpenBrace[] = [];
  for (const p of pieces) new Parser(p, extended, cmds, openBraces).parse();
  const unclosed = openBraces.pop();
  if (unclosed) throw new SedError(`${unclosed.where}: unmatched \`{'`);
  for (const c of cmds) {
    const jumps = c.name === 'b' || c.name === 't' || c.name === 'T';
    // GNU checks jumps once the whole program is read; the message has no location, and sed exits 4.
    if (jumps && c.label && !cmds.some((x) => x.name === ':' && x.label === c.label)) throw new SedError(`can't find label for jump to \`${c.label}'`, 4);
  }
  return cmds;
}
