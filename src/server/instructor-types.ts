// What the instructor API and its live socket send (shared with src/web, types only).
import type { TaskStatus } from '../lab/types.ts';

export interface InstructorTask {
  id: string;
  title: string;
  /** 'pending' = not checked yet (or only polled without passing). */
  status: TaskStatus;
  /** The last check's message (for a failed task: why it failed). */
  message: string;
  /** When the check last ran (ms since epoch). */
  checkedAt: number | null;
  passedAt: number | null;
}

export interface InstructorLearnerLab {
  passed: number;
  total: number;
  tasks: InstructorTask[];
}

export interface InstructorLearner {
  id: string;
  /** The learner's chosen display name, or their pseudonym. */
  name: string;
  /** True when the learner picked the name. */
  named: boolean;
  /** A page of theirs has a terminal connected now. */
  online: boolean;
  lastActivityAt: number | null;
  labs: Record<string, InstructorLearnerLab>;
}

export interface InstructorLab {
  id: string;
  title: string;
  tasks: { id: string; title: string }[];
}

export interface InstructorOverview {
  labs: InstructorLab[];
  learners: InstructorLearner[];
}

/** Frames on WS /api/instructor/live. */
export type InstructorFrame =
  | { type: 'learner'; learner: InstructorLearner }
  /** Updates were dropped (a slow connection): fetch the whole list again. */
  | { type: 'resync' }
  | { type: 'hello'; maxQueue: number };
