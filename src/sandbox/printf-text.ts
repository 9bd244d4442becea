// Text as printf's C code sees it: a string of bytes (widths and precisions count bytes;
// a UTF-8 character is several), and %q's two ways of quoting it for the shell.
// Raw bytes travel in strings as raw-bytes.ts carries them (U+F700 + byte).
import { rawByte } from './raw-bytes.ts';

export const RAW_BASE = 0xf700;
export const isRawByte = (cp: number) => cp >= RAW_BASE && cp < RAW_BASE + 256;

/** The UTF-8 encoding of any value below 2^31, as the old six-byte UTF-8 allowed. */
export function utf8Bytes(v: number): number[] {
  if (v < 0x80) return [v];
  const bytes: number[] = [];
  let lead = 0x3f;
  let mark = 0x80;
  while (v > lead) {
    bytes.unshift(0x80 | (v & 0x3f));
    v >>>= 6;
    lead >>= 1;
    mark = (mark >> 1) | 0x80;
  }
  bytes.unshift(mark | v);
  return bytes;
}

/** Bytes of s on output: a raw byte is one, other characters their UTF-8 length. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 || isRawByte(c)) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The first n bytes of s; a character cut in half leaves as its first bytes, raw. */
export function sliceBytes(s: string, n: number): string {
  let used = 0;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const bytes = isRawByte(cp) ? [cp - RAW_BASE] : [...new TextEncoder().encode(String.fromCodePoint(cp))];
    if (used + bytes.length > n) return s.slice(0, i) + bytes.slice(0, n - used).map(rawByte).join('');
    used += bytes.length;
    i += units;
    if (used === n) return s.slice(0, i);
  }
  return s;
}

/** A character C's isprint/iswprint refuses: controls, DEL, C1 controls, raw bytes. */
const unprintable = (cp: number) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || isRawByte(cp) || (cp >= 0xd800 && cp <= 0xdfff);

const octalBytes = (cp: number) => (isRawByte(cp) ? [cp - RAW_BASE] : utf8Bytes(cp)).map((b) => '\\' + b.toString(8).padStart(3, '0')).join('');

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/**
 * bash's %q: a backslash before each character the shell would read specially, or $'…'
 * when the string holds a character that cannot be shown (a control, an invalid byte).
 */
export function bashQuote(s: string): string {
  if (s === '') return "''";
  const cps = [...s].map((c) => c.codePointAt(0)!);
  if (cps.some(unprintable)) {
    let q = "$'";
    for (const cp of cps) {
      if (cp === 0x1b) q += '\\E';
      else if (C_ESCAPES[cp]) q += C_ESCAPES[cp];
      else if (cp === 0x5c || cp === 0x27) q += '\\' + String.fromCharCode(cp);
      else q += unprintable(cp) ? octalBytes(cp) : String.fromCodePoint(cp);
    }
    return q + "'";
  }
  let q = '';
  const chars = [...s];
  chars.forEach((c, i) => {
    const prev = chars[i - 1];
    if (` !"$&'()*,;<>?[\\]^\`{|}`.includes(c) || (c === '#' && i === 0) || (c === '~' && (i === 0 || prev === ':' || prev === '='))) q += '\\';
    q += c;
  });
  return q;
}

/** Characters that never need quoting in coreutils' shell-escape style (and read alike in "…"). */
const GNU_PLAIN = /^[A-Za-z0-9%+,\-./:\]_@]$/;
const GNU_SPECIAL = ` !"$&()*;<=>[^\`|?\\`;

/**
 * coreutils' %q (gnulib's shell-escape quoting): bare when nothing is special, else '…',
 * with controls as $'\n' pieces, and "…" for a string whose only trouble is an apostrophe.
 */
export function coreutilsQuote(s: string): string {
  if (s === '') return "''";
  const chars = [...s];
  const special = (c: string, i: number) => {
    const cp = c.codePointAt(0)!;
    if (unprintable(cp) || GNU_SPECIAL.includes(c) || c === "'") return true;
    if ((c === '#' || c === '~') && i === 0) return true;
    return (c === '{' || c === '}') && chars.length === 1;
  };
  if (!chars.some(special)) return s;
  // Characters that mean the same inside "…" as outside: then "it's" needs no '\''.
  const sameInDoubleQuotes = chars.every((c, i) => GNU_PLAIN.test(c) || c === ' ' || c === "'" || ((c === '#' || c === '~') && i === 0) || ((c === '{' || c === '}') && chars.length === 1) || (c.codePointAt(0)! >= 0x80 && !unprintable(c.codePointAt(0)!)));
  if (chars.includes("'") && sameInDoubleQuotes) return `"${s}"`;
  let q = "'";
  // gnulib writes a string with an apostrophe twice and its second pass starts in the state
  // the first ended in: after a final $'…' piece it opens with '' (output '''it'\''s'$'\001').
  let inDollar = chars.includes("'") && unprintable(chars[chars.length - 1]!.codePointAt(0)!);
  for (const c of chars) {
    const cp = c.codePointAt(0)!;
    if (unprintable(cp)) {
      if (!inDollar) q += "'$'";
      inDollar = true;
      q += C_ESCAPES[cp] ?? octalBytes(cp);
      continue;
    }
    if (inDollar) q += "''";
    inDollar = false;
    q += c === "'" ? "'\\''" : c;
  }
  return q + "'";
}

/** gnulib's locale quoting inside ‘…’: \\ for a backslash, \n and friends, octal for other controls, \’ for the closing quote. */
export function cEscape(s: string, closingQuote: string): string {
  let q = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '\\' || c === closingQuote) q += '\\' + c;
    else if (C_ESCAPES[cp]) q += C_ESCAPES[cp];
    else q += unprintable(cp) ? octalBytes(cp) : c;
  }
  return q;
}
