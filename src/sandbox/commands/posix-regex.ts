// POSIX basic and extended regular expressions (with GNU's extensions) translated to
// JavaScript RegExp source, for grep (and later sed). Errors carry GNU grep's words.

export class RegexSyntaxError extends Error {}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** JS-escapes one literal character. */
const lit = (c: string) => (/[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c);

/** Translates a bracket expression starting at re[i] === '['; returns [js, next index]. */
function bracket(re: string, i: number): [string, number] {
  let j = i + 1;
  let out = '[';
  if (j >= re.length) throw new RegexSyntaxError('Invalid regular expression');
  if (re[j] === '^') {
    out += '^';
    j++;
  }
  let first = true;
  for (;;) {
    if (j >= re.length) throw new RegexSyntaxError('Unmatched [, [^, [:, [., or [=');
    const c = re[j]!;
    if (c === ']' && !first) return [out + ']', j + 1];
    first = false;
    if (c === '[' && (re[j + 1] === ':' || re[j + 1] === '.' || re[j + 1] === '=')) {
      const kind = re[j + 1]!;
      const end = re.indexOf(kind + ']', j + 2);
      if (end < 0) throw new RegexSyntaxError('Unmatched [, [^, [:, [., or [=');
      const name = re.slice(j + 2, end);
      if (kind === ':') {
        const cls = CLASSES[name];
        if (!cls) throw new RegexSyntaxError('Invalid character class name');
        out += cls;
      } else out += lit(name);
      j = end + 2;
      continue;
    }
    if (c === '-' && re[j + 1] !== ']' && out.length > 1 && !out.endsWith('[^')) {
      out += '-';
      j++;
      continue;
    }
    out += c === '\\' || c === ']' || c === '[' || c === '^' ? '\\' + c : c;
    j++;
  }
}

/**
 * POSIX regex → JS RegExp source. `extended`: ERE (grep -E); otherwise BRE with GNU's
 * \+ \? \| \{n,m\}. Throws RegexSyntaxError with grep's message.
 */
export function posixToJs(re: string, extended: boolean): string {
  let out = '';
  let depth = 0;
  /** True where a '*' would have nothing to repeat (start, after '(' or '|' or '^'). */
  let atStart = true;
  for (let i = 0; i < re.length; ) {
    const c = re[i]!;
    if (c === '[') {
      const [b, next] = bracket(re, i);
      out += b;
      i = next;
      atStart = false;
      continue;
    }
    if (c === '\\') {
      const n = re[i + 1];
      i += 2;
      if (n === undefined) throw new RegexSyntaxError('Trailing backslash');
      if (!extended && (n === '(' || n === ')' || n === '|' || n === '{' || n === '}' || n === '+' || n === '?')) {
        if (n === '(') {
          depth++;
          out += '(';
          atStart = true;
        } else if (n === ')') {
          if (depth === 0) throw new RegexSyntaxError('Unmatched ) or \\)');
          depth--;
          out += ')';
          atStart = false;
        } else if (n === '|') {
          out += '|';
          atStart = true;
        } else if (n === '{') {
          const m = /^(\d*)(,(\d*))?\\\}/.exec(re.slice(i));
          if (!m) throw new RegexSyntaxError(re.slice(i).includes('\\}') ? 'Invalid content of \\{\\}' : 'Unmatched \\{');
          out += `{${m[1] || '0'}${m[2] ? ',' + (m[3] ?? '') : ''}}`;
          i += m[0].length;
        } else if (n === '}') out += '\\}';
        else out += n;
        continue;
      }
      if (/[1-9]/.test(n)) out += '\\' + n;
      else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if ('wWsSbB'.includes(n)) out += '\\' + n;
      else if (n === '`') out += '^';
      else if (n === "'") out += '$';
      else out += lit(n);
      atStart = false;
      continue;
    }
    i++;
    if (c === '*') {
      if (atStart) out += extended ? '' : '\\*';
      else out += '*';
      atStart = false;
      continue;
    }
    if (c === '^') {
      if (extended || atStart) {
        out += '^';
        atStart = true;
      } else out += '\\^';
      continue;
    }
    if (c === '$') {
      const atEnd = i >= re.length || (!extended && (re.startsWith('\\)', i) || re.startsWith('\\|', i)));
      out += extended || atEnd ? '$' : '\\$';
      atStart = false;
      continue;
    }
    if (extended && (c === '(' || c === ')' || c === '|' || c === '+' || c === '?' || c === '{')) {
      if (c === '(') {
        depth++;
        out += '(';
        atStart = true;
      } else if (c === ')') {
        if (depth === 0) out += '\\)';
        else {
          depth--;
          out += ')';
        }
        atStart = false;
      } else if (c === '|') {
        out += '|';
        atStart = true;
      } else if (c === '{') {
        const m = /^(\d+)(,(\d*))?\}|^,(\d+)\}/.exec(re.slice(i));
        if (!m || atStart) out += '\\{';
        else {
          out += m[4] !== undefined ? `{0,${m[4]}}` : `{${m[1]}${m[2] ? ',' + (m[3] ?? '') : ''}}`;
          i += m[0].length;
        }
      } else out += atStart ? '' : c;
      continue;
    }
    out += c === '.' ? '.' : lit(c);
    atStart = false;
  }
  if (depth > 0) throw new RegexSyntaxError('Unmatched ( or \\(');
  return out;
}

/** Compiles a POSIX pattern (or a fixed string with `fixed`) into a RegExp. */
export function compilePattern(pattern: string, opts: { extended?: boolean; fixed?: boolean; ignoreCase?: boolean; word?: boolean; line?: boolean; global?: boolean }): RegExp {
  let src = opts.fixed ? pattern.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&') : posixToJs(pattern, opts.extended ?? false);
  if (opts.word) src = `(?<![\\w])(?:${src})(?![\\w])`;
  if (opts.line) src = `^(?:${src})$`;
  try {
    return new RegExp(src, (opts.ignoreCase ? 'i' : '') + (opts.global ? 'g' : ''));
  } catch {
    throw new RegexSyntaxError('Invalid regular expression');
  }
}
