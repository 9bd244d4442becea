// The right side of `[[ … =~ regex ]]` as bash reads it: raw text up to a blank outside
// parentheses, with quoted parts turned into literal (escaped) regex text.

/** The regex source starting at `pos` in `src`, and where it ends. */
export function scanCondRegex(src: string, pos: number): { text: string; end: number } {
  let depth = 0;
  let i = pos;
  let text = '';
  for (; i < src.length; i++) {
    const c = src[i]!;
    if (depth === 0 && (c === ' ' || c === '\t' || c === '\n')) break;
    if (c === '\\' && i + 1 < src.length) {
      text += c + src[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      const e = src.indexOf(c, i + 1);
      if (e < 0) break;
      // Quoted parts of a regex match literally.
      text += src.slice(i + 1, e).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = e;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    text += c;
  }
  return { text, end: i };
}
