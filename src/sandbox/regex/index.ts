// The sandbox's one regex layer for its text tools (grep, sed, awk, pgrep): POSIX basic and
// extended syntax with GNU's extensions (and mawk's dialect), leftmost-longest matching, in
// time linear in the text for every pattern without back-references. Patterns never become
// JavaScript RegExps: those backtrack exponentially on patterns like (a*)*b and cannot be
// interrupted, so one bad pattern would freeze every session in the process.
import { renumber, RegexSyntaxError, widenBackrefs, type Node, type Parsed } from './ast.ts';
import { CharSetBuilder } from './charset.ts';
import { BacktrackMatcher, RegexBudgetError, backtrackLimits } from './backtrack.ts';
import { capturesWithin, NfaMatcher } from './nfa.ts';
import { parseFixed, parseRegex, type Syntax } from './parse.ts';
import { compileProgram, type CompileFlags, type Program } from './program.ts';

export { RegexSyntaxError, RegexBudgetError, backtrackLimits };
export type { Syntax };

export interface RegexOptions {
  /** basic (BRE, GNU), extended (ERE, GNU), or awk (mawk's ERE dialect) */
  syntax: Syntax;
  ignoreCase?: boolean;
  /** REG_NEWLINE (sed's M flag): ^ $ match at line breaks; '.' and [^…] do not match a newline */
  newlineAnchors?: boolean;
  /** GNU sed's \n \t \dNNN \oNNN \xHH \cX escapes */
  sedEscapes?: boolean;
}

/** One match: [index, end) in the text, and each group's text (groups[0] is the whole match). */
export interface RegexMatch {
  index: number;
  end: number;
  groups: (string | undefined)[];
}

export interface Regex {
  /** The leftmost-longest match starting at or after `from` (assertions see the text before it). */
  exec(text: string, from?: number): RegexMatch | null;
  test(text: string): boolean;
  /** Number of parenthesised groups. */
  readonly groupCount: number;
  /** What GNU grep warns about when compiling ("* at start of expression"). */
  readonly warnings: readonly string[];
}

class CompiledRegex implements Regex {
  private readonly nfa: NfaMatcher | undefined;
  private readonly backtracker: BacktrackMatcher | undefined;
  /** For back-reference patterns: the widened pattern's matcher, a quick "no match here". */
  private readonly prefilter: NfaMatcher | undefined;
  /** Text every match contains: a line without it is rejected by indexOf, without matching. */
  private readonly literal: string;
  readonly groupCount: number;
  readonly warnings: readonly string[];

  constructor(
    private readonly program: Program,
    parsed: Parsed,
    flags: CompileFlags,
  ) {
    this.groupCount = parsed.groups;
    this.warnings = parsed.warnings;
    this.literal = flags.ignoreCase ? '' : requiredLiteral(parsed.node);
    if (parsed.hasBackrefs) {
      this.backtracker = new BacktrackMatcher(program);
      const anyChar = (): Node => {
        const b = new CharSetBuilder();
        b.negate = true;
        return { t: 'set', set: b };
      };
      this.prefilter = new NfaMatcher(compileProgram(widenBackrefs(parsed.node, anyChar), parsed.groups, { ...flags, newline: false }));
    } else this.nfa = new NfaMatcher(program);
  }

  /** Where a back-reference match may begin at the earliest, or -1 when there is none. */
  private prefiltered(text: string, from: number): number {
    return this.prefilter!.search(text, from, false)?.[0] ?? -1;
  }

  exec(text: string, from = 0): RegexMatch | null {
    if (from > text.length) return null;
    if (this.literal && text.indexOf(this.literal, from) < 0) return null;
    let caps: Int32Array;
    if (this.backtracker) {
      const start = this.prefiltered(text, from);
      if (start < 0) return null;
      const found = this.backtracker.search(text, start);
      if (!found) return null;
      caps = found;
    } else {
      const span = this.nfa!.search(text, from);
      if (!span) return null;
      if (this.groupCount === 0) return { index: span[0], end: span[1], groups: [text.slice(span[0], span[1])] };
      caps = capturesWithin(this.program, text, span[0], span[1]);
    }
    const groups: (string | undefined)[] = [];
    for (let k = 0; k <= this.groupCount; k++) {
      const s = caps[2 * k]!;
      const e = caps[2 * k + 1]!;
      groups.push(s >= 0 && e >= s ? text.slice(s, e) : undefined);
    }
    return { index: caps[0]!, end: caps[1]!, groups };
  }

