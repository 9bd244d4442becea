// An interactive login shell on a terminal: what the web server attaches a browser terminal
// to (and what ssh uses on another host). Bytes in (keystrokes), text out (screen output).
import { resolvePath } from '../../platform/filesystem.ts';
import type { Host, SignalName } from '../types.ts';
import { CompletionUI } from './completion-ui.ts';
import { Interpreter } from './interpreter.ts';
import { LineEditor, splitKeys } from './line-editor.ts';
import { expandHistory } from './history-expansion.ts';
import { HistoryFile, addToHistory } from './history-file.ts';
import { inHeredocBody, isIncomplete } from './parser.ts';
import { DEFAULT_PS1, expandPrompt } from './prompt.ts';
import { ShellRuntime } from './runtime.ts';
import { loginEnv, runStartupFiles, stateFromEnv } from './startup.ts';
import { ExitSignal, InterruptSignal, ShellError, type ShellState } from './state.ts';
import { TtyInput, TtyOutput } from './tty.ts';

export interface TerminalSessionOptions {
  host: Host;
  user: string;
  cols: number;
  rows: number;
  /** 'pts/0' … shown by ps and tty. */
  ttyName: string;
  /** Extra environment (over the login environment). */
  env?: Record<string, string>;
  /** Screen output (UTF-8 text with escape sequences), batched. */
  onOutput: (data: string) => void;
  /** The shell ended (exit, logout, Ctrl-D, killed): its exit status. Not called after close(). */
  onExit?: (code: number) => void;
  /** A login shell (reads /etc/profile and ~/.profile; errors read "-bash: …"). Default true. */
  login?: boolean;
  /**
   * The name the shell runs as (argv[0], the prefix of its errors). Default '-bash' for a
   * login shell as sshd starts it; a terminal emulator running `bash -l` gives 'bash'.
   */
  argv0?: string;
  /** Starting directory (default: the user's home). */
  cwd?: string;
  /** The parent process (sshd/login); default 1. */
  ppid?: number;
  /** Shell CPU time per command line (default 10 s). */
  cpuLimitMs?: number;
  /** Terminal output per command line (default 10 MB). */
  outputLimitBytes?: number;
  /** Output rate to the terminal (default 4 MB/s). */
  bytesPerSecond?: number;
  /** Where history persists (default ~/.bash_history); null: not saved. */
  historyFile?: string | null;
}

export interface TerminalSessionState {
  /** A foreground command is running (the prompt is not showing). */
  busy: boolean;
  exited: boolean;
  exitCode: number | undefined;
  cwd: string;
  user: string;
  host: string;
  /** The shell's pid on the host. */
  pid: number | undefined;
  history: string[];
  jobs: { id: number; pids: number[]; text: string; state: string }[];
  lastStatus: number;
  [key: string]: unknown;
}

export interface TerminalSession {
  /** Keystrokes (as xterm sends them). */
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Ends the session: its jobs get SIGHUP (unless started with nohup/setsid), the shell ends. */
  close(): void;
  state(): TerminalSessionState;
  /** Resolves once the first prompt is shown. */
  readonly ready: Promise<void>;
  /** Resolves with the exit status when the shell ends (also after close()). */
  readonly exited: Promise<number>;
}

const HISTORY_MAX = 1000;

export function createTerminalSession(opts: TerminalSessionOptions): TerminalSession {
  return new Session(opts);
}

/** 'submitted': Enter was pressed, the line is being checked (busy, but keys still queue for the editor). */
type Mode = 'starting' | 'prompt' | 'submitted' | 'running' | 'done';

class Session implements TerminalSession {
  private mode: Mode = 'starting';
  private out: TtyOutput;
  private tty: TtyInput;
  private editor: LineEditor;
  private completion: CompletionUI;
  private sh!: Interpreter;
  private rt!: ShellRuntime;
  private st!: ShellState;
  private pid: number | undefined;
  /** Lines of a command being continued (`> ` prompt). */
  private continued: string[] = [];
  /** Keystrokes not yet handled (type-ahead while the editor is busy, pastes). */
  private queue = '';
  /** Keys typed while a submitted line is being checked. */
  private held = '';
  private processing = false;
  private exitCode: number | undefined;
  private closed = false;
  private lineDone: ((text: string | null) => void) | null = null;
  private readyResolve!: () => void;
  private exitResolve!: (n: number) => void;
  readonly ready: Promise<void>;
  readonly exited: Promise<number>;
  private cols: number;
  private rows: number;
  private historyFile: HistoryFile | undefined;
  private ttyInfo: { name: string; cols: number; rows: number };

