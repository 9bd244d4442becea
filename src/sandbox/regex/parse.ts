// POSIX regex syntax as the GNU tools and mawk read it, into the tree of ast.ts.
//  basic    (grep, sed): \( \) \{m,n\} \| \+ \?; * literal at the start of a branch; ^ and $
//           anchors only at the edges of a branch, literal elsewhere.
//  extended (grep -E, sed -E): ( ) {m,n} | + ?; a leading repetition is ignored (grep warns);
//           '{' that does not begin a valid interval is literal; an unmatched ')' is literal.
//  awk      (mawk 1.3.4): ERE without intervals ('{' is literal) or GNU escapes; C escapes
//           (\t \n \/ \" \ddd …) are read, inside brackets too; an empty operand is an error.
// Errors carry glibc's words, which are what grep and sed print.
import { CharSetBuilder, classRanges } from './charset.ts';
import { RegexSyntaxError, type Node, type Parsed } from './ast.ts';

export type Syntax = 'basic' | 'extended' | 'awk';

export interface ParseOptions {
  syntax: Syntax;
  /** GNU sed reads \n \t \r \f \v \a \dNNN \oNNN \xHH \cX as the characters they name. */
  sedEscapes?: boolean;
}

/** glibc's RE_DUP_MAX: the largest count an interval may have. */
const DUP_MAX = 32767;

const BAD_BRACKET = 'Unmatched [, [^, [:, [., or [=';

function word(negate: boolean): Node {
  const b = new CharSetBuilder();
  b.addRanges([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0x5f, 0x5f]);
  b.negate = negate;
  return { t: 'set', set: b };
}

function space(negate: boolean): Node {
  const b = new CharSetBuilder();
  b.addRanges(classRanges('space')!);
  b.negate = negate;
  return { t: 'set', set: b };
}

export function literal(c: number): Node {
  const b = new CharSetBuilder();
  b.addChar(c);
  return { t: 'set', set: b };
}

/** Parses a fixed string (grep -F) into a sequence of literals. */
export function parseFixed(s: string): Parsed {
  const items: Node[] = [];
  for (let i = 0; i < s.length; i++) items.push(literal(s.charCodeAt(i)));
  return { node: { t: 'cat', items }, groups: 0, hasBackrefs: false, warnings: [] };
}

class Parser {
  i = 0;
  depth = 0;
  groups = 0;
  readonly closed = new Set<number>();
  hasBackrefs = false;
  readonly warnings: string[] = [];
  readonly bre: boolean;
  readonly awk: boolean;

  constructor(
    readonly src: string,
    readonly opts: ParseOptions,
  ) {
    this.bre = opts.syntax === 'basic';
    this.awk = opts.syntax === 'awk';
  }

  private at(s: string): boolean {
    return this.src.startsWith(s, this.i);
  }
  private atAltSep(): boolean {
    return this.bre ? this.at('\\|') : this.at('|');
  }
  private atGroupEnd(): boolean {
    return this.depth > 0 && (this.bre ? this.at('\\)') : this.at(')'));
  }

  parse(): Parsed {
    const node = this.alt();
    if (this.i < this.src.length) throw new RegexSyntaxError('Unmatched ) or \\)');
    return { node, groups: this.groups, hasBackrefs: this.hasBackrefs, warnings: this.warnings };
  }

