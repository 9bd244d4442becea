// Shared by the labs' tests: a sandbox for a lab (the real provider, as the lab server
// makes it), the checks run against it, and a terminal that types lines into it.
import { createCheckContext, type CheckContext } from '../../src/lab/check-context.ts';
import { runOneCheck } from '../../src/lab/run-checks.ts';
import { realSandboxProvider } from '../../src/lab/sandbox-provider.ts';
import type { LabSandbox } from '../../src/lab/sandbox-port.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import type { CheckResult, LabDefinition } from '../../src/lab/types.ts';
import { builtinPrograms } from '../../src/sandbox/registry.ts';

/** Programs a lab needs that the default registry does not have (tests that need them skip, saying so). */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((n) => !builtinPrograms.has(n));
}

/** A sandbox for the lab with its setup applied. */
export function labSandbox(lab: LabDefinition): Promise<LabSandbox> {
  return realSandboxProvider.create(lab);
}

export async function checkAll(lab: LabDefinition, ctx: CheckContext): Promise<Map<string, CheckResult>> {
  const out = new Map<string, CheckResult>();
  for (const task of lab.tasks) out.set(task.id, await runOneCheck(task, ctx));
  return out;
}

export async function checkOne(lab: LabDefinition, sandbox: LabSandbox, id: string): Promise<CheckResult> {
  const task = lab.tasks.find((t) => t.id === id);
  if (!task) throw new Error(`no task ${id} in ${lab.id}`);
  return runOneCheck(task, createCheckContext(sandbox));
}

/** Types each line and waits for the prompt; throws with the transcript when one does not come back. */
export async function typeLines(term: TerminalDriver, lines: readonly string[], timeoutMs = 20_000): Promise<void> {
  for (const line of lines) {
    const r = await term.run(line, { timeoutMs });
    if (!r.completed) throw new Error(`"${line}" did not come back to the prompt:\n${term.output.slice(-3000)}`);
  }
}

/**
 * A fresh sandbox for the lab and a learner's terminal on its first host, logged in (the
 * prompt came), for `fn`; both are closed afterwards, whatever `fn` does.
 */
export async function withLabTerminal(lab: LabDefinition, fn: (term: TerminalDriver, sandbox: LabSandbox) => Promise<void>): Promise<void> {
  const sandbox = await labSandbox(lab);
  const term = new TerminalDriver(sandbox, { host: lab.topology.hosts[0]!.name });
  try {
    if (!(await term.ready())) throw new Error(`no prompt after login:\n${term.output}`);
    await fn(term, sandbox);
  } finally {
    term.close();
    sandbox.dispose();
  }
}
