// The linear-time matcher: a breadth-first simulation of the NFA (one pass over the text,
// every live state advanced in lock step), which finds POSIX's leftmost-longest match in
// O(text × pattern) whatever the pattern. Then, when groups are wanted, a depth-first walk
// confined to that match's exact span, with each (instruction, position) visited at most
// once, assigns the groups (greedy, first alternative first, as glibc does in practice).
import { anchoredAtStart, assertionHolds, ASSERT, firstSets, JMP, MARK, MATCH, PROGRESS, SAVE, SET, SPLIT, type Program } from './program.ts';

/** A list of NFA threads: instruction and the position their match began at, in priority order. */
class ThreadList {
  readonly pcs: Int32Array;
  readonly starts: Int32Array;
  n = 0;
  gen = 0;
  constructor(size: number) {
    this.pcs = new Int32Array(size);
    this.starts = new Int32Array(size);
  }
}

export class NfaMatcher {
  private readonly marks: Float64Array;
  private gen = 0;
  private clist: ThreadList;
  private nlist: ThreadList;
  private readonly stack: Int32Array;
  private readonly first: number[] | null;
  private readonly anchored: boolean;

  constructor(private readonly p: Program) {
    const size = p.op.length;
    this.marks = new Float64Array(size);
    this.clist = new ThreadList(size);
    this.nlist = new ThreadList(size);
    this.stack = new Int32Array(size * 2 + 2);
    this.first = firstSets(p);
    this.anchored = anchoredAtStart(p);
  }

  /** Adds the thread at pc, and everything reachable without consuming a character. */
  private add(list: ThreadList, pc0: number, start: number, text: string, pos: number): void {
    const p = this.p;
    const { op, a, b } = p;
    const marks = this.marks;
    const gen = list.gen;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (marks[pc] === gen) continue;
      marks[pc] = gen;
      switch (op[pc]) {
        case JMP:
          stack[sp++] = a[pc]!;
          break;
        case SPLIT:
          stack[sp++] = b[pc]!;
          stack[sp++] = a[pc]!;
          break;
        case SAVE:
        case MARK:
        case PROGRESS:
          stack[sp++] = pc + 1;
          break;
        case ASSERT:
          if (assertionHolds(a[pc]!, text, pos, p.newline)) stack[sp++] = pc + 1;
          break;
        default: // SET, MATCH
          list.pcs[list.n] = pc;
          list.starts[list.n] = start;
          list.n++;
      }
    }
  }

  /** Whether the next character can begin a match (false lets the scan skip it). */
  private canStart(text: string, i: number): boolean {
    const f = this.first;
    if (!f) return true;
    if (i >= text.length) return false;
    const c = text.charCodeAt(i);
    for (const s of f) if (this.p.sets[s]!.has(c)) return true;
    return false;
  }

  /** The leftmost-longest match at or after `from`: [start, end], or null. `any`: stop at the first match found. */
  search(text: string, from: number, any = false): [number, number] | null {
    const p = this.p;
    const { op, a } = p;
    const n = text.length;
    let best = -1;
    let bestEnd = -1;
    let clist = this.clist;
    let nlist = this.nlist;
    clist.n = 0;
    clist.gen = ++this.gen;
    if (this.anchored && from > 0) return null;
    for (let i = from; ; i++) {
      if (best < 0 && (!this.anchored || i === 0)) {
        if (clist.n === 0) {
          while (i < n && !this.canStart(text, i)) i++;
          if (i >= n && this.first) break;
        }
        this.add(clist, 0, i, text, i);
      }
      if (clist.n === 0) {
        if (best >= 0 || i >= n || this.anchored) break;
        clist.gen = ++this.gen; // the next position's closure starts afresh
        continue;
      }
      nlist.n = 0;
      nlist.gen = ++this.gen;
      const c = i < n ? text.charCodeAt(i) : -1;
      for (let k = 0; k < clist.n; k++) {
        const s = clist.starts[k]!;
        if (best >= 0 && s > best) break; // a later start can no longer win
        const pc = clist.pcs[k]!;
        if (op[pc] === SET) {
          if (c >= 0 && p.sets[a[pc]!]!.has(c)) this.add(nlist, pc + 1, s, text, i + 1);
        } else if (op[pc] === MATCH) {
          if (best < 0 || s < best || (s === best && i > bestEnd)) {
            best = s;
            bestEnd = i;
            if (any) return [best, bestEnd];
          }
        }
      }
      [clist, nlist] = [nlist, clist];
      if (i >= n) break;
    }
    this.clist = clist;
    this.nlist = nlist;
    return best >= 0 ? [best, bestEnd] : null;
  }
}

/**
 * The capture slots of a match known to span exactly [start, end]: the first path, in
 * priority order (greedy loops, earlier alternatives), that ends there. Each (instruction,
 * position) is tried once, so this too is linear in pattern × span.
 */
export function capturesWithin(p: Program, text: string, start: number, end: number): Int32Array {
  const { op, a, b } = p;
  const width = end - start + 1;
  const visited = new Uint8Array(op.length * width);
  const caps = new Int32Array(p.slots).fill(-1);
  // Frames: [kind, x, y]: kind 0 = try (pc x at position y), 1 = restore slot x to y.
  const frames: number[] = [0, 0, start];
  while (frames.length) {
    const y = frames.pop()!;
    const x = frames.pop()!;
    const kind = frames.pop()!;
    if (kind === 1) {
      caps[x] = y;
      continue;
    }
    let pc = x;
    let pos = y;
    for (;;) {
      const key = pc * width + (pos - start);
      if (visited[key]) break;
      visited[key] = 1;
      const o = op[pc];
      if (o === SET) {
        if (pos < end && p.sets[a[pc]!]!.has(text.charCodeAt(pos))) {
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
      if (o === MARK || o === PROGRESS) {
        pc++;
        continue;
      }
      if (o === MATCH && pos === end) return caps;
      break;
    }
  }
  // Unreachable when [start, end] came from search(); fall back to the bare span.
  const only = new Int32Array(p.slots).fill(-1);
  only[0] = start;
  only[1] = end;
  return only;
}
