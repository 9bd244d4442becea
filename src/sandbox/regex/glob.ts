// Shell patterns (* ? [...] with backslash escapes, as bash reads them for globbing, `case`,
// [[ == ]] and ${v#pat} ${v/pat/rep}) compiled onto the linear-time matcher. As JavaScript
// RegExps, a pattern like *a*a*a*a*a*a*a*a*b took seconds and grew with every star.
import { CharSetBuilder, classRanges } from './charset.ts';
import type { Node } from './ast.ts';
import { literal } from './parse.ts';
import { compileTree, type Regex } from './index.ts';

function anyChar(): Node {
  const b = new CharSetBuilder();
  b.negate = true;
  return { t: 'set', set: b };
}

/** A bracket at pattern[i] === '['; null when it is not closed (then '[' is literal). */
function bracket(pattern: string, i: number): { node: Node; next: number } | null {
  let j = i + 1;
  const b = new CharSetBuilder();
  if (pattern[j] === '!' || pattern[j] === '^') {
    b.negate = true;
    j++;
  }
  let first = true;
  const point = (): number => {
    if (pattern[j] === '\\' && j + 1 < pattern.length) j++;
    return pattern.charCodeAt(j++);
  };
  while (j < pattern.length) {
    const c = pattern[j]!;
    if (c === ']' && !first) return { node: { t: 'set', set: b }, next: j + 1 };
    first = false;
    if (c === '[' && pattern[j + 1] === ':') {
      const e = pattern.indexOf(':]', j + 2);
      if (e > 0) {
        const name = pattern.slice(j + 2, e);
        b.addRanges(name === 'word' ? [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0x5f, 0x5f] : (classRanges(name) ?? []));
        j = e + 2;
        continue;
      }
    }
    const lo = point();
    if (pattern[j] === '-' && j + 1 < pattern.length && pattern[j + 1] !== ']') {
      j++;
      const hi = point();
      if (hi >= lo) b.addRange(lo, hi);
    } else b.addChar(lo);
  }
  return null;
}

/** The tree for a shell pattern (no anchors). */
export function parseGlob(pattern: string): Node {
  const items: Node[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === '\\') {
      items.push(literal(pattern.charCodeAt(i + 1 < pattern.length ? i + 1 : i)));
      i += 2;
    } else if (c === '*') {
      items.push({ t: 'repeat', min: 0, max: -1, body: anyChar() });
      i++;
    } else if (c === '?') {
      items.push(anyChar());
      i++;
    } else if (c === '[') {
      const br = bracket(pattern, i);
      if (br) {
        items.push(br.node);
        i = br.next;
      } else {
        items.push(literal(0x5b));
        i++;
      }
    } else {
      items.push(literal(pattern.charCodeAt(i)));
      i++;
    }
  }
  return { t: 'cat', items };
}

const cache = new Map<string, Regex>();

/**
 * A shell pattern as a Regex (leftmost-longest, linear time). `anchor`: 'whole' must match
 * all the text (case, [[ == ]], globbing, find -name), 'start'/'end' must touch that end
 * (${v/#p/r} ${v/%p/r}); `ignoreCase` for find -iname / -ipath.
 */
export function compileGlob(pattern: string, anchor: 'whole' | 'start' | 'end' | 'none' = 'whole', ignoreCase = false): Regex {
  const key = `${anchor}${ignoreCase ? 'i' : ''}\0${pattern}`;
  let re = cache.get(key);
  if (re) return re;
  const items: Node[] = [parseGlob(pattern)];
  if (anchor === 'whole' || anchor === 'start') items.unshift({ t: 'assert', kind: 'bot' });
  if (anchor === 'whole' || anchor === 'end') items.push({ t: 'assert', kind: 'eot' });
  re = compileTree({ t: 'cat', items }, { ignoreCase });
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}
