// A parsed regex compiled to a small instruction list (Thompson's construction), which both
// matchers run: the linear-time NFA simulation and the bounded backtracker.
import { CharSet, isWordChar } from './charset.ts';
import { nullable, RegexSyntaxError, type AssertKind, type Node } from './ast.ts';

export const SET = 0; // a: set index — consume one character in the set
export const SPLIT = 1; // a: preferred branch, b: other branch
export const JMP = 2; // a: target
export const SAVE = 3; // a: capture slot (2k start / 2k+1 end of group k)
export const ASSERT = 4; // a: index into ASSERTS
export const BACKREF = 5; // a: group number
export const MARK = 6; // a: register — remember where a loop iteration began
export const PROGRESS = 7; // a: register — fail if the iteration consumed nothing
export const MATCH = 8;

export const ASSERTS: readonly AssertKind[] = ['bol', 'eol', 'bot', 'eot', 'word-boundary', 'not-word-boundary', 'word-start', 'word-end', 'no-word-before', 'no-word-after'];

/** Instructions the compiler may emit before it calls the regex too big (glibc's words). */
const MAX_PROGRAM = 200_000;

export interface Program {
  op: Int32Array;
  a: Int32Array;
  b: Int32Array;
  sets: CharSet[];
  /** capture slots: 2 per group, group 0 being the whole match */
  slots: number;
  registers: number;
  /** REG_NEWLINE: ^ and $ also match at line breaks inside the text */
  newline: boolean;
  ignoreCase: boolean;
}

export interface CompileFlags {
  ignoreCase: boolean;
  newline: boolean;
}

export function compileProgram(node: Node, groups: number, flags: CompileFlags): Program {
  const op: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const sets: CharSet[] = [];
  let registers = 0;
  const emit = (o: number, x = 0, y = 0): number => {
    if (op.length >= MAX_PROGRAM) throw new RegexSyntaxError('Regular expression too big');
    op.push(o);
    a.push(x);
    b.push(y);
    return op.length - 1;
  };
  const gen = (n: Node): void => {
    switch (n.t) {
      case 'empty':
        return;
      case 'set':
        sets.push(new CharSet(n.set, flags.ignoreCase, flags.newline));
        emit(SET, sets.length - 1);
        return;
      case 'cat':
        for (const x of n.items) gen(x);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.alts.forEach((x, k) => {
          if (k < n.alts.length - 1) {
            const split = emit(SPLIT, 0, 0);
            a[split] = op.length;
            gen(x);
            jumps.push(emit(JMP));
            b[split] = op.length;
          } else gen(x);
        });
        for (const j of jumps) a[j] = op.length;
        return;
      }
      case 'group':
        emit(SAVE, 2 * n.index);
        gen(n.body);
        emit(SAVE, 2 * n.index + 1);
        return;
      case 'repeat': {
        for (let k = 0; k < n.min; k++) gen(n.body);
        const emptyOk = nullable(n.body);
        if (n.max === -1) {
          const loop = emit(SPLIT, 0, 0);
          a[loop] = op.length;
          const reg = emptyOk ? registers++ : -1;
          if (emptyOk) emit(MARK, reg);
          gen(n.body);
          if (emptyOk) emit(PROGRESS, reg);
          emit(JMP, loop);
          b[loop] = op.length;
          return;
        }
        const splits: number[] = [];
        for (let k = n.min; k < n.max; k++) {
          const s = emit(SPLIT, 0, 0);
          a[s] = op.length;
          splits.push(s);
          gen(n.body);
        }
        for (const s of splits) b[s] = op.length;
        return;
      }
      case 'assert':
        emit(ASSERT, ASSERTS.indexOf(n.kind));
        return;
      case 'backref':
        emit(BACKREF, n.n);
        return;
    }
  };
  emit(SAVE, 0);
  gen(node);
  emit(SAVE, 1);
  emit(MATCH);
  return { op: Int32Array.from(op), a: Int32Array.from(a), b: Int32Array.from(b), sets, slots: 2 * (groups + 1), registers, newline: flags.newline, ignoreCase: flags.ignoreCase };
}

/** Whether a zero-width assertion holds at `pos` of `text`. */
export function assertionHolds(kind: number, text: string, pos: number, newline: boolean): boolean {
  const n = text.length;
  switch (ASSERTS[kind]) {
    case 'bol':
      return pos === 0 || (newline && text.charCodeAt(pos - 1) === 10);
    case 'eol':
      return pos === n || (newline && text.charCodeAt(pos) === 10);
    case 'bot':
      return pos === 0;
    case 'eot':
      return pos === n;
  }
  const before = pos > 0 && isWordChar(text.charCodeAt(pos - 1));
  const after = pos < n && isWordChar(text.charCodeAt(pos));
  switch (ASSERTS[kind]) {
    case 'word-boundary':
      return before !== after;
    case 'not-word-boundary':
      return before === after;
    case 'word-start':
      return !before && after;
    case 'word-end':
      return before && !after;
    case 'no-word-before':
      return !before;
    case 'no-word-after':
      return !after;
  }
  return false;
}

/**
 * Sets one of which the first character of any match must be in, or null when a match may
 * be empty or start otherwise unpredictably; lets the matchers skip hopeless start positions.
 */
export function firstSets(p: Program): number[] | null {
  const seen = new Set<number>();
  const out: number[] = [];
  const stack = [0];
  while (stack.length) {
    const pc = stack.pop()!;
    if (seen.has(pc)) continue;
    seen.add(pc);
    switch (p.op[pc]) {
      case SET:
        out.push(p.a[pc]!);
        break;
      case SPLIT:
        stack.push(p.a[pc]!, p.b[pc]!);
        break;
      case JMP:
        stack.push(p.a[pc]!);
        break;
      case SAVE:
      case ASSERT:
      case MARK:
      case PROGRESS:
        stack.push(pc + 1);
        break;
      default:
        return null; // MATCH (may be empty) or BACKREF (unknown text)
    }
  }
  return out;
}

/** True when every match must begin at the very start of the text (a leading ^ without REG_NEWLINE, or \`). */
export function anchoredAtStart(p: Program): boolean {
  const k = p.op[1] === ASSERT ? ASSERTS[p.a[1]!] : undefined;
  return k === 'bot' || (k === 'bol' && !p.newline);
}
