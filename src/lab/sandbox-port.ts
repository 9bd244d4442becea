// What the lab runtime and the server need from a sandbox, in one small interface, so
// the server does not reach into the sandbox's internals. The real implementation is
// src/lab/sandbox-provider.ts (virtual hosts + our shell).
import type { CheckableSandbox } from './check-context.ts';
import type { LabDefinition } from './types.ts';

export interface TerminalSession {
  /** Keystrokes from the terminal (UTF-8 text, escape sequences included). */
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Ends the session (its foreground job gets SIGHUP). */
  close(): void;
  /** What the shell is doing, for tests and the grader. */
  state(): TerminalState;
}

export interface TerminalState {
  /** True while a foreground command runs (the prompt is not showing). */
  busy: boolean;
  /** True once the shell has exited. */
  exited: boolean;
  cwd?: string;
  [key: string]: unknown;
}

export interface OpenTerminalOptions {
  host: string;
  user: string;
  cols: number;
  rows: number;
  /** 'pts/0', 'pts/1' … */
  ttyName: string;
  onOutput(data: string): void;
  onExit(code: number): void;
}

export interface LabSandbox extends CheckableSandbox {
  openTerminal(opts: OpenTerminalOptions): TerminalSession;
  /** Everything needed to rebuild the hosts' disks later (shell history lives there too). */
  snapshot(): Uint8Array;
  /** Stops every process and frees the hosts. */
  dispose(): void;
}

export interface SandboxProvider {
  /**
   * A sandbox for this lab: from a snapshot when given (setup is not run again), or fresh
   * with the lab's setup applied.
   */
  create(lab: LabDefinition, opts?: { snapshot?: Uint8Array }): Promise<LabSandbox>;
}
