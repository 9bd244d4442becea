// The server-side line editor (a small readline): a line buffer with a cursor, history
// navigation, kill commands and Tab completion, drawing itself on a terminal of `cols`
// columns with wrapped lines handled. It only produces screen output; the session decides
// what to do with a finished line.

export type EditorEvent =
  | { type: 'line'; text: string }
  | { type: 'interrupt' }
  | { type: 'eof' }
  | { type: 'clear' }
  /** Tab; `again` on the second Tab in a row (bash then lists the candidates). */
  | { type: 'complete'; again: boolean };

/** Keys as the terminal sends them (xterm). */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    const c = data[i]!;
    if (c === '\x1b') {
      const m = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O[A-Za-z]|[^[O])/.exec(data.slice(i));
      if (m) {
        keys.push(m[0]);
        i += m[0].length;
        continue;
      }
      keys.push(c);
      i++;
      continue;
    }
    if (c === '\r' && data[i + 1] === '\n') {
      keys.push('\r');
      i += 2;
      continue;
    }
    const cp = data.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    keys.push(ch);
    i += ch.length;
  }
  return keys;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

export function visibleLength(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

export class LineEditor {
  /** The line being edited, as code points (so the cursor moves by characters). */
  buf: string[] = [];
  cursor = 0;
  prompt = '';
  cols: number;
  /** Row of the terminal cursor relative to the first row of the prompt. */
  private cursorRow = 0;
  private historyIndex = 0;
  private savedLine: string[] | undefined;
  /** The text killed last (Ctrl-K/U/W), for Ctrl-Y. */
  private killRing = '';
  lastKeyWasTab = false;

  constructor(
    cols: number,
    private readonly write: (s: string) => void,
    private readonly history: () => string[],
  ) {
    this.cols = Math.max(10, cols);
  }

  get text(): string {
    return this.buf.join('');
  }

  /** Starts a fresh line with this prompt. */
  begin(prompt: string, initial = ''): void {
    this.prompt = prompt;
    this.buf = [...initial];
    this.cursor = this.buf.length;
    this.historyIndex = this.history().length;
    this.savedLine = undefined;
    this.cursorRow = 0;
    this.write(prompt + initial);
    this.cursorRow = Math.floor((visibleLength(prompt) + this.buf.length) / this.cols);
    if (this.atWrapBoundary()) this.write('\r\n');
  }

  private atWrapBoundary(): boolean {
    const end = visibleLength(this.prompt) + this.buf.length;
    return end > 0 && end % this.cols === 0 && this.cursor === this.buf.length;
  }

  /** Redraws prompt and line from the prompt's first row; leaves the cursor at `cursor`. */
  redraw(): void {
    let out = '';
    if (this.cursorRow > 0) out += `\x1b[${this.cursorRow}A`;
    // Clear first: erasing after the text would hit its last character at a wrap boundary.
    out += '\r\x1b[J' + this.prompt + this.text;
    const plen = visibleLength(this.prompt);
    const end = plen + this.buf.length;
    const endRow = Math.floor(end / this.cols);
    // At an exact multiple of the width the terminal waits to wrap; move to the next row now.
    if (end > 0 && end % this.cols === 0) out += '\r\n';
    const target = plen + this.cursor;
    const tRow = Math.floor(target / this.cols);
    const tCol = target % this.cols;
    if (endRow > tRow) out += `\x1b[${endRow - tRow}A`;
    out += '\r';
    if (tCol > 0) out += `\x1b[${tCol}C`;
    this.cursorRow = tRow;
    this.write(out);
  }

  /** Moves the terminal cursor below the line (before output or a new prompt). */
  finish(): void {
    if (this.cursor !== this.buf.length) {
      this.cursor = this.buf.length;
      this.redraw();
    }
    const end = visibleLength(this.prompt) + this.buf.length;
    // At an exact wrap boundary the cursor already sits on the next row.
    if (!(end > 0 && end % this.cols === 0)) this.write('\r\n');
    this.cursorRow = 0;
  }

  resize(cols: number): void {
    this.cols = Math.max(10, cols);
    this.cursorRow = Math.floor((visibleLength(this.prompt) + this.cursor) / this.cols);
  }

  insert(s: string): void {
    const chars = [...s];
    const atEnd = this.cursor === this.buf.length;
    this.buf.splice(this.cursor, 0, ...chars);
    this.cursor += chars.length;
    const end = visibleLength(this.prompt) + this.buf.length;
    if (atEnd) {
      // Appending needs no redraw: the terminal wraps by itself; at an exact multiple of the
      // width it waits to wrap, so move to the next row now to keep the cursor where we think.
      this.write(end % this.cols === 0 ? s + '\r\n' : s);
      this.cursorRow = Math.floor(end / this.cols);
    } else this.redraw();
  }

  private setLine(chars: string[]): void {
    this.buf = chars;
    this.cursor = chars.length;
    this.redraw();
  }

  /** Handles one key; returns an event when the key ends the line or needs the session. */
  key(k: string): EditorEvent | undefined {
    const wasTab = this.lastKeyWasTab;
    this.lastKeyWasTab = false;
    switch (k) {
      case '\r':
      case '\n':
        this.finish();
        return { type: 'line', text: this.text };
      case '\x03':
        this.cursor = this.buf.length;
        this.redraw();
        this.write('^C\r\n');
        this.cursorRow = 0;
        return { type: 'interrupt' };
      case '\x04':
        if (this.buf.length === 0) return { type: 'eof' };
        if (this.cursor < this.buf.length) {
          this.buf.splice(this.cursor, 1);
          this.redraw();
        }
        return undefined;
      case '\x0c':
        return { type: 'clear' };
      case '\t':
        this.lastKeyWasTab = !wasTab;
        return { type: 'complete', again: wasTab };
      case '\x7f':
      case '\b':
        if (this.cursor > 0) {
          this.buf.splice(this.cursor - 1, 1);
          this.cursor--;
          this.redraw();
        }
        return undefined;
      case '\x1b[3~':
        if (this.cursor < this.buf.length) {
          this.buf.splice(this.cursor, 1);
          this.redraw();
        }
        return undefined;
      case '\x1b[D':
      case '\x1bOD':
      case '\x02':
        if (this.cursor > 0) {
          this.cursor--;
          this.redraw();
        }
        return undefined;
      case '\x1b[C':
      case '\x1bOC':
      case '\x06':
        if (this.cursor < this.buf.length) {
          this.cursor++;
          this.redraw();
        }
        return undefined;
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
      case '\x01':
        this.cursor = 0;
        this.redraw();
        return undefined;
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
      case '\x05':
        this.cursor = this.buf.length;
        this.redraw();
        return undefined;
      case '\x0b':
        this.killRing = this.buf.slice(this.cursor).join('');
        this.buf.splice(this.cursor);
        this.redraw();
        return undefined;
      case '\x15':
        this.killRing = this.buf.slice(0, this.cursor).join('');
        this.buf.splice(0, this.cursor);
        this.cursor = 0;
        this.redraw();
        return undefined;
      case '\x17': {
        let i = this.cursor;
        while (i > 0 && /\s/.test(this.buf[i - 1]!)) i--;
        while (i > 0 && !/\s/.test(this.buf[i - 1]!)) i--;
        this.killRing = this.buf.slice(i, this.cursor).join('');
        this.buf.splice(i, this.cursor - i);
        this.cursor = i;
        this.redraw();
        return undefined;
      }
      case '\x19':
        if (this.killRing) this.insert(this.killRing);
        return undefined;
      case '\x1bb':
      case '\x1b[1;5D': {
        let i = this.cursor;
        while (i > 0 && !/[A-Za-z0-9]/.test(this.buf[i - 1]!)) i--;
        while (i > 0 && /[A-Za-z0-9]/.test(this.buf[i - 1]!)) i--;
        this.cursor = i;
        this.redraw();
        return undefined;
      }
      case '\x1bf':
      case '\x1b[1;5C': {
        let i = this.cursor;
        while (i < this.buf.length && !/[A-Za-z0-9]/.test(this.buf[i]!)) i++;
        while (i < this.buf.length && /[A-Za-z0-9]/.test(this.buf[i]!)) i++;
        this.cursor = i;
        this.redraw();
        return undefined;
      }
      case '\x1b[A':
      case '\x1bOA':
      case '\x10':
        this.historyMove(-1);
        return undefined;
      case '\x1b[B':
      case '\x1bOB':
      case '\x0e':
        this.historyMove(1);
        return undefined;
    }
    if (k.startsWith('\x1b') || (k.length === 1 && k.charCodeAt(0) < 0x20)) {
      // Unbound keys: readline rings the bell.
      this.write('\x07');
      return undefined;
    }
    this.insert(k);
    return undefined;
  }

  private historyMove(dir: number): void {
    const h = this.history();
    const next = this.historyIndex + dir;
    if (next < 0 || next > h.length) {
      this.write('\x07');
      return;
    }
    if (this.historyIndex === h.length) this.savedLine = [...this.buf];
    this.historyIndex = next;
    this.setLine(next === h.length ? (this.savedLine ?? []) : [...h[next]!]);
  }
}