  test(text: string): boolean {
    if (this.literal && !text.includes(this.literal)) return false;
    if (this.backtracker) {
      const start = this.prefiltered(text, 0);
      return start >= 0 && this.backtracker.search(text, start, true) !== null;
    }
    return this.nfa!.search(text, 0, true) !== null;
  }
}

/** The one character a set matches, or -1. */
function singleChar(n: Node): number {
  if (n.t !== 'set' || n.set.negate) return -1;
  const r = n.set.ranges;
  for (let k = 0; k < r.length; k++) if (r[k] !== r[0]) return -1;
  return r.length ? r[0]! : -1;
}

/** The longest run of plain characters the pattern's top-level sequence must contain ('' if none). */
function requiredLiteral(node: Node): string {
  const seq: Node[] = [];
  const flatten = (n: Node): void => {
    if (n.t === 'cat') n.items.forEach(flatten);
    else if (n.t === 'group') flatten(n.body);
    else seq.push(n);
  };
  flatten(node);
  let best = '';
  let run = '';
  for (const n of seq) {
    const c = singleChar(n);
    if (c >= 0) run += String.fromCharCode(c);
    else if (n.t !== 'assert') run = '';
    if (run.length > best.length) best = run;
  }
  return best;
}

function build(parsed: Parsed, opts: { ignoreCase?: boolean; newlineAnchors?: boolean }): Regex {
  const flags = { ignoreCase: opts.ignoreCase ?? false, newline: opts.newlineAnchors ?? false };
  return new CompiledRegex(compileProgram(parsed.node, parsed.groups, flags), parsed, flags);
}

/** Compiles a tree built elsewhere (shell patterns, see glob.ts) without groups or back-references. */
export function compileTree(node: Node, opts: { ignoreCase?: boolean } = {}): Regex {
  return build({ node, groups: 0, hasBackrefs: false, warnings: [] }, opts);
}

/** Compiles one POSIX pattern. Throws RegexSyntaxError (message in glibc's or mawk's words). */
export function compile(pattern: string, opts: RegexOptions): Regex {
  return build(parseRegex(pattern, opts), opts);
}

export interface PatternListOptions extends RegexOptions {
  /** grep -F: the patterns are plain strings */
  fixed?: boolean;
  /** grep -w: a match must have no word character right before or after it */
  word?: boolean;
  /** grep -x: a match must be the whole text */
  line?: boolean;
}

/**
 * grep's several patterns (-e, -f, lines of one pattern) as one regex matching any of them,
 * leftmost-longest across all; each pattern's groups and back-references stay its own.
 */
export function compileAny(patterns: readonly string[], opts: PatternListOptions): Regex {
  const alts: Node[] = [];
  const warnings: string[] = [];
  let groups = 0;
  let hasBackrefs = false;
  for (const p of patterns) {
    const parsed = opts.fixed ? parseFixed(p) : parseRegex(p, opts);
    alts.push(renumber(parsed.node, groups));
    groups += parsed.groups;
    hasBackrefs ||= parsed.hasBackrefs;
    warnings.push(...parsed.warnings);
  }
  // No pattern at all (grep -f /dev/null) matches nothing: an empty character set.
  let node: Node = alts.length === 0 ? { t: 'set', set: new CharSetBuilder() } : alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  if (opts.word) node = { t: 'cat', items: [{ t: 'assert', kind: 'no-word-before' }, node, { t: 'assert', kind: 'no-word-after' }] };
  if (opts.line) node = { t: 'cat', items: [{ t: 'assert', kind: 'bot' }, node, { t: 'assert', kind: 'eot' }] };
  return build({ node, groups, hasBackrefs, warnings }, opts);
}

/**
 * Every match, left to right, as sed's s///g, awk's gsub and grep -o find them: after a
 * non-empty match the search goes on where it ended, and an empty match right where the
 * previous match ended does not count; after an empty match the search moves one character on.
 */
export function* matchAll(re: Regex, text: string): Generator<RegexMatch> {
  let pos = 0;
  let prevEnd = -1;
  while (pos <= text.length) {
    const m = re.exec(text, pos);
    if (!m) return;
    if (m.index === m.end && m.index === prevEnd) {
      pos = m.index + 1;
      continue;
    }
    yield m;
    prevEnd = m.end;
    pos = m.end > m.index ? m.end : m.end + 1;
  }
}

/** awk's split by a regex: the pieces between non-empty matches (an empty text has none). */
export function splitByRegex(re: Regex, text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let last = 0;
  for (const m of matchAll(re, text)) {
    if (m.end === m.index) continue;
    out.push(text.slice(last, m.index));
    last = m.end;
  }
  out.push(text.slice(last));
  return out;
}
