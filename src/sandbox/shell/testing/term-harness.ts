// Drives a terminal session in tests: send keystrokes, wait for screen text.
import type { Host } from '../../types.ts';
import { createTerminalSession, type TerminalSession, type TerminalSessionOptions } from '../terminal-session.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

export function plain(s: string): string {
  return s.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '');
}

export class TermHarness {
  raw = '';
  exitCode: number | undefined;
  readonly session: TerminalSession;
  private waiters: (() => void)[] = [];

  constructor(host: Host, opts: Partial<TerminalSessionOptions> = {}) {
    this.session = createTerminalSession({
      host,
      user: 'learner',
      cols: 80,
      rows: 24,
      ttyName: 'pts/0',
      ...opts,
      onOutput: (d) => {
        this.raw += d;
        this.wake();
      },
      onExit: (c) => {
        this.exitCode = c;
        this.wake();
      },
    });
  }

  get text(): string {
    return plain(this.raw);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(keys: string): void {
    this.session.input(keys);
  }

  /** Waits (bounded) until the plain output after `from` satisfies pred; throws with the screen on timeout. */
  async waitFor(pred: RegExp | ((s: string) => boolean), from = 0, timeoutMs = 5000): Promise<string> {
    const test = typeof pred === 'function' ? pred : (s: string) => pred.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = plain(this.raw.slice(from));
      if (test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pred)}; screen:\n${plain(this.raw)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Types a line, presses Enter and waits for the next prompt; returns what was printed in between. */
  async run(line: string, prompt = /[$#] $/): Promise<string> {
    await this.session.ready;
    const from = this.raw.length;
    this.send(line + '\r');
    const s = await this.waitFor((t) => prompt.test(t) && !this.session.state().busy && t.includes('\n'), from);
    // Drop the echoed command line and the final prompt.
    const lines = s.split('\n');
    lines.shift();
    lines.pop();
    return lines.join('\n');
  }

  /** Waits until the prompt shows (not busy). */
  async idle(from = 0): Promise<void> {
    await this.waitFor((t) => /[$#] $/.test(t) && !this.session.state().busy, from);
  }
}
