// Types command lines into a terminal session the way a learner does (text, then Enter)
// and waits for the shell to come back to its prompt. Used by the grader and by the
// tests that run a lab's reference solution.
import type { LabSandbox, TerminalSession } from './sandbox-port.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Terminal output without colours and cursor movement, CRLF as LF. */
export function plainText(s: string): string {
  return s.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '');
}

/** A primary prompt (`…$ ` or `…# `) or bash's continuation prompt (`> `) at the end. */
const PROMPT_AT_END = /(?:[$#] |(?:^|\n)> )$/;

export interface RunLineResult {
  line: string;
  /** What the terminal printed after the line was sent (echo included), plain text. */
  output: string;
  /** False when the prompt did not come back in time. */
  completed: boolean;
}

export class TerminalDriver {
  private raw = '';
  private exitCode: number | undefined;
  private waiters: (() => void)[] = [];
  readonly session: TerminalSession;

  constructor(sandbox: LabSandbox, opts: { host: string; user?: string; cols?: number; rows?: number; ttyName?: string }) {
    this.session = sandbox.openTerminal({
      host: opts.host,
      user: opts.user ?? 'learner',
      cols: opts.cols ?? 120,
      rows: opts.rows ?? 40,
      ttyName: opts.ttyName ?? 'pts/0',
      onOutput: (d) => {
        this.raw += d;
        if (this.raw.length > 4 * 1024 * 1024) this.raw = this.raw.slice(-2 * 1024 * 1024);
        this.wake();
      },
      onExit: (code) => {
        this.exitCode = code;
        this.wake();
      },
    });
  }

  /** Everything printed so far, plain text. */
  get output(): string {
    return plainText(this.raw);
  }

  get exited(): number | undefined {
    return this.exitCode;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Waits until `pred` holds for the output since `from` (bounded by timeoutMs). */
  async waitFor(pred: (since: string) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<boolean> {
    const from = opts.from ?? 0;
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      if (pred(plainText(this.raw.slice(from)))) return true;
      if (this.exitCode !== undefined) return pred(plainText(this.raw.slice(from)));
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.changed(Math.min(left, 100));
    }
  }

  /** Waits for the first prompt after login. */
  ready(timeoutMs = 10_000): Promise<boolean> {
    return this.waitFor((s) => PROMPT_AT_END.test(s) && !this.busy(), { timeoutMs });
  }

  private busy(): boolean {
    try {
      const st = this.session.state() as { busy?: unknown };
      return st.busy === true;
    } catch {
      return false;
    }
  }

  /** Types `line` and Enter, then waits until the prompt is back. */
  async run(line: string, opts: { timeoutMs?: number } = {}): Promise<RunLineResult> {
    const from = this.raw.length;
    this.session.input(`${line}\r`);
    // The echo of the line comes first; the prompt after it means the command finished.
    const completed = await this.waitFor(
      (since) => {
        const nl = since.indexOf('\n');
        return nl >= 0 && PROMPT_AT_END.test(since.slice(nl)) && !this.busy();
      },
      { from, timeoutMs: opts.timeoutMs ?? 15_000 },
    );
    return { line, output: plainText(this.raw.slice(from)), completed };
  }

  /** Sends keys without Enter (Ctrl-C is '\x03'). */
  keys(data: string): void {
    this.session.input(data);
  }

  close(): void {
    this.session.close();
  }
}
