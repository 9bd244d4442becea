// The running shell as the code it calls sees it: builtins, compound commands,
// redirections, program starts and signal reports. A leaf module: the Interpreter
// imports all of those, so they take this interface rather than the Interpreter class
// and none of them imports interpreter.ts back. The Interpreter implements it.
import type { FileSystem } from '../../platform/filesystem.ts';
import type { InputStream, OutputStream } from '../io.ts';
import type { AndOr, Script, SimpleCommand } from './ast.ts';
import type { ExpandContext } from './expand.ts';
import type { ShellRuntime } from './runtime.ts';
import type { ShellState } from './state.ts';

/** The streams a command runs with. */
export interface IO {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Descriptors above 2 opened by redirections (exec 3>file; cmd >&3). */
  extra?: ReadonlyMap<number, InputStream | OutputStream>;
}

export interface ShellContext {
  readonly state: ShellState;
  readonly rt: ShellRuntime;
  /** The disk as the shell's user sees it. */
  readonly fs: FileSystem;
  /** Nesting of if/while conditions and && || operands, where set -e does not apply. */
  condDepth: number;
  /** A pipeline stage before the last: its programs' deaths by signals are not reported. */
  quietDeaths: boolean;
  /** The simple command `bash -c` would exec rather than fork (its last one). */
  execCandidate: SimpleCommand | undefined;
  /** Depth of `source`/`.` files being read (so `return` may end them). */
  sourcing: number;
  /** Streams set by `exec` without a command; used by every later command. */
  ioOverride: IO | undefined;

  /** Writes "bash: msg" to stderr (the prefix depends on how the shell runs). */
  error(io: IO, msg: string): Promise<void>;
  expandContext(io: IO): ExpandContext;
  /** Parses and runs a text (a command line, -c string, sourced file). */
  runText(text: string, io: IO): Promise<number>;
  /** `source file args`: runs the text in this shell; `return` ends it. */
  sourceText(text: string, args: string[], io: IO): Promise<number>;
  runScript(script: Script, io: IO): Promise<number>;
  runAndOr(ao: AndOr, io: IO): Promise<number>;
  /** Finds and starts a program; waits for it in the foreground. */
  runProgram(argv: string[], env: Record<string, string>, io: IO, opts?: { detached?: boolean }): Promise<number>;
  /** A copy of this shell, as after fork(). */
  subshell(): ShellContext;
  /** A copy of this shell on another runtime (a background job's subshell). */
  fork(rt: ShellRuntime): ShellContext;
}
