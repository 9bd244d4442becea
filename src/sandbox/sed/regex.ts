// POSIX regular expressions as sed reads them (GNU flavour: BRE by default, ERE with -E),
// translated to JavaScript RegExp source; and JavaScript's compile errors put in the words
// glibc's regcomp uses, since those are what sed prints.
import { SedError } from './script.ts';

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

/** JavaScript's complaint about a translated regex, in glibc regcomp's words. */
export function regcompMessage(e: unknown): string {
  const js = e instanceof Error ? e.message : '';
  return /Unterminated group/.test(js)
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
}
