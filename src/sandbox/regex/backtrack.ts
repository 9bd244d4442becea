// The matcher for patterns with back-references (\1 … \9), which no automaton can match:
// a depth-first search of every way to match from each start, keeping the longest (POSIX),
// with a step budget. A JavaScript RegExp cannot be interrupted, and neither can this loop,
// so the budget is what keeps one grep from freezing every session in the process: past it
// the match fails with RegexBudgetError, which the tools report as running out of memory,
// as GNU grep and sed do when glibc's matcher exhausts its stack.
import { anchoredAtStart, assertionHolds, ASSERT, BACKREF, firstSets, JMP, MARK, MATCH, PROGRESS, SAVE, SET, SPLIT, type Program } from './program.ts';

/** Raised when a back-reference match needs more steps than the budget allows. */
export class RegexBudgetError extends Error {
  constructor() {
    super('memory exhausted');
  }
}

/** Steps one search may take before it gives up (a few hundred milliseconds at worst). */
export const backtrackLimits = { maxSteps: 1_000_000 };

function sameText(text: string, a: number, b: number, len: number, ignoreCase: boolean): boolean {
  for (let k = 0; k < len; k++) {
    const x = text.charCodeAt(a + k);
    const y = text.charCodeAt(b + k);
    if (x === y) continue;
    if (!ignoreCase || String.fromCharCode(x).toLowerCase() !== String.fromCharCode(y).toLowerCase()) return false;
  }
  return true;
}

export class BacktrackMatcher {
  private readonly first: number[] | null;
  private readonly anchored: boolean;
  private steps = 0;
  /** Capture slots that back-references read: the only captures the rest of a match depends on. */
  private readonly referencedSlots: number[];

  constructor(private readonly p: Program) {
    this.first = firstSets(p);
    this.anchored = anchoredAtStart(p);
    const groups = new Set<number>();
    p.op.forEach((o, pc) => {
      if (o === BACKREF) groups.add(p.a[pc]!);
    });
    this.referencedSlots = [...groups].flatMap((g) => [2 * g, 2 * g + 1]);
  }

  /** The capture slots of the leftmost-longest match at or after `from`, or null. */
  search(text: string, from: number, any = false): Int32Array | null {
    this.steps = 0;
    const n = text.length;
    for (let s = from; s <= n; s++) {
      if (this.anchored && s > 0) break;
      if (this.first) {
        if (s >= n) break;
        const c = text.charCodeAt(s);
        if (!this.first.some((k) => this.p.sets[k]!.has(c))) continue;
      }
      const caps = this.longestAt(text, s, any);
      if (caps) return caps;
    }
    return null;
  }

  private longestAt(text: string, start: number, any: boolean): Int32Array | null {
    const p = this.p;
    const { op, a, b } = p;
    const n = text.length;
    const caps = new Int32Array(p.slots).fill(-1);
    const regs = new Int32Array(p.registers).fill(-1);
    let best: Int32Array | null = null;
    // Frames of three numbers: [0, pc, pos] try; [1, slot, value] / [2, register, value] restore.
    const frames: number[] = [0, 0, start];
    const limit = backtrackLimits.maxSteps;
    // What follows a branch point depends only on where it is, the referenced captures and the
    // loop registers; a state seen before has already yielded every match it can, so it is cut.
    // This keeps patterns like \(a*\)*\1 polynomial instead of exponential.
    const seen = new Set<string>();
    const stateKey = (pc: number, pos: number): string => {
      let k = `${pc},${pos}`;
      for (const slot of this.referencedSlots) k += ',' + caps[slot]!;
      for (let r = 0; r < regs.length; r++) k += ';' + regs[r]!;
      return k;
    };
    while (frames.length) {
      const y = frames.pop()!;
      const x = frames.pop()!;
      const kind = frames.pop()!;
      if (kind === 1) {
        caps[x] = y;
        continue;
      }
      if (kind === 2) {
        regs[x] = y;
        continue;
      }
      let pc = x;
      let pos = y;
      for (;;) {
        if (++this.steps > limit) throw new RegexBudgetError();
        const o = op[pc];
        if (o === SET) {
          if (pos < n && p.sets[a[pc]!]!.has(text.charCodeAt(pos))) {
            pc++;
            pos++;
            continue;
          }
          break;
        }
        if (o === JMP) {
          pc = a[pc]!;
          continue;
        }
        if (o === SPLIT) {
          const key = stateKey(pc, pos);
          if (seen.has(key)) break;
          seen.add(key);
          frames.push(0, b[pc]!, pos);
          pc = a[pc]!;
          continue;
        }
        if (o === SAVE) {
          frames.push(1, a[pc]!, caps[a[pc]!]!);
          caps[a[pc]!] = pos;
          pc++;
          continue;
        }
        if (o === ASSERT) {
          if (!assertionHolds(a[pc]!, text, pos, p.newline)) break;
          pc++;
          continue;
        }
        if (o === MARK) {
          frames.push(2, a[pc]!, regs[a[pc]!]!);
          regs[a[pc]!] = pos;
          pc++;
          continue;
        }
        if (o === PROGRESS) {
          if (regs[a[pc]!] === pos) break; // an empty iteration would loop for ever
          pc++;
          continue;
        }
        if (o === BACKREF) {
          const gs = caps[2 * a[pc]!]!;
          const ge = caps[2 * a[pc]! + 1]!;
          if (gs < 0 || ge < gs) break;
          const len = ge - gs;
          if (pos + len > n || !sameText(text, gs, pos, len, p.ignoreCase)) break;
          pos += len;
          pc++;
          continue;
        }
        if (o === MATCH && (!best || pos > best[1]!)) {
          best = caps.slice();
          if (any || pos === n) return best;
        }
        break;
      }
    }
    return best;
  }
}
