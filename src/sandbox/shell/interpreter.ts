// Runs parsed scripts: lists, pipelines, compound commands, functions, builtins and
// programs on the host. Every await point checks for Ctrl-C and the CPU budget.
import { BrokenPipeError, Pipe, type InputStream, type OutputStream } from '../io.ts';
import { isFsError, type FileSystem } from '../../platform/filesystem.ts';
import type { SignalName } from '../types.ts';
import type { AndOr, Command, Pipeline, Redirect, Script, SimpleCommand } from './ast.ts';
import { BUILTINS, INTERNAL_BUILTINS, type Builtin } from './builtins/index.ts';
import { arith, expandPattern, expandString, expandWords, type ExpandContext } from './expand.ts';
import { ShellSyntaxError, parse, plainText } from './parser.ts';
import { runCompound } from './compound.ts';
import { applyRedirects } from './redirect.ts';
import { runBackground, runProgram } from './run-program.ts';
import type { ShellRuntime } from './runtime.ts';
import { ExitSignal, InterruptSignal, LoopSignal, ReturnSignal, ShellError, ShellState } from './state.ts';
import type { ScriptRunner } from './spawner.ts';
import type { IO, ShellContext } from './shell-context.ts';

export type { IO };

const enc = new TextEncoder();

export class Interpreter implements ShellContext {
  /** Nesting of if/while conditions and && || operands, where set -e does not apply. */
  condDepth = 0;
  /** A pipeline stage before the last: its programs' deaths by signals are not reported. */
  quietDeaths = false;
  /** The simple command `bash -c` would exec rather than fork (its last one), see runCommandString. */
  execCandidate: SimpleCommand | undefined;

  constructor(
    readonly state: ShellState,
    readonly rt: ShellRuntime,
  ) {}

  get fs(): FileSystem {
    return this.rt.host.fsFor(this.state.cred);
  }

  /** Writes "bash: msg" to stderr (the prefix depends on how the shell runs). */
  async error(io: IO, msg: string): Promise<void> {
    // A script names itself and the line; `bash -c` names $0 and the line; an interactive
    // shell or one reading commands from stdin says just "bash".
    const prefix =
      this.rt.scriptName !== undefined
        ? `${this.rt.scriptName}: line ${this.rt.line}`
        : this.state.commandString && !this.state.interactive
          ? `${this.state.arg0 || this.rt.name}: line ${this.rt.line === 0 ? 1 : this.rt.line}`
          : this.rt.name;
    try {
      await io.stderr.write(`${prefix}: ${msg}\n`);
    } catch {
      /* stderr gone */
    }
  }

  expandContext(io: IO): ExpandContext {
    return {
      state: this.state,
      fs: this.fs,
      commandSubst: (body) => this.commandSubst(body, io),
      processSubst: (body) => this.processSubst(body, io),
    };
  }

  /** Files made for <(…), removed when the pipeline that used them ends. */
  private procsubFiles: string[] = [];
  private procsubCount = 0;

  /**
   * <(cmd): the command runs to completion and its output is put in a file under /tmp,
   * readable by the shell's user (bash uses a pipe, /dev/fd/63; a file works for every
   * program here, which open paths through the disk).
   */
  private async processSubst(body: Script, io: IO): Promise<string> {
    const output = await this.commandSubst(body, io, false);
    const path = `/tmp/.bash-procsub-${this.state.pid}-${++this.procsubCount}`;
    try {
      this.fs.writeFile(path, output, { mode: 0o600 });
    } catch (e) {
      throw new ShellError(`cannot make pipe for process substitution: ${isFsError(e) ? e.reason() : String(e)}`);
    }
    this.procsubFiles.push(path);
    return path;
  }

  private removeProcsubFiles(from: number): void {
    for (const f of this.procsubFiles.splice(from)) {
      try {
        this.fs.unlink(f);
      } catch {
        /* already gone */
      }
    }
  }

  /** Parses and runs a text (a command line, -c string, sourced file). Syntax errors print bash's message. */
  async runText(text: string, io: IO): Promise<number> {
    const script = await this.parseOrReport(text, io);
    return script ? this.runScript(script, io) : 2;
  }

  /** The parsed text, or undefined after bash's syntax error message (status 2). */
  private async parseOrReport(text: string, io: IO): Promise<Script | undefined> {
    try {
      return parse(text, { warn: (m) => void this.error(io, `warning: ${m}`) });
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      await this.reportSyntaxError(e, io);
      this.state.lastStatus = 2;
      return undefined;
    }
  }