  constructor(private readonly opts: TerminalSessionOptions) {
    this.cols = opts.cols;
    this.rows = opts.rows;
    this.ttyInfo = { name: opts.ttyName, cols: opts.cols, rows: opts.rows };
    this.ready = new Promise((r) => (this.readyResolve = r));
    this.exited = new Promise((r) => (this.exitResolve = r));
    this.out = new TtyOutput((d) => this.opts.onOutput(d), {
      limitBytes: opts.outputLimitBytes ?? 10 * 1024 * 1024,
      bytesPerSecond: opts.bytesPerSecond ?? 4 * 1024 * 1024,
      onLimit: () => this.outputLimitReached(),
    });
    this.tty = new TtyInput(
      (s) => this.out.raw(s),
      (sig) => this.signalForeground(sig),
    );
    this.tty.size = { cols: opts.cols, rows: opts.rows };
    this.tty.onRawChange = (raw) => {
      if (raw) this.out.unlimited = true;
    };
    this.editor = new LineEditor(opts.cols, (s) => this.out.raw(s), () => this.st?.history ?? []);
    this.completion = new CompletionUI(this.editor, this.out, () => this.cols);
    this.start();
  }

  private start(): void {
    const { host, user } = this.opts;
    const cred = host.users.credentials(user);
    if (!cred) {
      this.out.raw(`su: user ${user} does not exist or the user entry does not contain all the required fields\r\n`);
      this.out.flush();
      this.finish(1);
      return;
    }
    const login = this.opts.login ?? true;
    const entry = host.users.byName(user);
    const home = entry?.home ?? '/';
    const env = loginEnv(host, cred, { ...this.opts.env });
    const rootFs = host.rootFs;
    let cwd = this.opts.cwd ?? home;
    if (!rootFs.exists(cwd)) {
      this.out.raw(`Could not chdir to home directory ${cwd}: No such file or directory\r\n`);
      cwd = '/';
    }
    const self = this;
    const proc = host.start({
      command: {
        name: 'bash',
        summary: 'interactive shell',
        run: async (ctx) => {
          self.pid = ctx.proc.pid;
          const onKill = () => {
            const sig = ctx.signal.reason as SignalName;
            // The shell itself was signalled (kill -9 $$, kill -HUP): it ends like bash would.
            if (sig === 'SIGINT' || sig === 'SIGQUIT' || sig === 'SIGTERM') return;
            self.endFromSignal(128 + ({ SIGHUP: 1, SIGKILL: 9 } as Record<string, number>)[sig]! || 129);
          };
          ctx.signal.addEventListener('abort', onKill, { once: true });
          return self.main(cred, env, cwd, login, ctx.proc.pid);
        },
      },
      argv: [this.opts.argv0 ?? (login ? '-bash' : 'bash')],
      env,
      cwd,
      cred,
      stdin: this.tty,
      stdout: this.out,
      stderr: this.out,
      ppid: this.opts.ppid ?? 1,
      tty: this.ttyInfo,
    });
    proc.exited.then(
      (code) => this.finish(code),
      () => this.finish(1),
    );
  }

  private async main(cred: import('../types.ts').Credentials, env: Record<string, string>, cwd: string, login: boolean, pid: number): Promise<number> {
    const host = this.opts.host;
    this.st = stateFromEnv(host, cred, env, cwd, pid, this.opts.ppid ?? 1);
    this.st.interactive = true;
    this.st.login = login;
    this.st.set('TTY_NAME', this.opts.ttyName);
    this.st.vars.delete('TTY_NAME');
    this.rt = new ShellRuntime({ host, name: this.opts.argv0 ?? (login ? '-bash' : 'bash'), tty: this.ttyInfo, interactive: true, ...(this.opts.cpuLimitMs !== undefined ? { cpuLimitMs: this.opts.cpuLimitMs } : {}) });
    this.sh = new Interpreter(this.st, this.rt);
    const io = { stdin: this.tty, stdout: this.out, stderr: this.out };
    this.rt.beginCommandLine();
    // bash sets PS1 before reading startup files (Debian's /etc/profile tests it to decide
    // the shell is interactive); a disk without a bashrc still gets Debian's prompt.
    const BASH_DEFAULT_PS1 = '\\s-\\v\\$ ';
    this.st.set('PS1', BASH_DEFAULT_PS1);
    this.st.set('PS2', '> ');
    try {
      await runStartupFiles(this.sh, io, { login, interactive: true });
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (!(e instanceof InterruptSignal)) throw e;
    }
    if (this.st.get('PS1') === BASH_DEFAULT_PS1) this.st.set('PS1', DEFAULT_PS1);
    if (this.st.get('PS2') === undefined) this.st.set('PS2', '> ');
    this.loadHistory();
    let status = 0;
    for (;;) {
      this.printJobNotices();
      const line = await this.readCommand();
      if (line === null) {
        // Ctrl-D on an empty line.
        this.out.raw(login ? 'logout\r\n' : 'exit\r\n');
        status = this.st.lastStatus;
        break;
      }
      if (line.trim() === '') continue;
      this.addHistory(line);
      if (this.closed || this.isDone()) break;
      this.mode = 'running';
      this.rt.beginCommandLine();
      this.out.resetCount();
      if (this.held) {
        const keys = this.held;
        this.held = '';
        this.tty.typed(keys);
      }
      try {
        // The Enter that ended the line is part of it: `cat <<` then Enter is bash's
        // "unexpected token `newline'", not "unexpected end of file".
        await this.sh.runText(line + '\n', io);
        // A foreground program ended by Ctrl-C: bash moves to a fresh line.
        if (this.rt.interruptStatus === 130) {
          this.out.raw('\r\n');
          this.st.lastStatus = 130;
        }
      } catch (e) {
        if (e instanceof ExitSignal) {
          status = e.status;
          break;
        }
        if (e instanceof InterruptSignal) {
          this.st.lastStatus = e.status;
          if (this.rt.cpuExceeded) this.out.raw(`${this.out.atLineStart ? '' : '\r\n'}${this.rt.name}: ${this.rt.cpuLimitMessage()}\r\n`);
          else if (e.status === 130) this.out.raw('\r\n');
        } else if (e instanceof ShellError) {
          await this.sh.error(io, e.message);
          this.st.lastStatus = e.status;
        } else {
          this.out.raw(`\r\n${this.rt.name}: internal error: ${(e as Error).message}\r\n`);
          this.st.lastStatus = 1;
        }
      }
      // The shell may have been killed (kill -9 $$) or the session closed meanwhile.
      if (this.closed || this.isDone()) break;
      this.mode = 'prompt';
      const unread = this.tty.takeUnread();
      if (unread) this.queue = unread + this.queue;
    }
    this.rt.beginCommandLine();
    status = await this.sh.runExitTrap(io, status).catch(() => status);
    this.hangUpJobs();
    return status;
  }

