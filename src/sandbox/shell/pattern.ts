// Shell patterns (* ? [...]) as used by globbing, `case` and ${VAR#pattern}.
// A pattern here is text where a backslash makes the next character literal: expansion
// escapes quoted characters that way, as bash does internally.
import type { FileSystem } from '../../platform/filesystem.ts';
import { resolvePath } from '../../platform/filesystem.ts';
import { compileGlob } from '../regex/glob.ts';

/** Escapes pattern characters so the text matches only itself. */
export function escapePattern(text: string): string {
  return text.replace(/[\\*?[\]]/g, (c) => '\\' + c);
}

export function hasGlobChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) return true;
  }
  return false;
}

/** Removes pattern backslashes: the literal text a pattern stands for. */
export function unescapePattern(pattern: string): string {
  return pattern.replace(/\\(.)/gs, '$1');
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: 'a-zA-Z0-9_',
};

/** The regular expression source (without anchors) for a shell pattern. */
export function patternToRegexSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n !== undefined) out += n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      else out += '\\\\';
      i++;
    } else if (c === '*') out += '[^]*';
    else if (c === '?') out += '[^]';
    else if (c === '[') {
      let j = i + 1;
      let neg = false;
      if (pattern[j] === '!' || pattern[j] === '^') {
        neg = true;
        j++;
      }
      let set = '';
      let first = true;
      let closed = false;
      for (; j < pattern.length; j++) {
        const d = pattern[j]!;
        if (d === ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        if (d === '[' && pattern[j + 1] === ':') {
          const e = pattern.indexOf(':]', j + 2);
          if (e > 0) {
            set += CLASSES[pattern.slice(j + 2, e)] ?? '';
            j = e + 1;
            continue;
          }
        }
        if (d === '\\' && j + 1 < pattern.length) {
          j++;
          set += '\\' + pattern[j];
          continue;
        }
        set += d === ']' || d === '\\' || d === '^' ? '\\' + d : d;
      }
      if (!closed) out += '\\[';
      else {
        out += `[${neg ? '^' : ''}${set}]`;
        i = j;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return out;
}

/** Whether the whole text matches the pattern (linear time: see regex/glob.ts). */
export function patternMatches(pattern: string, text: string): boolean {
  return compileGlob(pattern).test(text);
}

/** Pathname expansion. Returns sorted matches, or [] when nothing matches. */
export function globPaths(fs: FileSystem, cwd: string, pattern: string, dotglob = false): string[] {
  const absolute = pattern.startsWith('/');
  const dirsOnly = pattern.endsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let results: string[] = [absolute ? '/' : ''];
  if (absolute) segments.shift();
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si]!;
    const last = si === segments.length - 1;
    const next: string[] = [];
    for (const base of results) {
      const dirAbs = resolvePath(cwd, base || '.');
      if (!hasGlobChars(seg)) {
        const p = base === '' ? unescapePattern(seg) : base === '/' ? '/' + unescapePattern(seg) : `${base}/${unescapePattern(seg)}`;
        if (fs.exists(resolvePath(cwd, p))) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdir(dirAbs);
      } catch {
        continue;
      }
      const re = compileGlob(seg);
      for (const name of names) {
        if (name.startsWith('.') && (!dotglob || name === '.' || name === '..') && !seg.startsWith('.') && !seg.startsWith('\\.')) continue;
        if (!re.test(name)) continue;
        const p = base === '' ? name : base === '/' ? '/' + name : `${base}/${name}`;
        if (!last || dirsOnly) {
          try {
            if (fs.stat(resolvePath(cwd, p)).type !== 'dir') continue;
          } catch {
            continue;
          }
        }
        next.push(p);
      }
    }
    results = next;
    if (results.length === 0) return [];
  }
  if (dirsOnly) results = results.map((r) => r + '/');
  return results.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
