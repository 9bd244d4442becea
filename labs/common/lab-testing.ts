// Shared by the labs' tests: a sandbox for a lab, and a terminal that types lines into it.
//
// Until etcd is in the default program registry with its sd_notify call (the etcd and
// "Linux machine" engineers), the tests put the real etcd command (src/sandbox/commands/
// etcd.ts) in the registry themselves and pass on its "ready to serve client requests"
// to systemd as READY=1, exactly as src/sandbox/systemd/seed-install.test.ts does. Nothing
// else is stood in for: programs that have not landed (etcdctl, curl) are missing, and
// the tests that need them are skipped with the reason.
import { createCheckContext, type CheckContext } from '../../src/lab/check-context.ts';
import { runOneCheck } from '../../src/lab/run-checks.ts';
import { labSandboxFrom, realSandboxProvider } from '../../src/lab/sandbox-provider.ts';
import type { LabSandbox } from '../../src/lab/sandbox-port.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import type { CheckResult, LabDefinition } from '../../src/lab/types.ts';
import { makeEtcdCommand } from '../../src/sandbox/commands/etcd.ts';
import { createRegistry } from '../../src/sandbox/programs.ts';
import { builtinPrograms } from '../../src/sandbox/registry.ts';
import { createSandbox } from '../../src/sandbox/sandbox.ts';
import { sdNotify } from '../../src/sandbox/systemd/notify.ts';
import type { Command } from '../../src/sandbox/types.ts';

/** Programs a lab needs that the default registry does not have yet. */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((n) => !builtinPrograms.has(n));
}

/** etcd as registered, or the real etcd command with READY=1 passed to systemd (see above). */
function etcdForTests(): Command {
  const registered = builtinPrograms.get('etcd');
  if (registered) return registered;
  const real = makeEtcdCommand();
  return {
    ...real,
    run: (ctx) =>
      real.run({
        ...ctx,
        host: new Proxy(ctx.host, {
          get(target, prop, recv) {
            if (prop === 'recordEvent')
              return (type: string, data?: Record<string, unknown>) => {
                target.recordEvent(type, data);
                if (type === 'etcd-started') sdNotify(ctx, 'READY=1');
              };
            const v = Reflect.get(target, prop, recv);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
      }),
  };
}

/** A sandbox for the lab with its setup applied: the real provider once etcd is registered. */
export async function labSandbox(lab: LabDefinition): Promise<LabSandbox> {
  if (builtinPrograms.has('etcd')) return realSandboxProvider.create(lab);
  const sandbox = createSandbox({ hosts: lab.topology.hosts, programs: createRegistry([...builtinPrograms.values(), etcdForTests()]) });
  const wrapped = labSandboxFrom(sandbox);
  try {
    await lab.setup?.({ hosts: wrapped.hosts, host: (name) => sandbox.host(name) });
  } catch (e) {
    wrapped.dispose();
    throw e;
  }
  return wrapped;
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