  private alt(): Node {
    const alts = [this.branch()];
    while (this.atAltSep()) {
      this.i += this.bre ? 2 : 1;
      alts.push(this.branch());
    }
    // mawk accepts an empty regex (//) but not an empty operand of | or ( ).
    if (this.awk && (alts.length > 1 || this.depth > 0) && alts.some((x) => x.t === 'empty')) throw new RegexSyntaxError('missing operand');
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private branch(): Node {
    const items: Node[] = [];
    /** Where a BRE '*' is literal: nothing before it in the branch but maybe a leading ^. */
    let leading = true;
    while (this.i < this.src.length && !this.atAltSep() && !this.atGroupEnd()) {
      const start = this.i;
      const atom = this.atom(leading, items.length === 0);
      if (atom === null) continue; // an ignored leading repetition
      const isAnchor = atom.t === 'assert' && atom.kind === 'bol' && this.bre;
      items.push(this.quantifiers(atom, leading && isAnchor));
      leading = leading && isAnchor && this.i > start;
    }
    return items.length === 1 ? items[0]! : items.length === 0 ? { t: 'empty' } : { t: 'cat', items };
  }

  /** Reads one atom; null when it was an ERE repetition with nothing before it (ignored). */
  private atom(leading: boolean, first: boolean): Node | null {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '[') return this.bracket();
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '.') {
      const b = new CharSetBuilder();
      b.negate = true;
      return { t: 'set', set: b };
    }
    if (this.bre) {
      if (c === '*' && leading) return literal(0x2a);
      if (c === '^' && first) return { t: 'assert', kind: 'bol' };
      if (c === '$' && (this.i >= s.length || this.at('\\)') || this.at('\\|'))) return { t: 'assert', kind: 'eol' };
      return literal(c.charCodeAt(0));
    }
    switch (c) {
      case '^':
        return { t: 'assert', kind: 'bol' };
      case '$':
        return { t: 'assert', kind: 'eol' };
      case '(': {
        const index = ++this.groups;
        this.depth++;
        const body = this.alt();
        if (!this.at(')')) throw new RegexSyntaxError(this.awk ? 'missing )' : 'Unmatched ( or \\(');
        this.i++;
        this.depth--;
        this.closed.add(index);
        return { t: 'group', index, body };
      }
      case ')':
        if (this.awk) throw new RegexSyntaxError('missing (');
        return literal(0x29);
      case '*':
      case '+':
      case '?':
        if (this.awk) throw new RegexSyntaxError('missing operand');
        this.warnings.push(`${c} at start of expression`);
        return null;
      case '{':
        if (!this.awk && this.interval() !== undefined) {
          this.warnings.push('{...} at start of expression');
          return null;
        }
        return literal(0x7b);
    }
    return literal(c.charCodeAt(0));
  }

  private escape(): Node {
    const s = this.src;
    const n = s[this.i + 1];
    if (n === undefined) throw new RegexSyntaxError('Trailing backslash');
    this.i += 2;
    if (this.bre) {
      if (n === '(') {
        const index = ++this.groups;
        this.depth++;
        const body = this.alt();
        if (!this.at('\\)')) throw new RegexSyntaxError('Unmatched ( or \\(');
        this.i += 2;
        this.depth--;
        this.closed.add(index);
        return { t: 'group', index, body };
      }
      if (n === ')') throw new RegexSyntaxError('Unmatched ) or \\)');
      // A repetition operator with nothing to repeat is an ordinary character.
      if (n === '{' || n === '}' || n === '+' || n === '?') return literal(n.charCodeAt(0));
    }
    const chr = this.charEscape(n);
    if (chr !== undefined) return literal(chr);
    if (this.awk) return literal(n.charCodeAt(0));
    if (n >= '1' && n <= '9') {
      const k = n.charCodeAt(0) - 0x30;
      if (!this.closed.has(k)) throw new RegexSyntaxError('Invalid back reference');
      this.hasBackrefs = true;
      return { t: 'backref', n: k };
    }
    switch (n) {
      case 'w':
        return word(false);
      case 'W':
        return word(true);
      case 's':
        return space(false);
      case 'S':
        return space(true);
      case 'b':
        return { t: 'assert', kind: 'word-boundary' };
      case 'B':
        return { t: 'assert', kind: 'not-word-boundary' };
      case '<':
        return { t: 'assert', kind: 'word-start' };
      case '>':
        return { t: 'assert', kind: 'word-end' };
      case '`':
        return { t: 'assert', kind: 'bot' };
      case "'":
        return { t: 'assert', kind: 'eot' };
    }
    return literal(n.charCodeAt(0));
  }

  /**
   * The character a C-style escape names (awk's, or GNU sed's), with this.i just past the
   * letter; undefined when `n` is not such an escape here. Numeric forms consume their digits.
   */
  private charEscape(n: string): number | undefined {
    const s = this.src;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };
    if (this.awk) {
      if (n in simple) return simple[n];
      if (n === 'b') return 8;
      if (n === '/' || n === '"') return n.charCodeAt(0);
      if (/[0-7]/.test(n)) {
        const m = /^[0-7]{0,2}/.exec(s.slice(this.i))![0];
        this.i += m.length;
        return parseInt(n + m, 8);
      }
      return undefined;
    }
    if (!this.opts.sedEscapes) return undefined;
    if (n in simple) return simple[n];
    const num = (re: RegExp, base: number): number | undefined => {
      const m = re.exec(s.slice(this.i));
      if (!m) return undefined;
      this.i += m[0].length;
      return parseInt(m[0], base);
    };
    if (n === 'd') return num(/^[0-9]{3}/, 10);
    if (n === 'o') return num(/^[0-7]{3}/, 8);
    if (n === 'x') return num(/^[0-9a-fA-F]{1,2}/, 16);
    if (n === 'c' && this.i < s.length) return s[this.i++]!.toUpperCase().charCodeAt(0) ^ 0x40;
    return undefined;
  }

  /** Applies any repetition operators that follow an atom. */
  private quantifiers(atom: Node, afterLeadingAnchor: boolean): Node {
    let node = atom;
    for (;;) {
      const s = this.src;
      const c = s[this.i];
      if (c === '*') {
        if (afterLeadingAnchor && this.bre) return node; // BRE "^*": the * is literal, read as the next atom
        this.i++;
        node = { t: 'repeat', min: 0, max: -1, body: node };
        continue;
      }
      if (this.bre) {
        if (this.at('\\+') || this.at('\\?')) {
          if (afterLeadingAnchor) return node;
          node = { t: 'repeat', min: this.at('\\+') ? 1 : 0, max: this.at('\\+') ? -1 : 1, body: node };
          this.i += 2;
          continue;
        }
        if (this.at('\\{')) {
          if (afterLeadingAnchor) return node;
          const iv = this.interval();
          if (!iv) throw new RegexSyntaxError('Unmatched \\{');
          node = { t: 'repeat', min: iv[0], max: iv[1], body: node };
          continue;
        }
        return node;
      }
      if (c === '+' || c === '?') {
        this.i++;
        node = { t: 'repeat', min: c === '+' ? 1 : 0, max: c === '+' ? -1 : 1, body: node };
        continue;
      }
      if (c === '{' && !this.awk) {
        const iv = this.interval();
        if (!iv) return node;
        node = { t: 'repeat', min: iv[0], max: iv[1], body: node };
        continue;
      }
      return node;
    }
  }

  /**
   * Reads an interval at this.i ("{m,n}" or BRE "\{m,n\}"), returning [min, max] (max -1:
   * unbounded) and moving past it; undefined (not moved) when an ERE '{' is not one.
   */
  private interval(): [number, number] | undefined {
    const rest = this.src.slice(this.i);
    const m = this.bre ? /^\\\{(\d*)(?:(,)(\d*))?\\\}/.exec(rest) : /^\{(\d*)(?:(,)(\d*))?\}/.exec(rest);
    if (!m) {
      if (this.bre) throw new RegexSyntaxError(rest.includes('\\}') ? 'Invalid content of \\{\\}' : 'Unmatched \\{');
      return undefined;
    }
    if (m[1] === '' && !m[2]) throw new RegexSyntaxError('Invalid content of \\{\\}');
    const min = m[1] === '' ? 0 : Number(m[1]);
    const max = m[2] ? (m[3] === '' ? -1 : Number(m[3])) : min;
    if (max !== -1 && max < min) throw new RegexSyntaxError('Invalid content of \\{\\}');
    if (min > DUP_MAX || max > DUP_MAX) throw new RegexSyntaxError('Regular expression too big');
    this.i += m[0].length;
    return [min, max];
  }

  /** A bracket expression at this.i === '['. */
  private bracket(): Node {
    const s = this.src;
    let j = this.i + 1;
    const b = new CharSetBuilder();
    if (s[j] === '^') {
      b.negate = true;
      j++;
    }
    const escapes = this.awk || this.opts.sedEscapes === true;
    /** One end point at j: [code, isClassOrEquiv]; moves j. */
    const point = (): number | 'class' => {
      const c = s[j];
      if (c === undefined) throw new RegexSyntaxError(BAD_BRACKET);
      const k = s[j + 1];
      if (c === '[' && (k === ':' || k === '.' || k === '=')) {
        const end = s.indexOf(k + ']', j + 2);
        if (end < 0) throw new RegexSyntaxError(BAD_BRACKET);
        const name = s.slice(j + 2, end);
        j = end + 2;
        if (k === ':') {
          const r = classRanges(name);
          if (!r) throw new RegexSyntaxError('Invalid character class name');
          b.addRanges(r);
          return 'class';
        }
        if (name.length !== 1) throw new RegexSyntaxError('Invalid collation character');
        if (k === '=') {
          b.addChar(name.charCodeAt(0));
          return 'class';
        }
        return name.charCodeAt(0);
      }
      if (c === '\\' && escapes && k !== undefined) {
        const save = this.i;
        this.i = j + 2;
        const chr = this.charEscape(k);
        const after = this.i;
        this.i = save;
        if (chr !== undefined) {
          j = after;
          return chr;
        }
        if (this.awk) {
          j += 2;
          return k.charCodeAt(0);
        }
      }
      j++;
      return c.charCodeAt(0);
    };
    let first = true;
    for (;;) {
      if (j >= s.length) throw new RegexSyntaxError(BAD_BRACKET);
      if (s[j] === ']' && !first) break;
      first = false;
      const lo = point();
      if (lo === 'class') continue;
      if (s[j] === '-' && s[j + 1] !== undefined && s[j + 1] !== ']') {
        j++;
        const hi = point();
        if (hi === 'class') throw new RegexSyntaxError('Invalid range end');
        if (hi < lo) throw new RegexSyntaxError('Invalid range end');
        b.addRange(lo, hi);
      } else b.addChar(lo);
    }
    this.i = j + 1;
    return { t: 'set', set: b };
  }
}

/** Parses a POSIX regex; throws RegexSyntaxError with glibc's (or mawk's) words. */
export function parseRegex(src: string, opts: ParseOptions): Parsed {
  return new Parser(src, opts).parse();
}