  /**
   * `bash -c TEXT`: like runText, but the last command, when it is a lone simple command,
   * is the one bash execs in place of itself: its death by a signal is the shell's death.
   */
  async runCommandString(text: string, io: IO): Promise<number> {
    const script = await this.parseOrReport(text, io);
    if (!script) return 2;
    const last = script.items[script.items.length - 1];
    const only = last && !last.background && last.rest.length === 0 && !last.first.negated && !last.first.timed && last.first.commands.length === 1 ? last.first.commands[0] : undefined;
    this.execCandidate = only?.type === 'simple' ? only : undefined;
    return this.runScript(script, io);
  }

  async reportSyntaxError(e: ShellSyntaxError, io: IO): Promise<void> {
    if (this.rt.interactive) {
      await this.error(io, e.message);
      return;
    }
    const where = this.rt.scriptName !== undefined ? `${this.rt.scriptName}: line ${e.line}` : `${this.rt.name}: -c: line ${e.line}`;
    await io.stderr.write(`${where}: ${e.message}\n`);
    if (e.sourceLine !== undefined) await io.stderr.write(`${where}: \`${e.sourceLine}'\n`);
  }

  /** Runs the EXIT trap once, as the shell ends. Returns the status to exit with. */
  async runExitTrap(io: IO, status: number): Promise<number> {
    const action = this.state.traps.get('EXIT');
    if (action === undefined) return status;
    this.state.traps.delete('EXIT');
    this.state.lastStatus = status;
    try {
      await this.runText(action, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (!(e instanceof InterruptSignal)) throw e;
    }
    return status;
  }

  /** Depth of `source`/`.` files being read (so `return` may end them). */
  sourcing = 0;

  /** `source file args`: runs the text in this shell; `return` ends it. */
  async sourceText(text: string, args: string[], io: IO): Promise<number> {
    const st = this.state;
    const savedPos = st.positional;
    if (args.length) st.positional = args;
    this.sourcing++;
    try {
      return await this.runText(text, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.sourcing--;
      if (args.length) st.positional = savedPos;
    }
  }

  /** Streams set by `exec` without a command; used by every later command. */
  ioOverride: IO | undefined;

  /** Set for the shell of `bash -c` or a script: its top-level commands set the line its job reports name. */
  topLevel = false;
  private scriptDepth = 0;

  async runScript(script: Script, io: IO): Promise<number> {
    let status = this.state.lastStatus;
    this.scriptDepth++;
    try {
      for (const item of script.items) {
        if (this.topLevel && this.scriptDepth === 1) this.rt.reportLine = item.endLine;
        status = await this.runAndOr(item, this.ioOverride ?? io);
      }
    } finally {
      this.scriptDepth--;
    }
    return status;
  }

  async runAndOr(ao: AndOr, io: IO): Promise<number> {
    if (ao.background) return runBackground(this, ao, io);
    let status: number;
    this.condDepth += ao.rest.length ? 1 : 0;
    try {
      status = await this.runPipeline(ao.first, io, ao.rest.length === 0);
      for (let i = 0; i < ao.rest.length; i++) {
        const r = ao.rest[i]!;
        if ((r.op === '&&') !== (status === 0)) continue;
        const last = i === ao.rest.length - 1;
        if (last) this.condDepth--;
        try {
          status = await this.runPipeline(r.pipeline, io, last);
        } finally {
          if (last) this.condDepth++;
        }
      }
    } finally {
      this.condDepth -= ao.rest.length ? 1 : 0;
    }
    return status;
  }

  /** Prints an expansion/redirection error; a fatal one ends a script (or the command line when interactive). */
  async reportShellError(e: ShellError, io: IO): Promise<number> {
    await this.error(io, e.message);
    if (e.fatal && !this.rt.interactive) throw new ExitSignal(e.status);
    if (e.fatal) throw new InterruptSignal(1);
    return e.status;
  }

  private checkErrexit(status: number, negated: boolean): void {
    if (status !== 0 && this.state.options.errexit && this.condDepth === 0 && !negated) throw new ExitSignal(status);
  }

  async runPipeline(p: Pipeline, io: IO, errexitApplies = true): Promise<number> {
    await this.rt.step();
    const started = p.timed ? performance.now() : 0;
    const procsubMark = this.procsubFiles.length;
    let status: number;
    if (p.negated) this.condDepth++;
    try {
      try {
        if (p.commands.length === 1) {
          status = await this.runCommand(p.commands[0]!, io);
          this.state.pipeStatus = [status];
        }
        else status = await this.runStages(p, io);
      } catch (e) {
        if (!(e instanceof ShellError)) throw e;
        status = await this.reportShellError(e, io);
      }
    } finally {
      if (p.negated) this.condDepth--;
      this.removeProcsubFiles(procsubMark);
    }
    if (p.negated) status = status === 0 ? 1 : 0;
    if (p.timed) {
      // `time`: wall-clock time; the CPU split of a virtual process is not measured.
      const secs = (performance.now() - started) / 1000;
      const fmt = (t: number) => `${Math.floor(t / 60)}m${(t % 60).toFixed(3)}s`;
      await io.stderr.write(`\nreal\t${fmt(secs)}\nuser\t${fmt(0)}\nsys\t${fmt(0)}\n`);
    }
    this.state.lastStatus = status;
    if (errexitApplies) this.checkErrexit(status, p.negated);
    return status;
  }

  /** cmd1 | cmd2 | …: every stage runs at once, joined by pipes. */
  private async runStages(p: Pipeline, io: IO): Promise<number> {
    const n = p.commands.length;
    const pipes = Array.from({ length: n - 1 }, () => new Pipe());
    const statuses = await Promise.all(
      p.commands.map(async (cmd, i) => {
        const stageIO: IO = {
          ...(io.extra ? { extra: io.extra } : {}),
          stdin: i === 0 ? io.stdin : pipes[i - 1]!.reader,
          stdout: i === n - 1 ? io.stdout : pipes[i]!.writer,
          stderr: i < n - 1 && p.stderrToo[i] ? pipes[i]!.writer : io.stderr,
        };
        // Yield once so every stage has started before any runs far.
        await Promise.resolve();
        let st: number;
        try {
          const sub = this.subshell();
          // bash reports a pipeline's death by the status of its last process only.
          sub.quietDeaths = i < n - 1 && cmd.type === 'simple';
          st = await sub.runCommand(cmd, stageIO);
        } catch (e) {
          if (e instanceof ExitSignal) st = e.status;
          else if (e instanceof BrokenPipeError) st = 141;
          else if (e instanceof InterruptSignal) st = e.status;
          else if (e instanceof ShellError) {
            await this.error(io, e.message);
            st = e.status;
          } else throw e;
        } finally {
          if (i < n - 1) pipes[i]!.closeWrite();
          if (i > 0) pipes[i - 1]!.closeRead();
        }
        return st;
      }),
    );
    this.state.pipeStatus = statuses;
    if (this.state.options.pipefail) return [...statuses].reverse().find((s) => s !== 0) ?? 0;
    return statuses[n - 1]!;
  }

  /** A copy of this shell, as after fork(). */
  subshell(): Interpreter {
    const sub = new Interpreter(this.state.clone(), this.rt);
    sub.ioOverride = this.ioOverride;
    return sub;
  }

  async runCommand(cmd: Command, io: IO): Promise<number> {
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd, io);
      case 'function':
        this.state.functions.set(cmd.name, cmd);
        return 0;
    }
    return this.withRedirects(cmd.redirects, io, (rio) => runCompound(this, cmd, rio));
  }

