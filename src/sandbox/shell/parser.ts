// Recursive-descent parser for the bash grammar the lessons use (and a good deal more).
import type { AndOr, Assignment, CaseCommand, Command, Pipeline, Redirect, Script, SimpleCommand, Word } from './ast.ts';
import { Lexer, REDIRECT_OPS, ShellSyntaxError, type Token } from './lexer.ts';
import { scanCondRegex } from './cond-regex.ts';

export { ShellSyntaxError } from './lexer.ts';

const DECLARATION_BUILTINS = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}', '!', 'function', 'select', '[[', ']]', 'time']);

export interface ParseOptions {
  /** Interactive input: running out of input mid-construct is "incomplete", not an error. */
  interactive?: boolean;
  /** Warnings (here-document delimited by end-of-file). */
  warn?: (msg: string) => void;
}

/** Parses a whole script. Throws ShellSyntaxError. */
export function parse(src: string, opts: ParseOptions = {}): Script {
  const p = new Parser(src, 0, opts);
  const script = p.parseList([]);
  const t = p.peek();
  if (t.t !== 'eof') throw p.unexpected(t);
  return script;
}

/** True when the text is a complete command (no open quote, here-document, `if` …). */
export function isIncomplete(src: string): boolean {
  try {
    parse(src, { interactive: true });
    return false;
  } catch (e) {
    if (!(e instanceof ShellSyntaxError && e.incomplete)) return false;
  }
  // The line was ended with Enter: if the newline itself is the unexpected token
  // (`cat <<`, `echo >`), bash reports the error at once instead of asking for more.
  try {
    parse(src + '\n', { interactive: true });
    return true;
  } catch (e) {
    return e instanceof ShellSyntaxError && e.incomplete;
  }
}

/** Text read as the body of an unquoted here-document ($VAR, $(…), `…`, $((…)) expand; quotes stay). */
export function parseExpandableText(text: string): Word {
  const p = new Parser(text, 0, {});
  return p.heredocWord(text);
}

/** True while the text ends inside a here-document body (its lines are taken literally). */
export function inHeredocBody(src: string): boolean {
  try {
    parse(src, { interactive: true });
    return false;
  } catch (e) {
    return e instanceof ShellSyntaxError && e.incomplete && e.inHeredoc;
  }
}

/** A literal word's text when it has no quotes or expansions (reserved words, names). */
export function plainText(w: Word): string | undefined {
  if (w.parts.length === 1 && w.parts[0]!.type === 'lit') return w.parts[0]!.text;
  return undefined;
}

class Parser {
  private readonly lx: Lexer;
  private buffered: Token | undefined;

  constructor(
    src: string,
    pos: number,
    private readonly opts: ParseOptions,
  ) {
    this.lx = new Lexer(src, (s, p, whole) => this.parseNested(s, p, whole), !!opts.interactive, opts.warn);
    this.lx.pos = pos;
  }

  heredocWord(text: string): Word {
    const lx = new Lexer(text, (s, p, whole) => this.parseNested(s, p, whole), false);
    return { parts: lx.readWordParts('heredoc') };
  }

  private parseNested(src: string, pos: number, whole = false): { script: Script; end: number } {
    if (whole) return { script: parse(src, { ...this.opts, interactive: false }), end: src.length };
    const p = new Parser(src, pos, this.opts);
    const script = p.parseList([')']);
    const t = p.peek();
    if (t.t === 'eof') throw new ShellSyntaxError("unexpected EOF while looking for matching `)'", p.lx.lineAt(src.length) + 1, true);
    if (!(t.t === 'op' && t.v === ')')) throw p.unexpected(t);
    return { script, end: t.end };
  }

  peek(): Token {
    if (!this.buffered) this.buffered = this.lx.next();
    return this.buffered;
  }

  private take(): Token {
    const t = this.peek();
    this.buffered = undefined;
    return t;
  }

  private isOp(t: Token, ...vs: string[]): boolean {
    return t.t === 'op' && vs.includes(t.v);
  }

  private isWord(t: Token, w: string): boolean {
    return t.t === 'word' && plainText(t.word) === w;
  }

