// For the tests of multi-host labs (lesson 04, the Playground, test/interop/cluster-*):
// a sandbox for a lab with etcd and etcdctl runnable. Until both are in the default
// program registry (src/sandbox/commands/index.ts), the real commands are added to the
// registry here: the real etcd (src/sandbox/commands/etcd.ts) and the real etcdctl
// (src/etcdctl), nothing stood in for. Once registered, this is realSandboxProvider.
import { runEtcdctl } from '../../src/etcdctl/main.ts';
import { decodeSnapshot, labSandboxFrom, realSandboxProvider } from '../../src/lab/sandbox-provider.ts';
import type { LabSandbox, SandboxProvider } from '../../src/lab/sandbox-port.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import type { LabDefinition } from '../../src/lab/types.ts';
import { makeEtcdCommand } from '../../src/sandbox/commands/etcd.ts';
import { createRegistry } from '../../src/sandbox/programs.ts';
import { builtinPrograms } from '../../src/sandbox/registry.ts';
import { createSandbox } from '../../src/sandbox/sandbox.ts';
import type { Command } from '../../src/sandbox/types.ts';

const etcdctlCommand: Command = {
  name: 'etcdctl',
  summary: 'etcdctl, the etcd v3 command-line client',
  run: (ctx) =>
    runEtcdctl({
      argv: ctx.argv.slice(1),
      env: ctx.env,
      stdin: ctx.stdin,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      net: ctx.net,
      fs: ctx.fs,
      signal: ctx.signal,
      clock: ctx.clock,
      cwd: ctx.cwd,
      version: (ctx.programVersion ?? '3.6.4').replace(/^v/, ''),
    }),
};

export async function clusterLabSandbox(lab: LabDefinition, opts: { snapshot?: Uint8Array } = {}): Promise<LabSandbox> {
  if (builtinPrograms.has('etcd') && builtinPrograms.has('etcdctl')) return realSandboxProvider.create(lab, opts);
  const programs = [...builtinPrograms.values()];
  if (!builtinPrograms.has('etcd')) programs.push(makeEtcdCommand());
  if (!builtinPrograms.has('etcdctl')) programs.push(etcdctlCommand);
  const image = opts.snapshot ? decodeSnapshot(opts.snapshot) : undefined;
  const sandbox = createSandbox({ hosts: lab.topology.hosts, programs: createRegistry(programs), ...(image ? { image } : {}) });
  const wrapped = labSandboxFrom(sandbox);
  if (image) return wrapped;
  try {
    await lab.setup?.({ hosts: wrapped.hosts, host: (name) => sandbox.host(name) });
  } catch (e) {
    wrapped.dispose();
    throw e;
  }
  return wrapped;
}

/** The lab server's SandboxProvider with etcd and etcdctl runnable (see above). */
export const clusterSandboxProvider: SandboxProvider = { create: (lab, opts) => clusterLabSandbox(lab, opts) };

/** A logged-in terminal per host, in topology order (pts/0, pts/1 …). */
export async function terminalsPerHost(sandbox: LabSandbox, lab: LabDefinition, opts: { cols?: number } = {}): Promise<TerminalDriver[]> {
  const terms = lab.topology.hosts.map((h, i) => new TerminalDriver(sandbox, { host: h.name, ttyName: `pts/${i}`, ...(opts.cols ? { cols: opts.cols } : {}) }));
  for (const t of terms) if (!(await t.ready())) throw new Error(`no prompt on ${t.output}`);
  return terms;
}
