// Character-level scanning of shell words and operators. The parser pulls tokens one at a
// time because what a character means depends on where it is (a word, "…", ${…}, $(…)).
import type { ParamExpr, Script, Word, WordPart } from './ast.ts';

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** True when more input could complete it (the line editor shows the `> ` prompt). */
    readonly incomplete: boolean,
    /** The offending source line, printed by bash as a second message line. */
    readonly sourceLine?: string,
    /** Incomplete because a here-document's body has not ended yet. */
    readonly inHeredoc = false,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

export type Token =
  | { t: 'word'; word: Word; raw: string; start: number; end: number }
  | { t: 'op'; v: string; start: number; end: number; fd?: number }
  | { t: 'eof'; start: number; end: number };

const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const OPS = ['&&', '||', ';;&', ';;', ';&', '|&', '&>>', '&>', '<<<', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', ';', '&', '|', '<', '>', '(', ')', '\n'];
export const REDIRECT_OPS = new Set(['<', '>', '>>', '<<', '<<-', '<<<', '>&', '<&', '&>', '&>>', '>|', '<>']);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '$', '!', '-', '0']);

/** A body of a here-document waiting for the end of its line. */
export interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  line: number;
  fill: (body: Word) => void;
}

/** Parses a nested command list (for $(…)); supplied by the parser to avoid an import cycle. */
export type NestedParse = (src: string, pos: number, whole?: boolean) => { script: Script; end: number };

export class Lexer {
  pos = 0;
  pendingHeredocs: PendingHeredoc[] = [];

  constructor(
    readonly src: string,
    private readonly nested: NestedParse,
    readonly interactive: boolean,
    readonly warn: (msg: string) => void = () => {},
  ) {}

  lineAt(pos: number): number {
    let n = 1;
    for (let i = 0; i < pos && i < this.src.length; i++) if (this.src[i] === '\n') n++;
    return n;
  }

  sourceLineAt(pos: number): string {
    const s = this.src.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
    let e = this.src.indexOf('\n', s);
    if (e < 0) e = this.src.length;
    return this.src.slice(s, e);
  }

  eofError(what: string): ShellSyntaxError {
    return new ShellSyntaxError(`unexpected EOF while looking for matching \`${what}'`, this.lineAt(this.pos), true);
  }