  /** Reads one complete command (with `> ` continuation lines); null on Ctrl-D. */
  private async readCommand(): Promise<string | null> {
    this.continued = [];
    for (;;) {
      const prompt = await this.promptText(this.continued.length ? 'PS2' : 'PS1');
      this.out.flush();
      this.mode = 'prompt';
      this.queue += this.held;
      this.held = '';
      const text = await new Promise<string | null>((resolve) => {
        this.lineDone = resolve;
        this.editor.begin(prompt);
        this.readyResolve();
        this.pump();
      });
      if (text === null) {
        if (this.continued.length === 0) return null;
        // Ctrl-D inside a continued command: bash reports the unexpected end.
        this.out.raw(`${this.rt.name}: syntax error: unexpected end of file\r\n`);
        this.continued = [];
        continue;
      }
      if (text === '\x03') {
        this.continued = [];
        this.st.lastStatus = 130;
        continue;
      }
      // History expansion works line by line, but not inside a here-document's body.
      let line = text;
      if (!(this.continued.length && inHeredocBody(this.continued.join('\n')))) {
        const hx = expandHistory(text, this.st.history);
        if (!hx.ok) {
          this.out.raw(`${this.rt.name}: ${hx.error}\r\n`);
          this.continued = [];
          this.st.lastStatus = 1;
          continue;
        }
        // bash shows the line a history reference expanded to.
        if (hx.changed) this.out.raw(hx.line + '\r\n');
        line = hx.line;
      }
      this.continued.push(line);
      const full = this.continued.join('\n');
      if (isIncomplete(full)) continue;
      return full;
    }
  }

  private isDone(): boolean {
    return this.mode === 'done';
  }

  private async promptText(which: 'PS1' | 'PS2'): Promise<string> {
    const ps = this.st.get(which) ?? (which === 'PS1' ? DEFAULT_PS1 : '> ');
    try {
      const io = { stdin: this.tty, stdout: this.out, stderr: this.out };
      // $? must survive the prompt's own command substitutions.
      const status = this.st.lastStatus;
      const text = await expandPrompt(ps, this.sh.expandContext(io), { jobs: this.rt.jobs.list().length, historyNumber: this.st.history.length + 1, now: new Date(this.opts.host.clock.now()) });
      this.st.lastStatus = status;
      return text;
    } catch {
      return which === 'PS1' ? '$ ' : '> ';
    }
  }

