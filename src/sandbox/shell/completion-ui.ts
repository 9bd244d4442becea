// Tab completion on the line editor, as readline shows it: complete a unique match, insert the
// common prefix, ring the bell, list candidates on the second Tab (asking first when many).
import type { TtyOutput } from './tty.ts';
import { commonPrefix, complete, escapeForShell, formatColumns } from './completion.ts';
import type { LineEditor } from './line-editor.ts';
import type { ShellState } from './state.ts';

/** readline's completion-query-items: more candidates than this and it asks first. */
const COMPLETION_QUERY_ITEMS = 100;

export class CompletionUI {
  constructor(
    private readonly editor: LineEditor,
    private readonly out: TtyOutput,
    private readonly cols: () => number,
  ) {}

  /** Set while "Display all N possibilities? (y or n)" waits for its answer. */
  get asking(): boolean {
    return this.completionQuery !== undefined;
  }

  complete(again: boolean, st: ShellState): void {
    const before = this.editor.buf.slice(0, this.editor.cursor).join('');
    const c = complete(before, st);
    if (c.candidates.length === 0) {
      this.out.raw('\x07');
      return;
    }
    const insertFor = (full: string) => (c.verbatim ? full : escapeForShell(full));
    const typedEscaped = c.word;
    if (c.candidates.length === 1) {
      const full = insertFor(c.candidates[0]!) + c.suffix;
      this.replaceWord(c.start, typedEscaped, full);
      return;
    }
    const prefix = commonPrefix(c.candidates);
    const prefixEscaped = insertFor(prefix);
    if (prefixEscaped.length > typedEscaped.length && prefix.length > c.word.replace(/\\(.)/g, '$1').length) {
      this.replaceWord(c.start, typedEscaped, prefixEscaped);
      return;
    }
    if (!again) {
      this.out.raw('\x07');
      return;
    }
    this.editor.finish();
    if (c.display.length > COMPLETION_QUERY_ITEMS) {
      // readline asks before flooding the screen; the answer is the next key.
      this.out.raw(`Display all ${c.display.length} possibilities? (y or n)`);
      this.completionQuery = c.display;
      return;
    }
    this.showCandidates(c.display);
  }

  private completionQuery: string[] | undefined;

  private showCandidates(display: string[] | undefined): void {
    if (display) this.out.raw(formatColumns(display, this.cols()));
    const text = this.editor.text;
    const cursor = this.editor.cursor;
    this.editor.begin(this.editor.prompt, text);
    this.editor.cursor = cursor;
    if (cursor !== text.length) this.editor.redraw();
  }

  /** The key answering "Display all N possibilities? (y or n)". */
  answer(k: string): void {
    const list = this.completionQuery!;
    this.completionQuery = undefined;
    const yes = k === 'y' || k === 'Y' || k === ' ';
    this.out.raw('\r\n');
    this.showCandidates(yes ? list : undefined);
  }

  private replaceWord(start: number, typed: string, replacement: string): void {
    const e = this.editor;
    const before = e.buf.slice(0, start);
    const after = e.buf.slice(start + [...typed].length);
    const chars = [...replacement];
    if (after.length === 0 && before.join('') + typed === e.text) {
      e.insert(replacement.slice(typed.length));
      return;
    }
    e.buf = [...before, ...chars, ...after];
    e.cursor = before.length + chars.length;
    e.redraw();
  }
}
