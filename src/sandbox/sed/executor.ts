// Runs a parsed sed script over lines: pattern and hold space, range state, the append
// queue, and the cycle rules (auto-print, n/N at the end of input, q/Q) as GNU sed has them.
import { matchAll, RegexBudgetError, type Regex, type RegexMatch } from '../regex/index.ts';
import { SedError, type Addr, type Cmd } from './script.ts';
import type { CpuBudget } from '../cpu-budget.ts';

/**
 * Longest pattern or hold space (characters), the shell's cap on one value: a doubling
 * loop (`:a;G;ba`) ends as GNU sed ends when malloc fails, instead of filling the server.
 */
export const MAX_SPACE_CHARS = 32 * 1024 * 1024;
/** Output kept before it is written out (or, for -i, before the edited file is too big to hold). */
const FLUSH_AT_CHARS = 64 * 1024;

/** GNU sed's words (gnulib's xalloc_die) and status when an allocation fails, as measured with `ulimit -v`. */
export function memoryExhausted(): SedError {
  return new SedError('memory exhausted', 1);
}

function space(s: string): string {
  if (s.length > MAX_SPACE_CHARS) throw memoryExhausted();
  return s;
}

export interface RunnerOptions {
  /** Checked every cycle and every jump: charges CPU time, yields the event loop, ends a runaway script. */
  budget?: CpuBudget;
  /** Takes the output as it grows; without it everything stays in `out` (sed -i), up to MAX_SPACE_CHARS. */
  flush?: (text: string) => Promise<void>;
}

/** The replacement text for one match: & and \1..\9, \n, \t, \L \U \l \u \E case conversions. */
function substitute(rep: string, m: RegexMatch): string {
  let out = '';
  let mode: 'U' | 'L' | '' = '';
  let once: 'u' | 'l' | '' = '';
  const add = (s: string) => {
    for (const ch of s) {
      let c = mode === 'U' ? ch.toUpperCase() : mode === 'L' ? ch.toLowerCase() : ch;
      if (once) {
        c = once === 'u' ? c.toUpperCase() : c.toLowerCase();
        once = '';
      }
      out += c;
    }
  };
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '&') add(m.groups[0] ?? '');
    else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i]!;
      if (/\d/.test(n)) add(m.groups[Number(n)] ?? '');
      else if (n === 'n') add('\n');
      else if (n === 't') add('\t');
      else if (n === 'U' || n === 'L') mode = n;
      else if (n === 'E') mode = '';
      else if (n === 'u' || n === 'l') once = n;
      else add(n);
    } else add(c);
  }
  return out;
}

/** Runs a match; a back-reference search past its step budget ends sed as running out of memory does. */
function budgeted<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RegexBudgetError) throw new SedError(e.message, 4);
    throw e;
  }
}

/** One run of a script; `out` collects what it prints, `quit` the exit code of q/Q. */
export class Runner {
  hold = '';
  lastRe: Regex | null = null;
  quit: number | undefined;
  out = '';
  lineNo = 0;
  constructor(
    readonly cmds: Cmd[],
    readonly quiet: boolean,
    private readonly opts: RunnerOptions = {},
  ) {}

  /** A point where a script can loop forever (a new cycle, a jump): check the budget and pass the output on. */
  private async checkpoint(): Promise<void> {
    const b = this.opts.budget;
    if (b?.step()) await b.tick();
    if (this.out.length >= FLUSH_AT_CHARS) await this.flushOut();
  }

  /** Hands the output collected so far to the writer. */
  async flushOut(): Promise<void> {
    if (!this.opts.flush) {
      if (this.out.length > MAX_SPACE_CHARS) throw memoryExhausted();
      return;
    }
    if (!this.out) return;
    const text = this.out;
    this.out = '';
    await this.opts.flush(text);
  }

  private re(r: Regex | null | undefined): Regex {
    const use = r ?? this.lastRe;
    if (!use) throw new SedError('no previous regular expression');
    this.lastRe = use;
    return use;
  }

  private matchAddr(a: Addr, ps: string, last: boolean): boolean {
    switch (a.kind) {
      case 'line':
        return this.lineNo === a.n;
      case 'last':
        return last;
      case 're':
        return budgeted(() => this.re(a.re).test(ps));
      case 'step':
        return a.step <= 0 ? this.lineNo === a.first : this.lineNo >= a.first && (this.lineNo - a.first) % a.step === 0;
      case 'plus':
        return false;
    }
  }

  private selected(c: Cmd, ps: string, last: boolean): boolean {
    let hit: boolean;
    if (!c.a1) hit = true;
    else if (!c.a2) hit = this.matchAddr(c.a1, ps, last);
    else if (c.active) {
      const a2 = c.a2;
      let end: boolean;
      if (a2.kind === 'line') end = this.lineNo >= a2.n;
      else if (a2.kind === 'plus') end = this.lineNo >= (c.endLine ?? 0);
      else end = this.matchAddr(a2, ps, last);
      if (end) c.active = false;
      hit = true;
    } else if (this.matchAddr(c.a1, ps, last)) {
      hit = true;
      const a2 = c.a2;
      if (a2.kind === 'line') c.active = a2.n > this.lineNo;
      else if (a2.kind === 'plus') {
        c.endLine = this.lineNo + a2.n;
        c.active = a2.n > 0;
      } else c.active = !last;
    } else hit = false;
    return hit !== c.negate;
  }