  input(data: string): void {
    if (this.mode === 'done') return;
    // Bracketed paste markers are dropped: the pasted text is handled as typed.
    data = data.replace(/\x1b\[20[01]~/g, '');
    if (this.mode === 'running') {
      this.tty.typed(data);
      return;
    }
    if (this.mode === 'submitted') {
      // Typed after Enter, before we know whether the line runs or continues.
      this.held += data;
      return;
    }
    this.queue += data;
    this.pump();
  }

  /** Feeds queued keystrokes to the editor while it is waiting for a line. */
  private pump(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue && this.lineDone && this.mode === 'prompt') {
        const keys = splitKeys(this.queue);
        let used = 0;
        for (const k of keys) {
          used += k.length;
          if (this.completion.asking) {
            this.completion.answer(k);
            continue;
          }
          const ev = this.editor.key(k);
          if (!ev) continue;
          if (ev.type === 'complete') {
            try {
              this.completion.complete(ev.again, this.st);
            } catch {
              this.out.raw('\x07');
            }
            continue;
          }
          if (ev.type === 'clear') {
            this.out.raw('\x1b[H\x1b[2J');
            this.editor.redraw();
            continue;
          }
          const done = this.lineDone;
          this.lineDone = null;
          // Keystrokes after the line are type-ahead: a program may read them, else the next prompt gets them.
          this.queue = this.queue.slice(used);
          if (ev.type === 'line') {
            this.mode = 'submitted';
            if (this.queue && !this.needsMoreLines(ev.text)) {
              this.tty.queueRaw(this.queue);
              this.queue = '';
            }
            done?.(ev.text);
          } else if (ev.type === 'interrupt') done?.('\x03');
          else done?.(null);
          break;
        }
        if (this.lineDone) this.queue = this.queue.slice(used);
      }
    } finally {
      this.processing = false;
    }
  }

  /** A line that leaves the command incomplete keeps the rest of a paste for the editor. */
  private needsMoreLines(line: string): boolean {
    return isIncomplete([...this.continued, line].join('\n'));
  }

  private signalForeground(sig: 'SIGINT' | 'SIGQUIT'): void {
    if (!this.rt) return;
    if (sig === 'SIGINT') this.rt.interrupt(130, 'SIGINT');
    else for (const p of this.rt.foreground) p.kill('SIGQUIT');
  }

  private outputLimitReached(): void {
    const limit = this.opts.outputLimitBytes ?? 10 * 1024 * 1024;
    const size = limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MB` : `${Math.round(limit / 1024)} KB`;
    this.out.raw(`${this.out.atLineStart ? '' : '\r\n'}${this.rt?.name ?? 'bash'}: output limit reached (${size} per command line): command stopped\r\n`);
    this.rt?.interrupt(137, 'SIGKILL');
  }

  private printJobNotices(): void {
    for (const n of this.rt.jobs.takeNotices()) this.out.raw(n + '\r\n');
  }

  private loadHistory(): void {
    if (this.opts.historyFile === null) return;
    this.historyFile = new HistoryFile(this.sh.fs, this.opts.historyFile ?? resolvePath('/', `${this.st.home()}/.bash_history`));
    this.st.history.push(...this.historyFile.load(HISTORY_MAX));
  }

  private addHistory(line: string): void {
    if (addToHistory(this.st, line, HISTORY_MAX)) this.historyFile?.append(line);
  }

  /** SIGHUP to the session's jobs, as bash does when its terminal goes away. */
  private hangUpJobs(): void {
    for (const j of this.rt?.jobs.list() ?? []) if (j.running) for (const p of j.procs) p.kill('SIGHUP');
    if (this.rt) for (const p of this.rt.foreground) p.kill('SIGHUP');
  }

  private endFromSignal(code: number): void {
    this.hangUpJobs();
    this.tty.close();
    this.lineDone?.(null);
    this.finish(code);
  }

  private finish(code: number): void {
    if (this.mode === 'done') return;
    this.mode = 'done';
    this.exitCode = code;
    this.tty.close();
    this.out.flush();
    this.readyResolve();
    this.exitResolve(code);
    if (!this.closed) this.opts.onExit?.(code);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.ttyInfo.cols = cols;
    this.ttyInfo.rows = rows;
    this.editor.resize(cols);
    this.tty.size = { cols, rows };
    this.tty.onResize?.(cols, rows);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hangUpJobs();
    if (this.pid !== undefined) this.opts.host.kill(this.pid, 'SIGHUP');
    this.tty.close();
    const done = this.lineDone;
    this.lineDone = null;
    done?.(null);
    if (this.mode !== 'done') {
      // The shell's process ends via its SIGHUP handler; make sure the session is marked done.
      queueMicrotask(() => this.finish(129));
    }
  }

  state(): TerminalSessionState {
    return {
      busy: this.mode === 'running' || this.mode === 'submitted',
      exited: this.mode === 'done',
      exitCode: this.exitCode,
      cwd: this.st?.cwd ?? this.opts.cwd ?? '/',
      user: this.opts.user,
      host: this.opts.host.hostname,
      pid: this.pid,
      history: [...(this.st?.history ?? [])],
      jobs: (this.rt?.jobs.list() ?? []).map((j) => ({ id: j.id, pids: j.pids, text: j.text, state: j.running ? 'Running' : 'Done' })),
      lastStatus: this.st?.lastStatus ?? 0,
    };
  }
}
