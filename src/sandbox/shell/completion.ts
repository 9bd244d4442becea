// Tab completion as bash does it by default: command names (builtins, keywords, functions,
// aliases, programs in PATH) in command position, file names everywhere else.
import { resolvePath } from '../../platform/filesystem.ts';
import { BUILTINS } from './builtins/index.ts';
import { KEYWORDS } from './builtins/misc.ts';
import type { ShellState } from './state.ts';

export interface Completion {
  /** Where the word being completed starts in the line. */
  start: number;
  /** The word as typed. */
  word: string;
  /** Full candidate words (as they would replace `word`, unescaped), sorted. */
  candidates: string[];
  /** What the listing shows for each candidate (the last path component, with / for dirs). */
  display: string[];
  /** Text to insert after the word when there is exactly one candidate: ' ' or '' (directories). */
  suffix: string;
  /** Candidates are inserted as they are (variable names), not escaped. */
  verbatim?: boolean;
}

const BREAKS = ' \t\n;|&<>()';

function wordStart(line: string): { start: number; commandPosition: boolean } {
  let i = line.length;
  while (i > 0 && (!BREAKS.includes(line[i - 1]!) || line[i - 2] === '\\')) i--;
  let j = i;
  while (j > 0 && ' \t'.includes(line[j - 1]!)) j--;
  const before = line.slice(0, j);
  const commandPosition = j === 0 || /(^|[;|&(]|\b(then|do|else|sudo|time|!))\s*$/.test(before.trimEnd()) || /[;|&(]$/.test(before);
  return { start: i, commandPosition };
}

function unescape(word: string): string {
  return word.replace(/\\(.)/g, '$1').replace(/^['"]|['"]$/g, '');
}

export function escapeForShell(s: string): string {
  return s.replace(/[ \t\\'"`$&|;<>()*?[\]!#{}]/g, '\\$&');
}

export function complete(line: string, st: ShellState): Completion {
  const { start, commandPosition } = wordStart(line);
  const word = line.slice(start);
  const raw = unescape(word);
  const fs = st.host.fsFor(st.cred);
  const dollar = /\$\{?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(word);
  if (dollar && !word.startsWith("'")) {
    // $HO<Tab> → $HOME (bash completes variable names after $ and ${).
    const brace = dollar[0].startsWith('${');
    const prefix = dollar[1] ?? '';
    const names = [...st.vars.keys()].filter((n) => n.startsWith(prefix)).sort();
    const lead = word.slice(0, word.length - dollar[0].length) + (brace ? '${' : '$');
    return { start, word, candidates: names.map((n) => lead + n + (brace ? '}' : '')), display: names, suffix: ' ', verbatim: true };
  }
  if (commandPosition && !raw.includes('/') && !raw.startsWith('~') && !raw.startsWith('.')) {
    const names = new Set<string>();
    for (const n of [...BUILTINS.keys(), ...KEYWORDS, ...st.functions.keys(), ...st.aliases.keys()]) if (n.startsWith(raw)) names.add(n);
    for (const dir of (st.get('PATH') ?? '').split(':')) {
      const d = resolvePath(st.cwd, dir || '.');
      let entries: string[];
      try {
        entries = fs.readdir(d);
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.startsWith(raw) || names.has(e)) continue;
        try {
          const s = fs.stat(`${d}/${e}`);
          if (s.type !== 'dir' && s.mode & 0o111) names.add(e);
        } catch {
          /* dangling */
        }
      }
    }
    const candidates = [...names].sort();
    return { start, word, candidates, display: candidates, suffix: ' ' };
  }
  // File names: split into the directory typed and the prefix of the entry.
  const slash = raw.lastIndexOf('/');
  const dirTyped = slash >= 0 ? raw.slice(0, slash + 1) : '';
  const prefix = raw.slice(slash + 1);
  let dirLookup = dirTyped;
  if (dirTyped.startsWith('~')) {
    const end = dirTyped.indexOf('/');
    const user = dirTyped.slice(1, end);
    const home = user === '' ? st.home() : st.host.users.byName(user)?.home;
    if (home) dirLookup = home + dirTyped.slice(end);
  }
  if (raw.startsWith('~') && slash < 0) {
    // ~us<Tab> completes user names.
    const candidates: string[] = [];
    for (const u of ['root', st.cred.user]) if (('~' + u).startsWith(raw)) candidates.push('~' + u + '/');
    return { start, word, candidates: [...new Set(candidates)], display: candidates, suffix: '' };
  }
  const dir = resolvePath(st.cwd, dirLookup || '.');
  let entries: string[] = [];
  try {
    entries = fs.readdir(dir);
  } catch {
    entries = [];
  }
  const matches = entries.filter((e) => e.startsWith(prefix) && (prefix.startsWith('.') || !e.startsWith('.')));
  const isDir = (e: string) => {
    try {
      return fs.stat(`${dir}/${e}`).type === 'dir';
    } catch {
      return false;
    }
  };
  const candidates = matches.sort().map((e) => dirTyped + e + (isDir(e) ? '/' : ''));
  const display = matches.map((e) => e + (isDir(e) ? '/' : ''));
  return { start, word, candidates, display, suffix: candidates.length === 1 && candidates[0]!.endsWith('/') ? '' : ' ' };
}

export function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Candidates in columns, sorted down the columns, as readline lists them. */
export function formatColumns(items: string[], cols: number): string {
  if (items.length === 0) return '';
  const width = Math.max(...items.map((s) => s.length)) + 2;
  const perRow = Math.max(1, Math.floor((cols + 2) / width));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item === undefined) continue;
      const last = (c + 1) * rows + r >= items.length;
      line += last ? item : item.padEnd(width);
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\r\n') + '\r\n';
}
