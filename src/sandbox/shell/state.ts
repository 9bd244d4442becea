// The state a shell keeps between commands: variables, cwd, functions, options, jobs.
// A subshell ( … ), a pipeline stage or $(…) gets a copy, as a fork would.
import type { Credentials, Host } from '../types.ts';
import type { FunctionDef } from './ast.ts';

/** Largest value a variable may hold. */
export const MAX_VALUE_CHARS = 32 * 1024 * 1024;

export interface Variable {
  /** The value; for an array, its element 0 (as $name reads it). */
  value: string;
  exported: boolean;
  readonly?: boolean;
  /** An indexed array's elements (holes are undefined). */
  array?: (string | undefined)[];
}

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
  noglob: boolean;
  noclobber: boolean;
  /** set -a: every variable assigned is exported. */
  allexport: boolean;
}

/** An error a builtin or expansion reports as "bash: <message>" (already worded). */
export class ShellError extends Error {
  constructor(
    message: string,
    readonly status = 1,
    /** Ends a non-interactive shell (unbound variable, ${x?}, bad substitution). */
    readonly fatal = false,
  ) {
    super(message);
  }
}

/** `exit` unwinds to the top of the shell. */
export class ExitSignal {
  constructor(readonly status: number) {}
}
/** `return` unwinds to the function or sourced file. */
export class ReturnSignal {
  constructor(readonly status: number) {}
}
/** `break n` / `continue n`. */
export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}
/** The command line was interrupted (Ctrl-C, a foreground job killed by SIGINT, CPU limit). */
export class InterruptSignal {
  constructor(readonly status: number) {}
}

export class ShellState {
  vars = new Map<string, Variable>();
  cwd: string;
  positional: string[] = [];
  arg0 = 'bash';
  functions = new Map<string, FunctionDef>();
  aliases = new Map<string, string>();
  lastStatus = 0;
  /** shopt options that are on. */
  shopts = new Set<string>(['checkwinsize', 'cmdhist', 'expand_aliases', 'extquote', 'interactive_comments', 'progcomp', 'promptvars', 'sourcepath', 'hostcomplete']);
  /** ulimit values (created on first use). */
  limits: import('./builtins/ulimit.ts').Limit[] | undefined;
  /** pushd/popd: directories below the current one. */
  dirStack: string[] = [];
  /** Where getopts is inside a group of options (-abc). */
  getoptsState = { optind: 1, pos: 1 };
  /** trap actions by signal name ('EXIT', 'INT' …). */
  traps = new Map<string, string>();
  /** `export NAME` before NAME has a value: exported once assigned. */
  exportPending = new Set<string>();
  /** Statuses of the last pipeline's stages ($PIPESTATUS). */
  pipeStatus: number[] = [];
  lastBgPid: number | undefined;
  options: ShellOptions = { errexit: false, nounset: false, xtrace: false, pipefail: false, noglob: false, noclobber: false, allexport: false };
  umask = 0o022;
  /** When the shell started, on the host clock ($SECONDS). */
  startedAt: number;
  /** Line of the command running ($LINENO). */
  lineno = 1;
  /** Inside a function (for `return` and `local`). */
  funcDepth = 0;
  /** Loop nesting (for break/continue). */
  loopDepth = 0;
  locals: Map<string, Variable | undefined>[] = [];
  /** The user's `history` entries (shared with the line editor). */
  history: string[] = [];
  interactive = false;
  /** Started with -c (shows as 'c' in $-). */
  commandString = false;
  login = false;
  /** True in ( … ), pipeline stages and $(…): `exit` leaves only the copy. */
  subshell = false;

  constructor(
    readonly host: Host,
    public cred: Credentials,
    cwd: string,
    /** The shell's own pid ($$). */
    public pid: number,
  ) {
    this.cwd = cwd;
    this.startedAt = host.clock.now();
  }

  get(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  set(name: string, value: string, opts: { export?: boolean } = {}): void {
    // A doubling loop (x=$x$x) would eat the server's memory long before any CPU limit.
    if (value.length > MAX_VALUE_CHARS) throw new ShellError(`${name}: value too large for the sandbox (over ${MAX_VALUE_CHARS / (1024 * 1024)} MB)`, 1, true);
    const v = this.vars.get(name);
    if (v?.readonly) throw new ShellError(`${name}: readonly variable`, 1, true);
    if (v) {
      v.value = value;
      // name=value on an array sets its element 0, as in bash.
      if (v.array) v.array[0] = value;
      if (opts.export || this.options.allexport) v.exported = true;
    } else {
      this.vars.set(name, { value, exported: !!opts.export || this.options.allexport || this.exportPending.has(name) });
      this.exportPending.delete(name);
    }
  }

  /** Sets an indexed array (or one element of it). */
  setArray(name: string, values: string[], opts: { append?: boolean } = {}): void {
    const v = this.vars.get(name);
    if (v?.readonly) throw new ShellError(`${name}: readonly variable`, 1, true);
    const base = opts.append ? (v?.array ?? (v ? [v.value] : [])) : [];
    const array = [...base, ...values];
    if (v) {
      v.array = array;
      v.value = array[0] ?? '';
    } else this.vars.set(name, { value: array[0] ?? '', exported: this.options.allexport, array });
  }

  setElement(name: string, index: number, value: string): void {
    const v = this.vars.get(name);
    if (v?.readonly) throw new ShellError(`${name}: readonly variable`, 1, true);
    const array = v?.array ?? (v ? [v.value] : []);
    array[index] = value;
    if (v) {
      v.array = array;
      v.value = array[0] ?? '';
    } else this.vars.set(name, { value: array[0] ?? '', exported: false, array });
  }

  unset(name: string): void {
    const v = this.vars.get(name);
    if (v?.readonly) throw new ShellError(`unset: ${name}: cannot unset: readonly variable`);
    this.vars.delete(name);
  }

  /** The environment exported to programs. */
  exportedEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.vars) if (v.exported) env[k] = v.value;
    return env;
  }

  home(): string {
    return this.get('HOME') ?? this.host.users.byUid(this.cred.uid)?.home ?? '/';
  }

  /** A fork: everything copied, nothing shared but the host. */
  clone(): ShellState {
    const s = new ShellState(this.host, this.cred, this.cwd, this.pid);
    for (const [k, v] of this.vars) s.vars.set(k, v.array ? { ...v, array: [...v.array] } : { ...v });
    s.positional = [...this.positional];
    s.arg0 = this.arg0;
    s.functions = new Map(this.functions);
    s.aliases = new Map(this.aliases);
    s.lastStatus = this.lastStatus;
    s.lastBgPid = this.lastBgPid;
    s.options = { ...this.options };
    s.exportPending = new Set(this.exportPending);
    s.shopts = new Set(this.shopts);
    s.umask = this.umask;
    s.startedAt = this.startedAt;
    s.dirStack = [...this.dirStack];
    s.limits = this.limits?.map((l) => ({ ...l }));
    s.funcDepth = this.funcDepth;
    s.history = this.history;
    s.interactive = false;
    s.login = this.login;
    s.subshell = true;
    return s;
  }
}