  /** Applies redirects for the duration of fn. */
  async withRedirects(redirects: Redirect[], io: IO, fn: (io: IO) => Promise<number>): Promise<number> {
    if (redirects.length === 0) return fn(io);
    let rio: IO;
    try {
      rio = await this.applyRedirects(redirects, io);
    } catch (e) {
      if (e instanceof ShellError) {
        await this.error(io, e.message);
        return 1;
      }
      throw e;
    }
    return fn(rio);
  }



  private async commandSubst(body: Script, io: IO, setsStatus = true): Promise<string> {
    // $(< file) reads the file without running anything.
    const only = body.items.length === 1 && body.items[0]!.rest.length === 0 && !body.items[0]!.background ? body.items[0]!.first : undefined;
    const c = only && only.commands.length === 1 && !only.negated ? only.commands[0] : undefined;
    if (c?.type === 'simple' && c.words.length === 0 && c.assigns.length === 0 && c.redirects.length === 1 && c.redirects[0]!.kind === 'file' && c.redirects[0]!.op === '<') {
      try {
        const rio = await this.applyRedirects(c.redirects, io);
        const chunks: Uint8Array[] = [];
        for (let b = await rio.stdin.read(); b !== null; b = await rio.stdin.read()) chunks.push(b);
        this.state.lastStatus = 0;
        this.lastSubstStatus = 0;
        return new TextDecoder().decode(Buffer.concat(chunks));
      } catch (e) {
        if (!(e instanceof ShellError)) throw e;
        await this.error(io, e.message);
        this.state.lastStatus = 1;
        this.lastSubstStatus = 1;
        return '';
      }
    }
    const sub = this.subshell();
    const chunks: string[] = [];
    let size = 0;
    const dec = new TextDecoder();
    const stdout: OutputStream = {
      isTTY: false,
      write: (c) => {
        const s = typeof c === 'string' ? c : dec.decode(c, { stream: true });
        size += s.length;
        if (size > 16 * 1024 * 1024) throw new ShellError('command substitution: output too large');
        chunks.push(s);
      },
    };
    let status: number;
    try {
      status = await sub.runScript(body, { stdin: io.stdin, stdout, stderr: io.stderr });
    } catch (e) {
      if (e instanceof ExitSignal) status = e.status;
      else if (e instanceof ShellError) {
        await this.error(io, e.message);
        status = e.status;
      } else throw e;
    }
    if (setsStatus) {
      this.state.lastStatus = status;
      this.lastSubstStatus = status;
    }
    return chunks.join('').replace(/\0/g, '');
  }

