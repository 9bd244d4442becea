// Tokens of the awk language (POSIX awk, as mawk — Debian's default awk — reads it).

export type TokenKind =
  | 'number'
  | 'string'
  | 'regex'
  | 'name'
  | 'funcname' // a name directly followed by '(' (user function call)
  | 'builtin'
  | 'keyword'
  | 'op'
  | 'newline'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
}

export class AwkSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly near: string,
  ) {
    super(`line ${line}: syntax error at or near ${near}`);
  }
}

const KEYWORDS = new Set([
  'BEGIN', 'END', 'function', 'func', 'if', 'else', 'while', 'for', 'do', 'break', 'continue',
  'next', 'nextfile', 'exit', 'return', 'delete', 'in', 'getline', 'print', 'printf',
]);

export const BUILTINS = new Set([
  'length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'sin', 'cos', 'atan2',
  'exp', 'log', 'sqrt', 'int', 'rand', 'srand', 'tolower', 'toupper', 'system', 'close', 'fflush',
]);

// Longest first, so '>=' wins over '>'.
const OPERATORS = [
  '+=', '-=', '*=', '/=', '%=', '^=', '**=', '**', '||', '&&', '==', '<=', '>=', '!=', '++', '--', '>>', '!~',
  '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '=',
];

/** After these, a '/' divides; elsewhere it starts a regex. */
function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'number' || t.kind === 'string' || t.kind === 'name' || t.kind === 'regex') return true;
  if (t.kind === 'builtin') return true;
  return t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '$' || t.text === '++' || t.text === '--');
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: TokenKind, text: string) => out.push({ kind, text, line });
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      push('newline', '\n');
      line++;
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new AwkSyntaxError(line, 'runaway string constant "' + s.slice(0, 10) + ' ...');
        const ch = src[i]!;
        if (ch === '"') break;
        if (ch === '\\') {
          const n = src[i + 1] ?? '';
          i += 2;
          s += unescapeChar(n);
          continue;
        }
        s += ch;
        i++;
      }
      i++;
      push('string', s);
      continue;
    }
    if (c === '/' && !endsOperand(out[out.length - 1])) {
      let re = '';
      i++;
      let inBracket = false;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new AwkSyntaxError(line, 'runaway regular expression /' + re.slice(0, 10) + ' ...');
        const ch = src[i]!;
        if (ch === '/' && !inBracket) break;
        if (ch === '[') inBracket = true;
        else if (ch === ']') inBracket = false;
        if (ch === '\\' && src[i + 1] === '/') {
          re += '/';
          i += 2;
          continue;
        }
        if (ch === '\\') {
          re += ch + (src[i + 1] ?? '');
          i += 2;
          continue;
        }
        re += ch;
        i++;
      }
      i++;
      push('regex', re);
      continue;
    }
    if (/[0-9.]/.test(c) && /[0-9]/.test(c === '.' ? (src[i + 1] ?? '') : c)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]*([eE][+-]?[0-9]+)?)/.exec(src.slice(i))!;
      push('number', m[0]);
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      if (KEYWORDS.has(word)) push('keyword', word === 'func' ? 'function' : word);
      else if (BUILTINS.has(word)) push('builtin', word);
      else push(src[i] === '(' ? 'funcname' : 'name', word);
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new AwkSyntaxError(line, c);
    push('op', op === '**' ? '^' : op === '**=' ? '^=' : op);
    i += op.length;
  }
  push('eof', 'end of file');
  return out;
}

export function unescapeChar(n: string): string {
  switch (n) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '\\': return '\\';
    case '"': return '"';
    case '/': return '/';
    case 'a': return '\x07';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return '\\' + n;
  }
}