  unexpected(t: Token): ShellSyntaxError {
    if (t.t === 'eof') return new ShellSyntaxError('syntax error: unexpected end of file', this.lx.lineAt(this.lx.src.length) + 1, true);
    const text = t.t === 'op' ? (t.v === '\n' ? 'newline' : t.v) : t.raw;
    return new ShellSyntaxError(`syntax error near unexpected token \`${text}'`, this.lx.lineAt(t.start), false, this.lx.sourceLineAt(t.start));
  }

  private skipNewlines(): void {
    while (this.isOp(this.peek(), '\n')) this.take();
  }

  /** A command list up to one of the terminators (reserved words or ')' ';;'), or EOF. */
  parseList(terminators: string[]): Script {
    const items: AndOr[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.t === 'eof') break;
      if (t.t === 'op' && (terminators.includes(t.v) || t.v === ';;' || t.v === ';&' || t.v === ';;&')) break;
      if (t.t === 'word' && terminators.includes(plainText(t.word) ?? '\0')) break;
      const ao = this.parseAndOr();
      items.push(ao);
      const sep = this.peek();
      if (this.isOp(sep, ';', '&', '\n')) {
        this.take();
        if (sep.t === 'op' && sep.v === '&') {
          ao.background = true;
          ao.text = ao.text + ' &';
        }
        continue;
      }
      break;
    }
    return { items };
  }

  private parseAndOr(): AndOr {
    const start = this.peek().start;
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    let end = this.lastEnd;
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '&&', '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: (t as { v: '&&' | '||' }).v, pipeline: this.parsePipeline() });
      end = this.lastEnd;
    }
    return { first, rest, background: false, text: this.lx.src.slice(start, end).trim(), endLine: this.lx.lineAt(Math.max(start, end - 1)) };
  }

  private lastEnd = 0;

  private parsePipeline(): Pipeline {
    let negated = false;
    let timed = false;
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, '!')) {
        this.take();
        negated = !negated;
      } else if (this.isWord(t, 'time')) {
        this.take();
        timed = true;
      } else break;
    }
    const commands: Command[] = [this.parseCommand()];
    const stderrToo: boolean[] = [];
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '|', '|&')) break;
      this.take();
      stderrToo.push(t.t === 'op' && t.v === '|&');
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    const p: Pipeline = { negated, commands, stderrToo };
    if (timed) p.timed = true;
    return p;
  }

  private expectWord(w: string): Token {
    const t = this.take();
    if (!this.isWord(t, w)) throw this.unexpected(t);
    this.lastEnd = t.end;
    return t;
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.t === 'eof') throw this.unexpected(t);
    if (t.t === 'op' && t.v === '(') {
      if (this.lx.src[t.end] === '(' ) return this.parseArithCommand();
      this.take();
      const body = this.parseList([')']);
      const close = this.take();
      if (!this.isOp(close, ')')) throw this.unexpected(close);
      if (body.items.length === 0) throw this.unexpected(close);
      this.lastEnd = close.end;
      return { type: 'subshell', body, redirects: this.parseRedirects() };
    }
    if (t.t === 'word') {
      const w = plainText(t.word);
      switch (w) {
        case '{': {
          this.take();
          const body = this.parseList(['}']);
          if (body.items.length === 0) throw this.unexpected(this.peek());
          this.expectWord('}');
          return { type: 'group', body, redirects: this.parseRedirects() };
        }
        case 'if':
          return this.parseIf();
        case 'while':
        case 'until': {
          this.take();
          const cond = this.parseList(['do']);
          this.expectWord('do');
          const body = this.parseList(['done']);
          this.expectWord('done');
          return { type: 'while', until: w === 'until', cond, body, redirects: this.parseRedirects() };
        }
        case 'for':
          return this.parseFor();
        case 'case':
          return this.parseCase();
        case 'function': {
          this.take();
          const name = this.take();
          if (name.t !== 'word') throw this.unexpected(name);
          if (this.isOp(this.peek(), '(')) {
            this.take();
            const c = this.take();
            if (!this.isOp(c, ')')) throw this.unexpected(c);
          }
          return this.parseFunctionBody(name.raw, name.start);
        }
        case '[[':
          return this.parseCond();
        case 'then':
        case 'else':
        case 'elif':
        case 'fi':
        case 'do':
        case 'done':
        case 'esac':
        case '}':
        case 'in':
        case ']]':
          throw this.unexpected(t);
      }
    }
    if (t.t === 'op' && !REDIRECT_OPS.has(t.v)) throw this.unexpected(t);
    return this.parseSimple();
  }

  private parseFunctionBody(name: string, start: number): Command {
    this.skipNewlines();
    const body = this.parseCommand();
    if (body.type === 'simple' || body.type === 'function') throw this.unexpected(this.peek());
    return { type: 'function', name, body, text: this.lx.src.slice(start, this.lastEnd) };
  }

  private parseArithCommand(): Command {
    const t = this.take();
    const src = this.lx.src;
    let depth = 0;
    let i = t.end + 1;
    for (; i < src.length; i++) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (i >= src.length || src[i + 1] !== ')') throw new ShellSyntaxError('syntax error: unexpected end of file', this.lx.lineAt(src.length) + 1, true);
    const text = src.slice(t.end + 1, i);
    this.lx.pos = i + 2;
    this.buffered = undefined;
    this.lastEnd = i + 2;
    const sub = new Lexer(text, (s, p) => this.parseNested(s, p), false);
    return { type: 'arith-cmd', expr: { parts: sub.readWordParts('heredoc') }, redirects: this.parseRedirects() };
  }

  private parseCond(): Command {
    this.take();
    const words: Word[] = [];
    for (;;) {
      const prev = words[words.length - 1];
      if (prev && prev.parts.length === 1 && prev.parts[0]!.type === 'lit' && prev.parts[0]!.text === '=~' && !this.buffered) {
        words.push(this.readCondRegex());
        continue;
      }
      const t = this.take();
      if (t.t === 'eof') throw this.unexpected(t);
      if (this.isWord(t, ']]')) {
        this.lastEnd = t.end;
        break;
      }
      if (t.t === 'op') {
        if (t.v === '\n') continue;
        words.push({ parts: [{ type: 'sq', text: t.v }] });
      } else words.push(t.word);
    }
    return { type: 'cond', words, redirects: this.parseRedirects() };
  }

  /** The right side of =~ (see scanCondRegex), as a word whose expansions still apply. */
  private readCondRegex(): Word {
    this.lx.skipBlanks();
    const { text, end } = scanCondRegex(this.lx.src, this.lx.pos);
    this.lx.pos = end;
    const sub = new Lexer(text, (s, p, whole) => this.parseNested(s, p, whole), false);
    return { parts: sub.readWordParts('heredoc').map((p) => (p.type === 'sq' ? { type: 'lit' as const, text: p.text } : p)) };
  }

  private parseIf(): Command {
    this.take();
    const clauses: { cond: Script; body: Script }[] = [];
    let elseBody: Script | undefined;
    for (;;) {
      const cond = this.parseList(['then']);
      if (cond.items.length === 0) throw this.unexpected(this.peek());
      this.expectWord('then');
      const body = this.parseList(['elif', 'else', 'fi']);
      if (body.items.length === 0) throw this.unexpected(this.peek());
      clauses.push({ cond, body });
      const t = this.take();
      if (this.isWord(t, 'elif')) continue;
      if (this.isWord(t, 'else')) {
        elseBody = this.parseList(['fi']);
        if (elseBody.items.length === 0) throw this.unexpected(this.peek());
        this.expectWord('fi');
        break;
      }
      if (this.isWord(t, 'fi')) {
        this.lastEnd = t.end;
        break;
      }
      throw this.unexpected(t);
    }
    const cmd: Command = { type: 'if', clauses, redirects: [] };
    if (elseBody) cmd.elseBody = elseBody;
    cmd.redirects = this.parseRedirects();
    return cmd;
  }

  private parseFor(): Command {
    const line = this.lx.lineAt(this.take().start);
    if (this.isOp(this.peek(), '(') && this.lx.src[this.peek().end] === '(') {
      const t = this.take();
      const src = this.lx.src;
      const close = src.indexOf('))', t.end + 1);
      if (close < 0) throw new ShellSyntaxError('syntax error: unexpected end of file', this.lx.lineAt(src.length) + 1, true);
      const [init = '', cond = '', step = ''] = src.slice(t.end + 1, close).split(';');
      this.lx.pos = close + 2;
      this.buffered = undefined;
      if (this.isOp(this.peek(), ';')) this.take();
      this.skipNewlines();
      const body = this.parseDoGroup();
      return { type: 'arith-for', init, cond, step, body, redirects: this.parseRedirects(), line };
    }
    const nameTok = this.take();
    if (nameTok.t !== 'word') throw this.unexpected(nameTok);
    const name = nameTok.raw;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellSyntaxError(`\`${name}': not a valid identifier`, this.lx.lineAt(nameTok.start), false);
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.isWord(this.peek(), 'in')) {
      this.take();
      items = [];
      for (;;) {
        const t = this.peek();
        if (t.t !== 'word') break;
        this.take();
        items.push(t.word);
      }
      const sep = this.take();
      if (!this.isOp(sep, ';', '\n')) throw this.unexpected(sep);
    } else if (this.isOp(this.peek(), ';')) this.take();
    this.skipNewlines();
    const body = this.parseDoGroup();
    const cmd: Command = { type: 'for', name, body, redirects: [], line };
    if (items) cmd.items = items;
    cmd.redirects = this.parseRedirects();
    return cmd;
  }

  private parseDoGroup(): Script {
    const t = this.peek();
    if (this.isWord(t, '{')) {
      this.take();
      const body = this.parseList(['}']);
      this.expectWord('}');
      return body;
    }
    this.expectWord('do');
    const body = this.parseList(['done']);
    if (body.items.length === 0) throw this.unexpected(this.peek());
    this.expectWord('done');
    return body;
  }

  private parseCase(): Command {
    this.take();
    const subj = this.take();
    if (subj.t !== 'word') throw this.unexpected(subj);
    this.skipNewlines();
    this.expectWord('in');
    const items: CaseCommand['items'] = [];
    for (;;) {
      this.skipNewlines();
      let t = this.peek();
      if (this.isWord(t, 'esac')) {
        this.take();
        this.lastEnd = t.end;
        break;
      }
      if (this.isOp(t, '(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        t = this.take();
        if (t.t !== 'word') throw this.unexpected(t);
        patterns.push(t.word);
        const n = this.take();
        if (this.isOp(n, '|')) continue;
        if (this.isOp(n, ')')) break;
        throw this.unexpected(n);
      }
      const body = this.parseList(['esac']);
      const term = this.peek();
      let terminator: ';;' | ';&' | ';;&' = ';;';
      if (this.isOp(term, ';;', ';&', ';;&')) {
        this.take();
        terminator = (term as { v: ';;' }).v;
      } else if (!this.isWord(term, 'esac')) throw this.unexpected(term);
      items.push({ patterns, body, terminator });
    }
    return { type: 'case', subject: subj.word, items, redirects: this.parseRedirects() };
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !REDIRECT_OPS.has(t.v)) break;
      out.push(this.parseRedirect());
    }
    return out;
  }

  /** The target of the redirection parseRedirect read last, as written. */
  private lastRedirectSource = '';

  private parseRedirect(): Redirect {
    const t = this.take() as Extract<Token, { t: 'op' }>;
    const target = this.take();
    if (target.t !== 'word') throw this.unexpected(target);
    this.lastEnd = target.end;
    this.lastRedirectSource = target.raw;
    const op = t.v;
    if (op === '<<' || op === '<<-') {
      const quoted = target.word.parts.some((p) => p.type !== 'lit');
      const delimiter = target.word.parts.map((p) => (p.type === 'lit' || p.type === 'sq' ? p.text : p.type === 'dq' ? p.parts.map((q) => ('text' in q ? q.text : '')).join('') : '')).join('');
      const r: Redirect = { kind: 'heredoc', fd: t.fd ?? 0, body: { parts: [] }, quoted, stripTabs: op === '<<-', delimiter };
      this.lx.pendingHeredocs.push({ delimiter, quoted, stripTabs: op === '<<-', line: this.lx.lineAt(t.start), fill: (body) => (r.body = body) });
      return r;
    }
    if (op === '<<<') return { kind: 'herestring', fd: t.fd ?? 0, target: target.word };
    if (op === '&>' || op === '&>>') return { kind: 'both', op, target: target.word };
    if (op === '>&' || op === '<&') {
      const txt = plainText(target.word);
      if (op === '>&' && t.fd === undefined && txt !== undefined && !/^(\d+|-)$/.test(txt)) return { kind: 'both', op: '&>', target: target.word };
      return { kind: 'dup', fd: t.fd ?? (op === '>&' ? 1 : 0), op, target: target.word };
    }
    const fileOp = op as '>' | '>>' | '<' | '>|' | '<>';
    return { kind: 'file', fd: t.fd ?? (op === '<' || op === '<>' ? 0 : 1), op: fileOp, target: target.word };
  }

  private parseSimple(): Command {
    const sourceWords: string[] = [];
    const redirectSources: string[] = [];
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirects: [], line: this.lx.lineAt(this.peek().start), sourceWords, redirectSources };
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && REDIRECT_OPS.has(t.v)) {
        cmd.redirects.push(this.parseRedirect());
        redirectSources.push(this.lastRedirectSource);
        continue;
      }
      if (t.t !== 'word') break;
      sourceWords.push(t.raw);
      if (cmd.words.length === 0) {
        const a = asAssignment(t.word);
        if (a) {
          this.take();
          this.lastEnd = t.end;
          const open = this.peek();
          if (a.value.parts.length === 0 && a.index === undefined && this.isOp(open, '(') && open.start === t.end) {
            // name=( words ): an array, words may span lines.
            this.take();
            a.array = [];
            for (;;) {
              this.skipNewlines();
              const w = this.take();
              if (this.isOp(w, ')')) {
                this.lastEnd = w.end;
                break;
              }
              if (w.t !== 'word') throw this.unexpected(w);
              a.array.push(w.word);
            }
          }
          cmd.assigns.push(a);
          continue;
        }
      }
      this.take();
      this.lastEnd = t.end;
      cmd.words.push(t.word);
      const decl = cmd.words.length > 1 ? asAssignment(t.word) : undefined;
      const next = this.peek();
      if (decl && decl.value.parts.length === 0 && DECLARATION_BUILTINS.has(plainText(cmd.words[0]!) ?? '') && this.isOp(next, '(') && next.start === t.end) {
        this.take();
        const words: Word[] = [];
        for (;;) {
          this.skipNewlines();
          const w = this.take();
          if (this.isOp(w, ')')) {
            this.lastEnd = w.end;
            break;
          }
          if (w.t !== 'word') throw this.unexpected(w);
          words.push(w.word);
        }
        (cmd.declArrays ??= []).push({ name: decl.name, words, append: decl.append });
        continue;
      }
      if (cmd.words.length === 1 && cmd.assigns.length === 0 && this.isOp(this.peek(), '(')) {
        // name() compound-command
        const open = this.take();
        const close = this.take();
        // bash reads `name (` as a function definition and stops at the end of the line.
        if (close.t === 'eof') throw new ShellSyntaxError("syntax error near unexpected token `newline'", this.lx.lineAt(open.start), false, this.lx.sourceLineAt(open.start));
        if (!this.isOp(close, ')')) throw this.unexpected(close);
        const name = plainText(t.word);
        if (name === undefined) throw this.unexpected(close);
        return this.parseFunctionBody(name, t.start);
      }
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) throw this.unexpected(this.peek());
    return cmd;
  }
}

/** `NAME=value` / `NAME+=value` as the first part of an unquoted word. */
function asAssignment(w: Word): Assignment | undefined {
  const first = w.parts[0];
  if (!first || first.type !== 'lit') return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?(\+?)=/.exec(first.text);
  if (!m) return undefined;
  const restText = first.text.slice(m[0].length);
  const parts = [...(restText ? [{ type: 'lit' as const, text: restText }] : []), ...w.parts.slice(1)];
  const a: Assignment = { name: m[1]!, value: { parts }, append: m[3] === '+' };
  if (m[2] !== undefined) a.index = m[2];
  return a;
}