  private lastSubstStatus: number | undefined;

  private async runSimple(cmd: SimpleCommand, io: IO): Promise<number> {
    await this.rt.step();
    this.rt.line = cmd.line;
    this.state.lineno = cmd.line;
    const ctx = this.expandContext(io);
    this.lastSubstStatus = undefined;
    let argv: string[];
    try {
      argv = await expandWords(ctx, cmd.words);
    } catch (e) {
      if (e instanceof ShellError) {
        await this.error(io, e.message);
        if (e.fatal && !this.rt.interactive) throw new ExitSignal(e.status);
        if (e.fatal) throw new InterruptSignal(1);
        return e.status;
      }
      throw e;
    }
    // Alias expansion of the first word (interactive shells).
    const first = cmd.words[0] ? plainText(cmd.words[0]) : undefined;
    if (first !== undefined && this.state.aliases.has(first) && argv[0] === first) {
      argv = [...(await this.aliasWords(this.state.aliases.get(first)!, io)), ...argv.slice(1)];
    }
    const assigns: [string, string, boolean][] = [];
    try {
      for (const a of cmd.assigns) {
        if (a.array || a.index !== undefined) {
          // Arrays are assigned at once, before the command (bash allows them only without one).
          if (a.array) this.state.setArray(a.name, await expandWords(ctx, a.array), { append: a.append });
          else {
            const i = Number(arith(this, await expandString(ctx, { parts: [{ type: 'lit', text: a.index! }] })));
            const v = await expandString(ctx, a.value);
            this.state.setElement(a.name, i, a.append ? (this.state.vars.get(a.name)?.array?.[i] ?? '') + v : v);
          }
          continue;
        }
        assigns.push([a.name, await expandString(ctx, a.value), a.append]);
      }
    } catch (e) {
      if (e instanceof ShellError) {
        await this.error(io, e.message);
        if (e.fatal && !this.rt.interactive) throw new ExitSignal(e.status);
        if (e.fatal) throw new InterruptSignal(1);
        return e.status;
      }
      throw e;
    }
    if (this.state.options.xtrace) {
      const ps4 = this.state.get('PS4') ?? '+ ';
      const parts = [...assigns.map(([n, v]) => `${n}=${quoteForTrace(v)}`), ...argv.map(quoteForTrace)];
      await io.stderr.write(`${ps4}${parts.join(' ')}\n`);
    }
    if (argv.length === 0) {
      try {
        for (const [n, v, app] of assigns) this.state.set(n, app ? (this.state.get(n) ?? '') + v : v);
      } catch (e) {
        if (e instanceof ShellError) return this.reportShellError(e, io);
        throw e;
      }
      const st = await this.withRedirects(cmd.redirects, io, async () => 0);
      return st !== 0 ? st : (this.lastSubstStatus ?? 0);
    }
    const name = argv[0]!;
    const fn = this.state.functions.get(name);
    const builtin = BUILTINS.get(name);
    if (fn || builtin) {
      return this.withRedirects(cmd.redirects, io, async (rio) => {
        const saved = assigns.map(([n]) => [n, this.state.vars.get(n)] as const);
        for (const [n, v] of assigns) this.state.set(n, v);
        try {
          if (fn) return await this.callFunction(fn, argv, rio);
          try {
            const status = await builtin!(this, argv, rio);
            for (const d of cmd.declArrays ?? []) this.state.setArray(d.name, await expandWords(this.expandContext(rio), d.words), { append: d.append });
            return status;
          } catch (e) {
            if (e instanceof ShellError) {
              await this.error(rio, e.message);
              return e.status;
            }
            // A builtin writing to a closed pipe: a subshell dies of SIGPIPE, the shell itself reports it.
            if (e instanceof BrokenPipeError && !this.state.subshell) {
              await this.error(rio, `${name}: write error: Broken pipe`);
              return 1;
            }
            throw e;
          }
        } finally {
          // Prefix assignments last only for the command (special builtins aside).
          if (!SPECIAL_BUILTINS.has(name) || fn) {
            for (const [n, old] of saved) {
              if (old) this.state.vars.set(n, old);
              else this.state.vars.delete(n);
            }
          }
        }
      });
    }
    return this.withRedirects(cmd.redirects, io, async (rio) => {
      const env = this.state.exportedEnv();
      for (const [n, v] of assigns) env[n] = v;
      return runProgram(this, argv, env, rio, { source: cmd, reportTo: io });
    });
  }

