// Lessons are Markdown files with a little front matter and task blocks:
//
//   ---
//   title: First contact with etcd
//   lab: 01-first-contact
//   ---
//   ::: task start-etcd
//   Text of the task…
//   :::
//
// They render on the server with markdown-it. Shell code blocks get Run and Copy buttons;
// task blocks become cards carrying data-task-id and data-status for the page and tests.
import MarkdownIt from 'markdown-it';
import type { StateBlock, Token } from 'markdown-it';

export interface LessonFrontMatter {
  title: string;
  /** The lab id the lesson runs in (labs/<lab>/lab.ts). */
  lab?: string;
  summary?: string;
  [key: string]: string | undefined;
}

export interface ParsedLesson {
  /** File name without .md: '01-first-contact'. */
  id: string;
  meta: LessonFrontMatter;
  /** Markdown body, front matter removed. */
  body: string;
  /** Task ids in the order the lesson names them. */
  taskIds: string[];
}

export class LessonFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'LessonFormatError';
  }
}

const TASK_OPEN = /^:::\s*task\s+(?:id=)?["']?([A-Za-z0-9][\w.-]*)["']?\s*$/;

export function parseLesson(id: string, text: string): ParsedLesson {
  const normalised = text.replace(/\r\n/g, '\n');
  let body = normalised;
  const meta: LessonFrontMatter = { title: id };
  if (normalised.startsWith('---\n')) {
    const end = normalised.indexOf('\n---', 4);
    if (end < 0) throw new LessonFormatError(id, 'front matter opened with --- is never closed');
    for (const line of normalised.slice(4, end).split('\n')) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
      if (!m) throw new LessonFormatError(id, `front matter line is not "key: value": ${JSON.stringify(line)}`);
      meta[m[1]!] = unquote(m[2]!.trim());
    }
    body = normalised.slice(end + 4).replace(/^[^\n]*\n/, '');
  }
  const taskIds: string[] = [];
  let inFence = false;
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = TASK_OPEN.exec(line);
    if (m) {
      if (taskIds.includes(m[1]!)) throw new LessonFormatError(id, `task ${m[1]} appears twice`);
      taskIds.push(m[1]!);
    }
  }
  return { id, meta, body, taskIds };
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

export interface RenderOptions {
  /** Task titles by id (from the lab definition). */
  taskTitles?: Record<string, string>;
}

const RUNNABLE = new Set(['sh', 'bash', 'shell', 'console', 'terminal']);

/** Renders a lesson body to HTML. */
export function renderLesson(lesson: ParsedLesson, opts: RenderOptions = {}): string {
  const md = createMarkdown(opts);
  return md.render(lesson.body);
}

function createMarkdown(opts: RenderOptions): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.block.ruler.before('fence', 'task_container', taskContainerRule, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });

  md.renderer.rules.task_open = (tokens, idx) => {
    const id = tokens[idx]!.info;
    const title = opts.taskTitles?.[id] ?? id;
    const e = md.utils.escapeHtml;
    return (
      `<section class="task" data-task-id="${e(id)}" data-status="pending">\n` +
      `<header class="task-header"><span class="task-icon" aria-hidden="true"></span>` +
      `<span class="task-label">Task</span><h3 class="task-title">${e(title)}</h3>` +
      `<span class="task-status-text">pending</span></header>\n<div class="task-body">\n`
    );
  };
  md.renderer.rules.task_close = () => `</div>\n<p class="task-message" hidden></p>\n</section>\n`;

  const defaultFence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const words = token.info.trim().split(/\s+/).filter(Boolean);
    const lang = words[0] ?? '';
    const runnable = RUNNABLE.has(lang) && !words.includes('no-run');
    const inner = defaultFence(tokens, idx, options, env, self);
    const buttons =
      (runnable ? `<button type="button" class="code-run" data-action="run" title="Send to the terminal">Run</button>` : '') +
      `<button type="button" class="code-copy" data-action="copy" title="Copy to the clipboard">Copy</button>`;
    return `<div class="code-block${runnable ? ' runnable' : ''}" data-lang="${md.utils.escapeHtml(lang)}"><div class="code-actions">${buttons}</div>${inner}</div>\n`;
  };
  return md;
}

// A block rule for `::: task <id>` … `:::`, nesting ordinary Markdown inside.
function taskContainerRule(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]!);
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const m = TASK_OPEN.exec(lineText(startLine));
  if (!m) return false;
  if (silent) return true;

  let next = startLine + 1;
  let closed = false;
  for (; next < endLine; next++) {
    if (state.sCount[next]! < state.blkIndent) break;
    if (/^:::\s*$/.test(lineText(next)) && state.sCount[next]! - state.blkIndent < 4) {
      closed = true;
      break;
    }
  }

  const oldParent = state.parentType;
  const oldLineMax = state.lineMax;
  state.parentType = 'container' as typeof state.parentType;
  state.lineMax = next;

  const open: Token = state.push('task_open', 'section', 1);
  open.info = m[1]!;
  open.block = true;
  open.map = [startLine, next];
  state.md.block.tokenize(state, startLine + 1, next);
  const close: Token = state.push('task_close', 'section', -1);
  close.block = true;

  state.parentType = oldParent;
  state.lineMax = oldLineMax;
  state.line = next + (closed ? 1 : 0);
  return true;
}
