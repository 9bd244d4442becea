// The real SandboxProvider: virtual hosts from src/sandbox and terminals running our
// shell. A snapshot is the sandbox image (disks + event log) as gzipped JSON.
import { gunzipSync, gzipSync } from 'node:zlib';
import { createSandbox, type Sandbox, type SandboxImage } from '../sandbox/sandbox.ts';
import { createTerminalSession } from '../sandbox/shell/terminal.ts';
import type { LabEvent } from './check-context.ts';
import type { LabSandbox, OpenTerminalOptions, SandboxProvider, TerminalSession } from './sandbox-port.ts';
import type { LabDefinition } from './types.ts';

export function encodeSnapshot(image: SandboxImage): Uint8Array {
  return new Uint8Array(gzipSync(Buffer.from(JSON.stringify(image), 'utf8')));
}

export function decodeSnapshot(data: Uint8Array): SandboxImage {
  const parsed = JSON.parse(gunzipSync(data).toString('utf8')) as SandboxImage;
  if (parsed?.format !== 'hardway-lab/sandbox') throw new Error('not a hardway-lab sandbox snapshot');
  return parsed;
}

/** Wraps a sandbox from src/sandbox as the lab runtime's LabSandbox. */
export function labSandboxFrom(sandbox: Sandbox): LabSandbox & { readonly sandbox: Sandbox } {
  const terminals = new Set<TerminalSession>();
  return {
    sandbox,
    hosts: [...sandbox.hosts.values()],
    host: (name) => sandbox.hosts.get(name),
    events: (): LabEvent[] => sandbox.events.list(),
    openTerminal(opts: OpenTerminalOptions): TerminalSession {
      const host = sandbox.host(opts.host);
      const session = createTerminalSession({
        host,
        user: opts.user,
        cols: opts.cols,
        rows: opts.rows,
        ttyName: opts.ttyName,
        // Like a terminal emulator running `bash -l`: profiles are read, errors say "bash: …".
        login: true,
        argv0: 'bash',
        onOutput: opts.onOutput,
        onExit: (code: number) => {
          terminals.delete(wrapped);
          opts.onExit(code);
        },
      });
      const wrapped: TerminalSession = {
        input: (d) => session.input(d),
        resize: (c, r) => session.resize(c, r),
        close: () => {
          terminals.delete(wrapped);
          session.close();
        },
        state: () => session.state(),
      };
      terminals.add(wrapped);
      return wrapped;
    },
    snapshot: () => encodeSnapshot(sandbox.snapshot()),
    dispose() {
      for (const t of [...terminals]) t.close();
      void sandbox.dispose();
    },
  };
}

export const realSandboxProvider: SandboxProvider = {
  async create(lab: LabDefinition, opts = {}) {
    const image = opts.snapshot ? decodeSnapshot(opts.snapshot) : undefined;
    const sandbox = createSandbox({ hosts: lab.topology.hosts, ...(image ? { image } : {}) });
    const labSandbox = labSandboxFrom(sandbox);
    if (!image) {
      try {
        await lab.setup?.({ hosts: labSandbox.hosts, host: (name) => sandbox.host(name) });
      } catch (e) {
        labSandbox.dispose();
        throw e;
      }
    }
    return labSandbox;
  },
};
