// The runnable code blocks of a lesson (```sh, ```bash …, not marked no-run), in order,
// as the command lines a learner types when pressing Run. Tests type every one of them
// into a sandbox to prove the lesson works verbatim, not only the lab's solution.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/lab/course.ts';

const RUNNABLE = new Set(['sh', 'bash', 'shell', 'console', 'terminal']);

export interface LessonBlock {
  /** 1-based line of the opening fence in the lesson file. */
  line: number;
  lines: string[];
}

/** Runnable blocks; with `{ kind: 'output' }`, the ```text blocks that show what a command prints. */
export function lessonBlocks(lessonId: string, opts: { kind?: 'run' | 'output' } = {}): LessonBlock[] {
  const wanted = (words: string[]) => (opts.kind === 'output' ? words[0] === 'text' : RUNNABLE.has(words[0] ?? '') && !words.includes('no-run'));
  const text = readFileSync(path.join(PROJECT_ROOT, 'lessons', `${lessonId}.md`), 'utf8');
  const out: LessonBlock[] = [];
  let current: LessonBlock | undefined;
  let inFence = false;
  text.split('\n').forEach((raw, i) => {
    const fence = /^\s*(```|~~~)\s*(.*)$/.exec(raw);
    if (fence && !inFence) {
      inFence = true;
      const words = fence[2]!.trim().split(/\s+/).filter(Boolean);
      current = wanted(words) ? { line: i + 1, lines: [] } : undefined;
      return;
    }
    if (fence && inFence) {
      inFence = false;
      if (current) out.push(current);
      current = undefined;
      return;
    }
    if (inFence && current) current.lines.push(raw);
  });
  return out;
}

/** Words in a command's output that mean our tool did not understand what the lesson typed. */
export const NOT_UNDERSTOOD = /command not found|unrecognized option|invalid option|unknown (?:flag|shorthand flag|option|command)|syntax error|No such file or directory|Permission denied/;
