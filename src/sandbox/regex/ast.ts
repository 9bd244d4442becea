// The parsed form of a POSIX regex, shared by the parser, the compiler and grep's combining
// of several patterns into one alternation.
import type { CharSetBuilder } from './charset.ts';

/** Zero-width tests: ^ $ (line or buffer), \` \', \b \B \< \>, and grep -w's two edges. */
export type AssertKind = 'bol' | 'eol' | 'bot' | 'eot' | 'word-boundary' | 'not-word-boundary' | 'word-start' | 'word-end' | 'no-word-before' | 'no-word-after';

export type Node =
  | { t: 'empty' }
  | { t: 'set'; set: CharSetBuilder }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'group'; index: number; body: Node }
  | { t: 'repeat'; min: number; max: number; body: Node } // max -1: unbounded
  | { t: 'assert'; kind: AssertKind }
  | { t: 'backref'; n: number };

/** A parse: the tree, how many groups it has, and whether it needs the backtracker. */
export interface Parsed {
  node: Node;
  groups: number;
  hasBackrefs: boolean;
  /** What GNU grep warns about (e.g. "* at start of expression"). */
  warnings: string[];
}

/** A regex that cannot be compiled; the message is glibc's (what grep and sed print). */
export class RegexSyntaxError extends Error {}

/** Shifts group numbers (and the back-references to them) by `by`, for combining patterns. */
export function renumber(n: Node, by: number): Node {
  switch (n.t) {
    case 'cat':
      return { t: 'cat', items: n.items.map((x) => renumber(x, by)) };
    case 'alt':
      return { t: 'alt', alts: n.alts.map((x) => renumber(x, by)) };
    case 'group':
      return { t: 'group', index: n.index + by, body: renumber(n.body, by) };
    case 'repeat':
      return { ...n, body: renumber(n.body, by) };
    case 'backref':
      return { t: 'backref', n: n.n + by };
    default:
      return n;
  }
}

/** True when the node can match the empty string (loops around it need a progress check). */
export function nullable(n: Node): boolean {
  switch (n.t) {
    case 'empty':
    case 'assert':
    case 'backref':
      return true;
    case 'set':
      return false;
    case 'cat':
      return n.items.every(nullable);
    case 'alt':
      return n.alts.some(nullable);
    case 'group':
      return nullable(n.body);
    case 'repeat':
      return n.min === 0 || nullable(n.body);
  }
}

/**
 * The pattern with each back-reference widened to "any text": a regular language containing
 * every match of the original, which the linear matcher can rule out quickly.
 */
export function widenBackrefs(n: Node, any: () => Node): Node {
  switch (n.t) {
    case 'cat':
      return { t: 'cat', items: n.items.map((x) => widenBackrefs(x, any)) };
    case 'alt':
      return { t: 'alt', alts: n.alts.map((x) => widenBackrefs(x, any)) };
    case 'group':
      return { ...n, body: widenBackrefs(n.body, any) };
    case 'repeat':
      return { ...n, body: widenBackrefs(n.body, any) };
    case 'backref':
      return { t: 'repeat', min: 0, max: -1, body: any() };
    default:
      return n;
  }
}