  /** Skips blanks, comments and backslash-newline continuations (not newlines). */
  skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else break;
    }
  }

  next(): Token {
    this.skipBlanks();
    const start = this.pos;
    if (this.pos >= this.src.length) {
      if (this.pendingHeredocs.length) this.readHeredocBodies();
      return { t: 'eof', start, end: start };
    }
    if (this.src[this.pos] === '\\' && this.pos === this.src.length - 1) {
      if (this.interactive) throw new ShellSyntaxError('unexpected end of file', this.lineAt(this.pos), true);
    }
    // An io number: digits right before < or >.
    const m = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (m) {
      this.pos += m[1]!.length;
      const op = this.readOp();
      if (op && REDIRECT_OPS.has(op)) return { t: 'op', v: op, start, end: this.pos, fd: Number(m[1]) };
      this.pos = start;
    }
    if (this.src.startsWith('<(', this.pos)) {
      // Process substitution: a word of its own.
      const { script, end } = this.nested(this.src, this.pos + 2);
      this.pos = end;
      const part: WordPart = { type: 'procsub', body: script, text: this.src.slice(start, end) };
      return { t: 'word', word: { parts: [part] }, raw: this.src.slice(start, end), start, end };
    }
    const op = this.readOp();
    if (op) {
      if (op === '\n' && this.pendingHeredocs.length) this.readHeredocBodies();
      return { t: 'op', v: op, start, end: this.pos };
    }
    const parts = this.readWordParts('word');
    return { t: 'word', word: { parts }, raw: this.src.slice(start, this.pos), start, end: this.pos };
  }

  private readOp(): string | undefined {
    for (const op of OPS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  /** Reads here-document bodies after the newline that ends their command line. */
  private readHeredocBodies(): void {
    const docs = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const doc of docs) {
      const lines: string[] = [];
      let found = false;
      while (this.pos < this.src.length) {
        let e = this.src.indexOf('\n', this.pos);
        const last = e < 0;
        if (last) e = this.src.length;
        let line = this.src.slice(this.pos, e);
        this.pos = last ? e : e + 1;
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) {
          found = true;
          break;
        }
        lines.push(line);
      }
      if (!found) {
        if (this.interactive) throw new ShellSyntaxError('unexpected end of file', this.lineAt(this.pos), true, undefined, true);
        this.warn(`here-document at line ${doc.line} delimited by end-of-file (wanted \`${doc.delimiter}')`);
      }
      const text = lines.length ? lines.join('\n') + '\n' : '';
      if (doc.quoted) doc.fill({ parts: text ? [{ type: 'sq', text }] : [] });
      else {
        const sub = new Lexer(text, this.nested, false, this.warn);
        doc.fill({ parts: sub.readWordParts('heredoc') });
      }
    }
  }

  /**
   * Reads the parts of a word. Modes: 'word' stops at a metacharacter; 'dq' inside "…";
   * 'param' inside ${…} (stops at the closing brace); 'heredoc' and 'arith' run to the end.
   */
  readWordParts(mode: 'word' | 'dq' | 'param' | 'param-dq' | 'heredoc'): WordPart[] {
    const parts: WordPart[] = [];
    let lit = '';
    const quotedMode = mode === 'dq' || mode === 'heredoc' || mode === 'param-dq';
    const flush = () => {
      // Inside "${…}" text stays a pattern for # % / (it is still quoted against splitting).
      if (lit) parts.push(quotedMode && mode !== 'param-dq' ? { type: 'sq', text: lit } : { type: 'lit', text: lit });
      lit = '';
    };
    let braceDepth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (mode === 'word' && META.has(c)) break;
      if (mode === 'dq' && c === '"') break;
      if (mode === 'param' || mode === 'param-dq') {
        if (c === '}' && braceDepth === 0) break;
        if (c === '{') braceDepth++;
        if (c === '}') braceDepth--;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === undefined) {
          if (this.interactive && mode === 'word') throw new ShellSyntaxError('unexpected end of file', this.lineAt(this.pos), true);
          lit += '\\';
          this.pos++;
          continue;
        }
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (quotedMode) {
          if ('$`"\\'.includes(n) && !(mode === 'heredoc' && n === '"')) {
            lit += n;
          } else lit += '\\' + n;
          this.pos += 2;
          continue;
        }
        flush();
        parts.push({ type: 'sq', text: n });
        this.pos += 2;
        continue;
      }
      if (c === "'" && (mode === 'word' || mode === 'param')) {
        flush();
        const e = this.src.indexOf("'", this.pos + 1);
        if (e < 0) {
          this.pos = this.src.length;
          throw this.eofError("'");
        }
        parts.push({ type: 'sq', text: this.src.slice(this.pos + 1, e) });
        this.pos = e + 1;
        continue;
      }
      if (c === '"' && mode !== 'heredoc' && mode !== 'dq') {
        flush();
        this.pos++;
        const inner = this.readWordParts('dq');
        if (this.src[this.pos] !== '"') throw this.eofError('"');
        this.pos++;
        parts.push({ type: 'dq', parts: inner });
        continue;
      }
      if (c === '$' && this.src[this.pos + 1] === "'" && (mode === 'word' || mode === 'param')) {
        flush();
        parts.push({ type: 'sq', text: this.readAnsiC() });
        continue;
      }
      if (c === '$') {
        const p = this.readDollar(quotedMode);
        if (p) {
          flush();
          parts.push(p);
          continue;
        }
        lit += '$';
        this.pos++;
        continue;
      }
      if (c === '`') {
        flush();
        parts.push(this.readBackquote());
        continue;
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  private readAnsiC(): string {
    let i = this.pos + 2;
    let out = '';
    const s = this.src;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
    while (i < s.length && s[i] !== "'") {
      if (s[i] === '\\' && i + 1 < s.length) {
        const n = s[i + 1]!;
        if (simple[n] !== undefined) {
          out += simple[n];
          i += 2;
        } else if (n === 'x') {
          const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2));
          if (m) {
            out += String.fromCharCode(parseInt(m[0], 16));
            i += 2 + m[0].length;
          } else {
            out += '\\x';
            i += 2;
          }
        } else if (/[0-7]/.test(n)) {
          const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))!;
          out += String.fromCharCode(parseInt(m[0], 8));
          i += 1 + m[0].length;
        } else {
          out += '\\' + n;
          i += 2;
        }
      } else out += s[i++];
    }
    if (i >= s.length) {
      this.pos = s.length;
      throw this.eofError("'");
    }
    this.pos = i + 1;
    return out;
  }

  private readBackquote(): WordPart {
    const start = this.pos;
    let i = this.pos + 1;
    let inner = '';
    while (i < this.src.length && this.src[i] !== '`') {
      if (this.src[i] === '\\' && i + 1 < this.src.length) {
        const n = this.src[i + 1]!;
        inner += '$`\\'.includes(n) ? n : '\\' + n;
        i += 2;
      } else inner += this.src[i++];
    }
    if (i >= this.src.length) {
      this.pos = this.src.length;
      throw this.eofError('`');
    }
    this.pos = i + 1;
    const { script } = this.nested(inner, 0, true);
    return { type: 'cmdsub', body: script, text: this.src.slice(start, this.pos) };
  }

  /** $name, ${…}, $(…), $((…)); undefined when the $ is literal. */
  private readDollar(inDq: boolean): WordPart | undefined {
    const s = this.src;
    const n = s[this.pos + 1];
    if (n === undefined) return undefined;
    if (n === '(' && s[this.pos + 2] === '(') {
      const end = this.findArithEnd(this.pos + 3);
      if (end >= 0) {
        const text = s.slice(this.pos + 3, end);
        this.pos = end + 2;
        const sub = new Lexer(text, this.nested, false, this.warn);
        return { type: 'arith', expr: { parts: sub.readWordParts('heredoc') } };
      }
    }
    if (n === '[') {
      // $[ expr ]: the old arithmetic form, still accepted by bash.
      const end = s.indexOf(']', this.pos + 2);
      if (end >= 0) {
        const text = s.slice(this.pos + 2, end);
        this.pos = end + 1;
        const sub = new Lexer(text, this.nested, false, this.warn);
        return { type: 'arith', expr: { parts: sub.readWordParts('heredoc') } };
      }
    }
    if (n === '(') {
      const start = this.pos;
      const { script, end } = this.nested(s, this.pos + 2);
      this.pos = end;
      return { type: 'cmdsub', body: script, text: s.slice(start, end) };
    }
    if (n === '{') {
      this.pos += 2;
      return { type: 'param', expr: this.readBraceParam(inDq) };
    }
    if (/[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos + 1))!;
      this.pos += 1 + m[0].length;
      return { type: 'param', expr: { name: m[0] } };
    }
    if (/[0-9]/.test(n) || SPECIAL_PARAMS.has(n)) {
      this.pos += 2;
      return { type: 'param', expr: { name: n } };
    }
    return undefined;
  }

  private findArithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) return this.src[i + 1] === ')' ? i : -1;
        depth--;
      }
    }
    if (this.interactive) throw new ShellSyntaxError('unexpected end of file', this.lineAt(this.src.length), true);
    return -1;
  }

  private readBraceParam(inDq: boolean): ParamExpr {
    const s = this.src;
    const rest = () => s.slice(this.pos, this.pos + 64);
    let length = false;
    if (s[this.pos] === '#' && s[this.pos + 1] !== '}' && /^#([A-Za-z_0-9]|[@*?$!#-])/.test(rest())) {
      length = true;
      this.pos++;
    }
    let indirect = false;
    if (s[this.pos] === '!' && /^![A-Za-z_@*#0-9]/.test(rest())) {
      indirect = true;
      this.pos++;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!\-0])/.exec(rest());
    if (!m) {
      const e = s.indexOf('}', this.pos);
      if (e < 0) {
        this.pos = s.length;
        throw this.eofError('}');
      }
      const bad = s.slice(this.pos - 2, e + 1);
      this.pos = e + 1;
      throw new ShellSyntaxError(`${bad}: bad substitution`, this.lineAt(this.pos), false);
    }
    const name = m[1]!;
    this.pos += name.length;
    const expr: ParamExpr = { name };
    if (length) expr.length = true;
    if (indirect) expr.indirect = true;
    if (s[this.pos] === '[' && /^[A-Za-z_]/.test(name)) {
      const close = s.indexOf(']', this.pos);
      const brace = s.indexOf('}', this.pos);
      if (close < 0 || (brace >= 0 && brace < close)) {
        const e = brace < 0 ? s.length : brace;
        const bad = s.slice(this.pos - name.length - 2, e + 1);
        this.pos = e + 1;
        throw new ShellSyntaxError(`${bad}: bad substitution`, this.lineAt(this.pos), false);
      }
      expr.index = s.slice(this.pos + 1, close);
      this.pos = close + 1;
    }
    if (s[this.pos] === '}') {
      this.pos++;
      return expr;
    }
    const opm = /^(:-|:=|:\?|:\+|-|=|\?|\+|##|#|%%|%|\/\/|\/#|\/%|\/|\^\^|\^|,,|,|:)/.exec(rest());
    if (!opm || length) {
      const e = s.indexOf('}', this.pos);
      if (e < 0) {
        this.pos = s.length;
        throw this.eofError('}');
      }
      throw new ShellSyntaxError(`\${${s.slice(this.pos - name.length - (length ? 1 : 0), e)}}: bad substitution`, this.lineAt(this.pos), false);
    }
    expr.op = opm[1]!;
    this.pos += expr.op.length;
    const mode = inDq ? 'param-dq' : 'param';
    if (expr.op.startsWith('/')) {
      expr.arg = { parts: this.readUntilSlash(mode) };
      if (s[this.pos] === '/') {
        this.pos++;
        expr.arg2 = { parts: this.readWordParts(mode) };
      }
    } else if (expr.op === ':') {
      const colon = this.findTopLevel(':');
      if (colon >= 0) {
        const sub = new Lexer(s.slice(this.pos, colon), this.nested, false, this.warn);
        expr.arg = { parts: sub.readWordParts('heredoc') };
        this.pos = colon + 1;
        expr.arg2 = { parts: this.readWordParts(mode) };
      } else expr.arg = { parts: this.readWordParts(mode) };
    } else expr.arg = { parts: this.readWordParts(mode) };
    if (s[this.pos] !== '}') {
      this.pos = s.length;
      throw this.eofError('}');
    }
    this.pos++;
    return expr;
  }

  private findTopLevel(ch: string): number {
    for (let i = this.pos; i < this.src.length; i++) {
      if (this.src[i] === '}') return -1;
      if (this.src[i] === ch) return i;
    }
    return -1;
  }

  private readUntilSlash(mode: 'param' | 'param-dq'): WordPart[] {
    const e = this.src.slice(this.pos).search(/[/}]/);
    const end = e < 0 ? this.src.length : this.pos + e;
    const sub = new Lexer(this.src.slice(this.pos, end), this.nested, false, this.warn);
    const parts = sub.readWordParts(mode);
    this.pos = end;
    return parts;
  }
}
