// The terminal's line discipline while a program runs in the foreground (cooked mode):
// typed characters are echoed and handed to the reader a line at a time; Ctrl-C and
// Ctrl-\ become signals; Ctrl-D on an empty line is end of input.
import { BrokenPipeError, type InputStream, type OutputStream } from '../io.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A terminal's input as a program may control it. In raw mode keystrokes reach the reader
 * unprocessed: no echo, no line buffering, Ctrl-C as the byte \x03 (ssh passes them on to
 * the remote shell this way). `size` follows the browser terminal's resizes.
 */
export interface TerminalInput extends InputStream {
  setRawMode(raw: boolean): void;
  /** Turns echo of typed characters off/on (passwords, `read -s`), as `stty -echo` does. */
  setEcho(on: boolean): void;
  readonly size: { cols: number; rows: number };
  /** Called after the terminal was resized (ssh forwards it, like SIGWINCH). */
  onResize: ((cols: number, rows: number) => void) | undefined;
}

/** The terminal behind a program's stdin, when it is one. */
export function terminalInput(s: InputStream): TerminalInput | undefined {
  return s.isTTY && 'setRawMode' in s ? (s as TerminalInput) : undefined;
}

export class TtyInput implements TerminalInput {
  readonly isTTY = true;
  raw = false;
  size = { cols: 80, rows: 24 };
  onResize: ((cols: number, rows: number) => void) | undefined;
  /** Told when raw mode changes (the session stops counting output for the limit). */
  onRawChange: ((raw: boolean) => void) | undefined;

  setRawMode(raw: boolean): void {
    this.raw = raw;
    this.onRawChange?.(raw);
  }

  private echoOn = true;

  setEcho(on: boolean): void {
    this.echoOn = on;
  }

  private show(s: string): void {
    if (this.echoOn) this.echo(s);
  }
  private lines: string[] = [];
  /** Text typed on the current line, not yet sent (Enter or Ctrl-D sends it). */
  private editing = '';
  private eofPending = 0;
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly echo: (s: string) => void,
    private readonly onSignal: (sig: 'SIGINT' | 'SIGQUIT') => void,
  ) {}

  /** Bumped when a foreground command ends: reads it left pending get end of input, not the next command's keys. */
  private generation = 0;

  async read(): Promise<Uint8Array | null> {
    const gen = this.generation;
    for (;;) {
      if (gen !== this.generation) return null;
      if (this.lines.length) return enc.encode(this.lines.shift()!);
      if (this.eofPending > 0) {
        this.eofPending--;
        return null;
      }
      if (this.closed) return null;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Keystrokes typed while a program runs (echoed as the kernel's tty would). */
  typed(data: string): void {
    if (this.raw) {
      this.lines.push(data);
      this.wake();
      return;
    }
    for (const ch of data) {
      switch (ch) {
        case '\x03':
          this.show('^C');
          // The terminal discards pending input on an interrupt.
          this.editing = '';
          this.lines = [];
          this.onSignal('SIGINT');
          break;
        case '\x1c':
          this.show('^\\');
          this.editing = '';
          this.onSignal('SIGQUIT');
          break;
        case '\x1a':
          // Ctrl-Z would stop the job (SIGTSTP); stopped jobs are not modelled, so it only shows.
          this.show('^Z');
          break;
        case '\x04':
          if (this.editing) {
            this.lines.push(this.editing);
            this.editing = '';
          } else this.eofPending++;
          this.wake();
          break;
        case '\r':
        case '\n':
          this.show('\r\n');
          this.lines.push(this.editing + '\n');
          this.editing = '';
          this.wake();
          break;
        case '\x7f':
        case '\b':
          if (this.editing) {
            this.editing = [...this.editing].slice(0, -1).join('');
            this.show('\b \b');
          }
          break;
        case '\x15':
          this.show('\b \b'.repeat([...this.editing].length));
          this.editing = '';
          break;
        default:
          if (ch === '\x1b') this.show('^[');
          else if (ch.charCodeAt(0) < 0x20 && ch !== '\t') this.show('^' + String.fromCharCode(ch.charCodeAt(0) + 64));
          else this.show(ch);
          this.editing += ch;
      }
    }
  }

  /** Input that arrived before the program started (a paste): queued without echo. */
  queueRaw(data: string): void {
    const parts = data.replace(/\r\n?/g, '\n').split('\n');
    const last = parts.pop()!;
    for (const p of parts) this.lines.push(p + '\n');
    this.editing += last;
    this.wake();
  }

  /** What nobody read: goes back to the line editor as type-ahead. */
  takeUnread(): string {
    this.raw = false;
    this.echoOn = true;
    this.generation++;
    this.wake();
    const s = this.lines.map((l) => l.replace(/\n$/, '\r')).join('') + this.editing;
    this.lines = [];
    this.editing = '';
    this.eofPending = 0;
    return s;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }
}

/**
 * Output to the terminal: newlines become CRLF (the tty's ONLCR), chunks are batched and
 * sent at most once per event-loop turn, a writer waits while too much is unsent, and the
 * bytes per command line are counted so a flood can be stopped.
 */
export class TtyOutput implements OutputStream {
  readonly isTTY = true;
  private pending = '';
  private scheduled = false;
  private drainWaiters: (() => void)[] = [];
  private decoder = new TextDecoder();
  /** Bytes written by programs since the command line started. */
  written = 0;
  /** No limit while a program has the terminal in raw mode (ssh: the remote shell has its own). */
  unlimited = false;
  /** Set once the output limit was hit: further writes fail like a closed terminal. */
  blocked = false;
  private lastChar = '\n';
  private windowStart = 0;
  private windowBytes = 0;

  constructor(
    private readonly send: (data: string) => void,
    private readonly opts: { limitBytes: number; onLimit: () => void; bytesPerSecond: number },
  ) {}

  /** Output of the shell and of programs. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.blocked) throw new BrokenPipeError();
    const s = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.written += typeof chunk === 'string' ? enc.encode(chunk).length : chunk.length;
    if (this.written > this.opts.limitBytes && !this.unlimited) {
      this.blocked = true;
      this.opts.onLimit();
      throw new BrokenPipeError();
    }
    this.raw(s.replace(/\r?\n/g, '\r\n'));
    if (this.pending.length > 64 * 1024) return new Promise<void>((r) => this.drainWaiters.push(r));
  }

  /** Terminal control output of the editor (already CRLF). */
  raw(s: string): void {
    if (!s) return;
    this.lastChar = s[s.length - 1]!;
    this.pending += s;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const now = performance.now();
    if (now - this.windowStart > 100) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    // Over the rate for this 100 ms window: wait for the next one.
    const delay = this.windowBytes > this.opts.bytesPerSecond / 10 ? 100 - (now - this.windowStart) : 0;
    const run = () => this.flush();
    if (delay > 0) setTimeout(run, delay);
    else setImmediate(run);
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending) return;
    const data = this.pending;
    this.pending = '';
    this.windowBytes += data.length;
    try {
      this.send(data);
    } catch {
      // The terminal went away (a closed websocket): the output has nowhere to go.
    }
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }

  /** True when the cursor is at the start of a line (for messages that must start on one). */
  get atLineStart(): boolean {
    return this.lastChar === '\n';
  }

  /** A new command line: counting starts again. */
  resetCount(): void {
    this.written = 0;
    this.blocked = false;
    this.unlimited = false;
  }
}

export { dec as ttyDecoder };
