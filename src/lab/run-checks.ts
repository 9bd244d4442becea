// Runs a lab's checks against a sandbox and folds the results into the learner's task
// states. A pass is kept (progress is not lost when a later step, like `del --prefix`,
// undoes what an earlier task built); a failure is only shown after the learner asked
// (the Check button, or the grader), so a page that polls does not shout at a learner
// who has not started yet.
import type { CheckContext } from './check-context.ts';
import type { CheckResult, LabDefinition, LabTask, TaskState } from './types.ts';

export type CheckMode = 'poll' | 'explicit';

export interface RunChecksOptions {
  mode: CheckMode;
  /** Wall-clock time for passedAt. */
  now: number;
  /** A check taking longer than this fails with a message saying so. */
  timeoutMs?: number;
}

export function initialTaskStates(lab: LabDefinition): TaskState[] {
  return lab.tasks.map((t) => ({ id: t.id, title: t.title, status: 'pending', message: '' }));
}

/** Runs one check, turning a throw or a hang into a failed result with words. */
export async function runOneCheck(task: LabTask, ctx: CheckContext, timeoutMs = 8000): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `the check did not finish within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => task.check(ctx)),
      timeout,
    ]);
    if (!result || typeof result.ok !== 'boolean') return { ok: false, message: 'the check returned no result' };
    return { ok: result.ok, message: String(result.message ?? '') };
  } catch (e) {
    return { ok: false, message: `the check could not run: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(
  lab: LabDefinition,
  ctx: CheckContext,
  previous: readonly TaskState[],
  opts: RunChecksOptions,
): Promise<TaskState[]> {
  const byId = new Map(previous.map((t) => [t.id, t]));
  const out: TaskState[] = [];
  for (const task of lab.tasks) {
    const before = byId.get(task.id);
    if (before?.status === 'passed') {
      out.push({ ...before, title: task.title });
      continue;
    }
    const result = await runOneCheck(task, ctx, opts.timeoutMs);
    if (result.ok) {
      out.push({ id: task.id, title: task.title, status: 'passed', message: result.message, passedAt: opts.now });
    } else {
      const status = opts.mode === 'explicit' ? 'failed' : (before?.status ?? 'pending');
      out.push({ id: task.id, title: task.title, status, message: result.message });
    }
  }
  return out;
}

/** True when two lists of task states would look the same on the page. */
export function sameTaskStates(a: readonly TaskState[], b: readonly TaskState[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((t, i) => {
    const u = b[i]!;
    return t.id === u.id && t.status === u.status && t.message === u.message;
  });
}