  /** Runs the script over a stream of lines; writes to this.out. */
  async runStream(lines: string[], finalNewline: boolean, isLastStream: boolean): Promise<void> {
    let idx = 0;
    let ps: string | undefined;
    let append: string[] = [];
    let appendChars = 0;
    const emit = (s: string, nl = true) => (this.out += s + (nl ? '\n' : ''));
    const nextLine = (): string | undefined => {
      if (idx >= lines.length) return undefined;
      this.lineNo++;
      return lines[idx++];
    };
    const isLast = () => idx >= lines.length && isLastStream;
    const flushAppend = () => {
      for (const a of append) emit(a);
      append = [];
      appendChars = 0;
    };
    const endOfCycle = (printPs: boolean) => {
      if (printPs && !this.quiet && ps !== undefined) emit(ps, idx < lines.length || finalNewline || !isLastStream);
      flushAppend();
    };
    while ((ps = nextLine()) !== undefined) {
      await this.checkpoint();
      let tFlag = false;
      let pc = 0;
      let deleted = false;
      restart: while (pc < this.cmds.length) {
        const c = this.cmds[pc]!;
        if (c.name === ':' || c.name === '}') {
          pc++;
          continue;
        }
        if (!this.selected(c, ps, isLast())) {
          pc = c.name === '{' ? c.jump! + 1 : pc + 1;
          continue;
        }
        switch (c.name) {
          case '{':
            break;
          case 's': {
            const re = this.re(c.re);
            const subject = ps;
            let count = 0;
            let changed = false;
            let result = '';
            let lastEnd = 0;
            budgeted(() => {
              // matchAll skips an empty match right where the previous one ended, as POSIX says.
              for (const m of matchAll(re, subject)) {
                count++;
                const want = c.nth ? count === c.nth || (c.global && count > c.nth) : c.global || count === 1;
                if (want) {
                  result += subject.slice(lastEnd, m.index) + substitute(c.replacement!, m);
                  if (result.length > MAX_SPACE_CHARS) throw memoryExhausted();
                  lastEnd = m.end;
                  changed = true;
                  if (!c.global && (!c.nth || count >= c.nth)) break;
                }
              }
            });
            if (changed) {
              ps = space(result + ps.slice(lastEnd));
              tFlag = true;
              if (c.print) emit(ps);
            }
            break;
          }
          case 'y':
            ps = [...ps].map((ch) => c.ymap!.get(ch) ?? ch).join('');
            break;
          case 'p':
            emit(ps);
            break;
          case 'P':
            emit(ps.split('\n')[0]!);
            break;
          case 'd':
            deleted = true;
            break restart;
          case 'D': {
            const nl = ps.indexOf('\n');
            if (nl < 0) {
              deleted = true;
              break restart;
            }
            ps = ps.slice(nl + 1);
            flushAppend();
            await this.checkpoint();
            pc = 0;
            continue restart;
          }
          case 'n':
            if (this.quit === undefined && idx < lines.length) {
              if (!this.quiet) emit(ps);
              flushAppend();
              ps = nextLine()!;
            } else {
              if (idx >= lines.length) {
                endOfCycle(true);
                return;
              }
            }
            break;
          case 'N':
            if (idx < lines.length) ps = space(ps + '\n' + nextLine()!);
            else {
              // GNU sed prints the pattern space when N hits the end (POSIXLY_CORRECT aside).
              endOfCycle(true);
              return;
            }
            break;
          case 'a':
            appendChars += c.text!.length + 1;
            if (appendChars > MAX_SPACE_CHARS) throw memoryExhausted();
            append.push(c.text!);
            break;
          case 'i':
            emit(c.text!);
            break;
          case 'c':
            if (!c.a2 || !c.active) emit(c.text!);
            deleted = true;
            break restart;
          case '=':
            emit(String(this.lineNo));
            break;
          case 'l':
            emit(ps.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n') + '$');
            break;
          case 'h':
            this.hold = ps;
            break;
          case 'H':
            this.hold = space(this.hold + '\n' + ps);
            break;
          case 'g':
            ps = this.hold;
            break;
          case 'G':
            ps = space(ps + '\n' + this.hold);
            break;
          case 'x':
            [ps, this.hold] = [this.hold, ps];
            break;
          case 'z':
            ps = '';
            break;
          case 'q':
            this.quit = c.code;
            endOfCycle(true);
            return;
          case 'Q':
            this.quit = c.code;
            return;
          case 'b':
          case 't':
          case 'T': {
            const jump = c.name === 'b' || (c.name === 't' ? tFlag : !tFlag);
            if (c.name !== 'b') tFlag = false;
            if (jump) {
              if (!c.label) break restart;
              await this.checkpoint();
              pc = this.cmds.findIndex((x) => x.name === ':' && x.label === c.label);
              continue restart;
            }
            break;
          }
        }
        pc++;
      }
      endOfCycle(!deleted);
      if (this.quit !== undefined) return;
    }
  }
}