  private async aliasWords(text: string, io: IO): Promise<string[]> {
    try {
      const s = parse(text);
      const c = s.items[0]?.first.commands[0];
      if (c?.type === 'simple') return expandWords(this.expandContext(io), c.words);
    } catch {
      /* a broken alias runs as its text */
    }
    return [text];
  }

  async callFunction(fn: import('./ast.ts').FunctionDef, argv: string[], io: IO): Promise<number> {
    const st = this.state;
    if (st.funcDepth > 200) throw new ShellError(`${fn.name}: maximum function nesting level exceeded (200)`);
    const savedPos = st.positional;
    const savedName = st.vars.get('FUNCNAME');
    st.positional = argv.slice(1);
    st.vars.set('FUNCNAME', { value: fn.name, exported: false });
    st.funcDepth++;
    st.locals.push(new Map());
    try {
      return await this.runCommand(fn.body, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      st.funcDepth--;
      st.positional = savedPos;
      if (savedName) st.vars.set('FUNCNAME', savedName);
      else st.vars.delete('FUNCNAME');
      const frame = st.locals.pop()!;
      for (const [n, old] of frame) {
        if (old) st.vars.set(n, old);
        else st.vars.delete(n);
      }
    }
  }





  /** Finds and starts a program; waits for it in the foreground. */
  runProgram(argv: string[], env: Record<string, string>, io: IO, opts: { detached?: boolean } = {}): Promise<number> {
    return runProgram(this, argv, env, io, opts);
  }

  applyRedirects(redirects: Redirect[], io: IO): Promise<IO> {
    return applyRedirects(this, redirects, io);
  }

  /** A copy of this shell on another runtime (a background job's subshell). */
  fork(rt: ShellRuntime): Interpreter {
    const sub = new Interpreter(this.state.clone(), rt);
    sub.ioOverride = this.ioOverride;
    return sub;
  }

  /** Sends a signal to a job's processes. */
  signalJob(job: import('./jobs.ts').Job, sig: SignalName): void {
    for (const p of job.procs) p.kill(sig);
  }
}

/** Runs a script text in a shell with the given state (for createSpawner's `script`). */
export const runScriptText: ScriptRunner = (state, rt, text, io) => new Interpreter(state, rt).runText(text, io);


const SPECIAL_BUILTINS = new Set(['export', 'readonly', 'set', 'unset', 'eval', 'source', '.', 'exec', 'exit', 'return', 'shift', ':', 'break', 'continue', 'trap', 'times', 'local', 'declare', 'typeset']);


function quoteForTrace(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export type { Builtin };
