// What a lab is: the hosts it needs, how they are prepared, the tasks a learner must
// complete and the checks that decide (from the sandbox's real state) whether they have.
import type { Host } from '../sandbox/types.ts';
import type { CheckContext } from './check-context.ts';

export interface LabHostSpec {
  name: string;
  ip: string;
}

export interface LabTopology {
  hosts: LabHostSpec[];
}

/** What a check found: ok or not, and in words what it looked at and what it saw. */
export interface CheckResult {
  ok: boolean;
  message: string;
}

export interface LabTask {
  id: string;
  title: string;
  check(ctx: CheckContext): Promise<CheckResult>;
}

/** The part of a sandbox a lab's setup may touch. */
export interface LabSetupContext {
  host(name: string): Host;
  readonly hosts: readonly Host[];
}

export interface LabDefinition {
  /** Two-digit course number plus slug, as the directory is named: '01-first-contact'. */
  id: string;
  title: string;
  topology: LabTopology;
  /** Prepares fresh hosts (programs, users, files) before the learner arrives. */
  setup?(sandbox: LabSetupContext): void | Promise<void>;
  tasks: LabTask[];
  /**
   * Reference command lines, typed into one terminal on the first host, that complete
   * every task. The tests and CI run them.
   */
  solution: string[];
}

export type TaskStatus = 'pending' | 'passed' | 'failed';

export interface TaskState {
  id: string;
  title: string;
  status: TaskStatus;
  /** The last check's message (what it looked at and found). */
  message: string;
  /** When it first passed (ms since epoch). */
  passedAt?: number;
}
